"""Order lifecycle: validated status changes with their effects, and the lifecycle job.

`change_status` is the one way a service changes an order's status: the domain's status machine says
whether the cause may make the change and what it triggers (notification and email, the acceptance
ticket, the end of suspension banners).

`run` is the job (`python -m introserv_app lifecycle run [--now ...]`, and every few minutes in the app):
under a lock that only one process holds, each step finds its orders with set-based SQL, changes them
in one transaction and keys what it sends on the order and its paid-until date, so a second run, or a
run after one was killed, finds nothing left to do for work already done.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import LedgerEntry, Notification, Order, OrderStatusChange, Profile, table_of
from introserv_app.db.types import utcnow
from introserv_app.domain.lifecycle import Cause, Effect, LifecycleCalendar, TransitionRefused, transition
from introserv_app.domain.statuses import STATUS_INFO, OrderStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.i18n import gettext
from introserv_app.services import messaging
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.scope import MSG_ORDER_NOT_FOUND
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.joblock import job_lock
from introserv_app.services.orders import record_status_change

log = logging.getLogger("introserv.lifecycle")
S = OrderStatus
JOB = "lifecycle"

TICKET_SUBJECT = N_("Order {order} accepted")
TICKET_BODY = N_(
    "Thank you: order {order} is paid and accepted for processing. We are preparing your service and will "
    "write here when it is ready. Reply to this ticket with any questions about the order."
)
SUSPENSION_KINDS = messaging.STICKY_KINDS
#: What an order's end (cancellation) or restoration resolves: reminders, auto-renewal notices, suspensions.
RESOLVED_BY_END = (*messaging.ORDER_ATTENTION_KINDS, *SUSPENSION_KINDS)
AUTO_RENEW_CHUNK = 50
ORDER_COLUMNS: Any = table_of(Order).c
NOTIFICATION_INSERT = (
    "user_id", "order_id", "severity", "kind", "title", "body", "params", "email_state", "dedupe_key", "created_at",
)  # fmt: skip


# ---- one order ------------------------------------------------------------------------------------


def change_status(
    *,
    session: Session,
    order: Order,
    new: OrderStatus,
    cause: Cause,
    event: str,
    actor_id: int | None = None,
    note: str = "",
    kind: str | None = None,
    params: dict[str, object] | None = None,
    now: datetime,
) -> None:
    """Move `order` to `new` if the status machine lets `cause` do it (a ServiceError that names both
    statuses otherwise), record it on the timeline and set off what the change triggers."""
    old = OrderStatus(order.status)
    try:
        rule = transition(old, new, cause)
    except TransitionRefused as exc:
        raise ServiceError(exc.msgid, old=STATUS_INFO[old].label, new=STATUS_INFO[new].label) from None
    order.status = new.value
    if new == S.CANCELLED and order.cancelled_at is None:
        order.cancelled_at = now
    record_status_change(
        session=session,
        order_id=order.id or 0,
        old=old.value,
        new=new.value,
        event=event,
        actor_id=actor_id,
        note=note,
        now=now,
    )
    if Effect.RESOLVE_SUSPENSION in rule.effects or new == S.CANCELLED:
        messaging.resolve(session=session, order_ids=order.id or 0, kinds=RESOLVED_BY_END, now=now)
    if Effect.NOTIFY in rule.effects:
        values: dict[str, object] = {"order": order.service_name}
        if order.paid_until is not None:
            values["date"] = order.paid_until.isoformat()
        if order.main_ip:
            values["ip"] = order.main_ip
        values.update(params or {})
        messaging.notify(
            session=session,
            user_id=order.user_id,
            kind=kind or rule.kind,
            params=values,
            order_id=order.id,
            now=now,
        )
    if Effect.ACCEPTANCE_TICKET in rule.effects:
        lang = session.exec(select(Profile.language).where(Profile.user_id == order.user_id)).first() or "en"
        messaging.open_system_ticket(
            session=session,
            user_id=order.user_id,
            order_id=order.id,
            subject=gettext(lang, TICKET_SUBJECT).format(order=order.service_name),
            message=gettext(lang, TICKET_BODY).format(order=order.service_name),
            now=now,
        )


# ---- the job --------------------------------------------------------------------------------------


def calendar_from_settings() -> LifecycleCalendar:
    s = get_settings()
    return LifecycleCalendar(
        reminder_days=s.reminder_days,
        grace_days=s.grace_days,
        cancel_after_days=s.suspended_cancel_days,
        auto_renew_days=s.auto_renew_days,
    )


@dataclass
class RunReport:
    locked_out: bool = False
    cancelled_scheduled: int = 0
    auto_renewed: int = 0
    auto_invoiced: int = 0
    auto_failed: int = 0
    reminders: int = 0
    suspended: int = 0
    cancelled_nonpayment: int = 0
    low_balance: int = 0
    emails: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cancel_pending() -> Any:
    return sa.and_(col(Order.cancel_mode) == "period_end", col(Order.cancelled_at).is_(None))


def _not_cancel_pending() -> Any:
    return sa.or_(
        col(Order.cancel_mode).is_(None), col(Order.cancel_mode) != "period_end", col(Order.cancelled_at).isnot(None)
    )


def _json_object(session: Session, values: dict[str, Any]) -> Any:
    """A JSON object built in SQL from {key: SQL expression or literal}."""
    fn = sa.func.json_build_object if session.get_bind().dialect.name == "postgresql" else sa.func.json_object
    args: list[Any] = []
    for key, value in values.items():
        args += [sa.literal(key), sa.literal(value) if isinstance(value, str | int) else value]
    return fn(*args)


def _now_literal(now: datetime) -> Any:
    return sa.literal(now, type_=table_of(Order).c.created_at.type)


def _history_insert(rows: Any, old: OrderStatus, new: OrderStatus, event: str, now: datetime, *filters: Any) -> Any:
    """INSERT ... SELECT of a timeline entry for each of `rows` (the orders table, or a CTE of changed orders)."""
    return sa.insert(table_of(OrderStatusChange)).from_select(
        ["order_id", "old_status", "new_status", "event", "actor_id", "note", "created_at"],
        sa.select(
            rows.id, sa.literal(old.value), sa.literal(new.value), sa.literal(event), sa.null(), sa.literal(""),
            _now_literal(now),
        ).where(*filters),
    )  # fmt: skip


def _notification_insert(
    session: Session,
    rows: Any,
    kind: str,
    params: Callable[[Any], dict[str, Any]],
    dedupe: str,
    now: datetime,
    *filters: Any,
) -> Any:
    """INSERT ... SELECT of a `kind` notification (email pending) for each of `rows`."""
    template = messaging.TEMPLATES[kind]
    return sa.insert(table_of(Notification)).from_select(
        NOTIFICATION_INSERT,
        sa.select(
            rows.user_id, rows.id, sa.literal(template.severity), sa.literal(kind), sa.literal(template.title[:200]),
            sa.literal(""), _json_object(session, {"order": rows.service_name, **params(rows)}), sa.literal("pending"),
            _key_expr(dedupe, rows.id, rows.paid_until), _now_literal(now),
        ).where(*filters),
    )  # fmt: skip


def _bulk_change(
    session: Session,
    *,
    new: OrderStatus,
    sources: Sequence[OrderStatus],
    where: Sequence[Any],
    event: str,
    kind: str,
    params: Callable[[Any], dict[str, Any]],
    dedupe: str,
    now: datetime,
) -> int:
    """Set-based status change, all in SQL: the timeline entries, the notifications and the update of
    the orders matching `where`, in the caller's transaction. On SQLite (one writer at a time) these are
    separate statements over the same condition; on PostgreSQL one statement (an UPDATE ... RETURNING
    CTE feeding both inserts), so a payment committing meanwhile cannot slip between them."""
    for old in sources:
        transition(old, new, Cause.SYSTEM)  # the machine must allow every change the job makes
    pg = session.get_bind().dialect.name == "postgresql"
    values: dict[str, Any] = {"status": new.value}
    if new == S.CANCELLED:
        values["cancelled_at"] = now
    changed = 0
    for old in sources:
        cond = (col(Order.status) == old.value, *where)
        if new == S.CANCELLED:
            # its own statement also on PostgreSQL: as a CTE over the changed rows it was planned as a
            # loop (250 s at 38,000 rows)
            messaging.resolve(
                session=session, order_ids=sa.select(col(Order.id)).where(*cond), kinds=RESOLVED_BY_END, now=now
            )

        update = sa.update(table_of(Order)).where(*cond).values(**values)
        if pg:
            o = ORDER_COLUMNS
            rows = update.returning(o.id, o.user_id, o.service_name, o.paid_until).cte("changed")
            stmt = sa.select(sa.func.count()).select_from(rows)
            stmt = stmt.add_cte(
                _history_insert(rows.c, old, new, event, now).cte("history"),
                _notification_insert(session, rows.c, kind, params, dedupe, now).cte("notes"),
            )
            changed += int(session.execute(stmt).scalar() or 0)
            continue
        session.execute(_history_insert(ORDER_COLUMNS, old, new, event, now, *cond))
        session.execute(_notification_insert(session, ORDER_COLUMNS, kind, params, dedupe, now, *cond))
        result = session.execute(update)
        changed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return changed


def _scheduled_cancellations(session: Session, today: date, now: datetime) -> int:
    return _bulk_change(
        session,
        new=S.CANCELLED,
        sources=(S.PROCESSING, S.PROCESSED, S.SUSPENDED_NONPAYMENT),
        where=(_cancel_pending(), col(Order.paid_until) <= today),
        event="cancelled",
        kind="order_cancelled_scheduled",
        params=lambda rows: {"date": rows.paid_until},
        dedupe="cancelled",
        now=now,
    )


def _suspensions(session: Session, cal: LifecycleCalendar, today: date, now: datetime) -> int:
    return _bulk_change(
        session,
        new=S.SUSPENDED_NONPAYMENT,
        sources=(S.PROCESSING, S.PROCESSED),
        where=(col(Order.paid_until) < cal.suspend_before(today), _not_cancel_pending()),
        event="suspended",
        kind="order_suspended",
        params=lambda rows: {
            "date": rows.paid_until,
            "cancel_date": (today + timedelta(days=cal.cancel_after_days)).isoformat(),
        },
        dedupe="suspended",
        now=now,
    )


def _nonpayment_cancellations(session: Session, cal: LifecycleCalendar, today: date, now: datetime) -> int:
    return _bulk_change(
        session,
        new=S.CANCELLED,
        sources=(S.SUSPENDED_NONPAYMENT,),
        where=(col(Order.paid_until) < cal.cancel_before(today),),
        event="cancelled",
        kind="order_cancelled_nonpayment",
        params=lambda rows: {"date": rows.paid_until},
        dedupe="cancelled",
        now=now,
    )


def _key_expr(prefix: str, *parts: Any) -> Any:
    """`prefix:part:part...` as a SQL string expression (for dedupe keys built in the database)."""
    expr: Any = sa.literal(prefix)
    for part in parts:
        expr = expr + sa.literal(":") + sa.cast(part, sa.String)
    return expr


def _reminders(session: Session, cal: LifecycleCalendar, today: date, now: datetime) -> int:
    """One reminder per order, paid-until and threshold, inserted with INSERT ... SELECT."""
    if not cal.reminder_days:
        return 0
    ascending = sorted(cal.reminder_days)
    threshold = sa.case(
        *[(col(Order.paid_until) <= today + timedelta(days=d), sa.literal(d)) for d in ascending[:-1]],
        else_=sa.literal(ascending[-1]),
    )
    key = _key_expr("reminder", col(Order.id), col(Order.paid_until), threshold)
    params = _json_object(session, {"order": col(Order.service_name), "date": col(Order.paid_until)})
    template = messaging.TEMPLATES["renewal_reminder"]
    existing = sa.select(sa.literal(1)).select_from(Notification).where(col(Notification.dedupe_key) == key)
    source = sa.select(
        col(Order.user_id),
        col(Order.id),
        sa.case((threshold <= 3, sa.literal("warning")), else_=sa.literal("info")),
        sa.literal("renewal_reminder"),
        sa.literal(template.title[:200]),
        sa.literal(""),
        params,
        sa.literal("pending"),
        key,
        _now_literal(now),
    ).where(
        col(Order.status).in_((S.PROCESSING.value, S.PROCESSED.value)),
        col(Order.paid_until) > today,
        col(Order.paid_until) <= today + timedelta(days=ascending[-1]),
        _not_cancel_pending(),
        ~sa.exists(existing),
    )
    inserted = session.execute(
        sa.insert(Notification)
        .from_select(
            NOTIFICATION_INSERT,
            source,
        )
        .returning(col(Notification.id))
    ).all()
    return len(inserted)


def _auto_renewals(engine: Engine, cal: LifecycleCalendar, today: date, now: datetime, report: RunReport) -> None:
    """Customers with automatic renewal: their due orders renewed from the balance, one transaction per
    customer (an invoice and a notification when the balance is short)."""
    from introserv_app.services.renewals import auto_renew

    key = _key_expr("autorenew", col(Order.id), col(Order.paid_until))
    with session_scope(engine) as session:
        due = session.execute(
            sa.select(col(Order.user_id), col(Order.id), col(Order.paid_until), col(Order.period_months))
            .join(Profile, col(Profile.user_id) == col(Order.user_id))
            .where(
                col(Profile.auto_renew).is_(True),
                col(Order.status).in_((S.PROCESSING.value, S.PROCESSED.value)),
                # from a few days before paid-until to the end of the grace period; an order already
                # suspended is renewed by the customer, not behind their back
                col(Order.paid_until) <= today + timedelta(days=cal.auto_renew_days),
                col(Order.paid_until) >= cal.suspend_before(today),
                _not_cancel_pending(),
                ~sa.exists(
                    sa.select(sa.literal(1)).select_from(Notification).where(col(Notification.dedupe_key) == key)
                ),
            )
            .order_by(col(Order.user_id), col(Order.id))
        ).all()
    by_user: dict[int, list[tuple[int, date, int]]] = defaultdict(list)
    for uid, oid, pu, months in due:
        by_user[uid].append((oid, pu, months))
    users = list(by_user.items())

    def apply(chunk: list[tuple[int, list[tuple[int, date, int]]]]) -> None:
        with session_scope(engine) as session:
            outcomes = [auto_renew(session=session, user_id=uid, due=orders, now=now) for uid, orders in chunk]
        for outcome in outcomes:
            report.auto_renewed += outcome.renewed
            report.auto_invoiced += outcome.invoiced
            report.auto_failed += outcome.failed

    # Several customers per transaction (a commit each would cost more than the work); when one of them
    # fails, the chunk is redone one customer per transaction so that only that one waits for the next run.
    for start in range(0, len(users), AUTO_RENEW_CHUNK):
        chunk = users[start : start + AUTO_RENEW_CHUNK]
        try:
            apply(chunk)
        except Exception:  # noqa: BLE001 - redone customer by customer just below, where it is logged
            for one in chunk:
                try:
                    apply([one])
                except Exception:
                    log.exception("auto-renewal of user %s failed; it is retried on the next run", one[0])


def _low_balance(session: Session, now: datetime) -> int:
    """One notification when a balance falls below the customer's threshold; re-armed once it is back."""
    total = sa.func.coalesce(sa.func.sum(col(LedgerEntry.amount_minor)), 0)
    rows = session.execute(
        sa.select(
            col(Profile.user_id),
            col(Profile.low_balance_threshold_minor),
            col(Profile.low_balance_alerted),
            col(Profile.currency),
            total,
        )
        .select_from(Profile)
        .outerjoin(
            LedgerEntry,
            sa.and_(
                col(LedgerEntry.user_id) == col(Profile.user_id), col(LedgerEntry.currency) == col(Profile.currency)
            ),
        )
        .where(col(Profile.low_balance_threshold_minor).isnot(None))
        .group_by(
            col(Profile.user_id),
            col(Profile.low_balance_threshold_minor),
            col(Profile.low_balance_alerted),
            col(Profile.currency),
        )
    ).all()
    alert, rearm = [], []
    for uid, threshold, alerted, currency, bal in rows:
        if int(bal) < threshold and not alerted:
            alert.append((uid, threshold, currency, int(bal)))
        elif int(bal) >= threshold and alerted:
            rearm.append(uid)
    for start in range(0, len(rearm), 900):
        chunk = rearm[start : start + 900]
        session.execute(
            sa.update(Profile)
            .execution_options(synchronize_session=False)
            .where(col(Profile.user_id).in_(chunk))
            .values(low_balance_alerted=False)
        )
        session.execute(
            sa.update(Notification)
            .execution_options(synchronize_session=False)
            .where(
                col(Notification.user_id).in_(chunk),
                col(Notification.kind) == "low_balance",
                col(Notification.resolved_at).is_(None),
            )
            .values(resolved_at=now)
        )
    if alert:
        template = messaging.TEMPLATES["low_balance"]
        session.connection().execute(
            sa.insert(table_of(Notification)),
            [
                {
                    "user_id": uid,
                    "order_id": None,
                    "severity": template.severity,
                    "kind": "low_balance",
                    "title": template.title,
                    "body": "",
                    "params": {
                        "balance": {"minor": bal, "currency": cur},
                        "threshold": {"minor": threshold, "currency": cur},
                    },
                    "email_state": "pending",
                    "dedupe_key": None,
                    "created_at": now,
                }
                for uid, threshold, cur, bal in alert
            ],
        )
        ids = [uid for uid, _, _, _ in alert]
        for start in range(0, len(ids), 900):
            session.execute(
                sa.update(Profile)
                .execution_options(synchronize_session=False)
                .where(col(Profile.user_id).in_(ids[start : start + 900]))
                .values(low_balance_alerted=True)
            )
    return len(alert)


def run(*, engine: Engine, now: datetime | None = None, calendar: LifecycleCalendar | None = None) -> RunReport:
    """One run of the lifecycle job; returns what it did (`locked_out` when another process runs it)."""
    now = now or utcnow()
    cal = calendar or calendar_from_settings()
    today = now.date()
    report = RunReport()
    with job_lock(engine, JOB) as lock:
        if not lock.acquired:
            report.locked_out = True
            return report

        def step(name: str, fn: Callable[[], None]) -> None:
            start = time.perf_counter()
            fn()
            report.seconds[name] = round(time.perf_counter() - start, 3)
            lock.extend()

        def in_tx(apply: Callable[[Session], None]) -> Callable[[], None]:
            def go() -> None:
                with session_scope(engine) as session:
                    apply(session)

            return go

        def set_(attr: str, fn: Callable[[Session], int]) -> Callable[[Session], None]:
            return lambda session: setattr(report, attr, fn(session))

        step(
            "scheduled_cancellations",
            in_tx(set_("cancelled_scheduled", lambda s: _scheduled_cancellations(s, today, now))),
        )
        step("auto_renewals", lambda: _auto_renewals(engine, cal, today, now, report))
        step("reminders", in_tx(set_("reminders", lambda s: _reminders(s, cal, today, now))))
        step("suspensions", in_tx(set_("suspended", lambda s: _suspensions(s, cal, today, now))))
        step(
            "nonpayment_cancellations",
            in_tx(set_("cancelled_nonpayment", lambda s: _nonpayment_cancellations(s, cal, today, now))),
        )
        step("low_balance", in_tx(set_("low_balance", lambda s: _low_balance(s, now))))
        step("emails", lambda: setattr(report, "emails", messaging.dispatch_emails(engine=engine, now=now)))
    return report


def idem_key(user_id: int, due: Sequence[tuple[int, date | None, int]]) -> str:
    """The key of one customer's auto-renewal (same orders and dates → same invoice)."""
    digest = hashlib.sha256(repr(sorted((o, str(p)) for o, p, _ in due)).encode()).hexdigest()[:32]
    return f"auto-{user_id}-{digest}"


# ---- support's status changes -----------------------------------------------------------------------

MSG_BAD_IP = N_("Enter the main IP address of the service (IPv4 or IPv6).")


def deliver_order(
    *, session: Session, viewer: Viewer, order_id: int, main_ip: object, ip: str = "", now: datetime | None = None
) -> Order:
    """Support marks a "Processing" order "Processed" (delivered) with its main IP; the customer is told."""
    now = now or utcnow()
    access.require_staff(session=session, viewer=viewer, target="order.deliver", ip=ip)
    text = main_ip.strip() if isinstance(main_ip, str) else ""
    try:
        # no IPv6 zone ("fe80::1%eth0"): it names an interface of one host, and may hold any text
        address = str(ipaddress.ip_address(text)) if "%" not in text else ""
    except ValueError:
        address = ""
    if not address:
        raise ServiceError(MSG_BAD_IP)
    order = session.get(Order, order_id) if is_row_id(order_id) else None
    if order is None:
        raise ServiceError(MSG_ORDER_NOT_FOUND)
    old = order.status
    order.main_ip = address
    change_status(
        session=session,
        order=order,
        new=S.PROCESSED,
        cause=Cause.SUPPORT,
        event="delivered",
        actor_id=viewer.user_id,
        now=now,
    )
    audit.record(
        session=session,
        action="order.deliver",
        actor_id=viewer.user_id,
        subject_user_id=order.user_id,
        ip=ip,
        details={"order_id": order.id, "old": old, "main_ip": address},
        now=now,
    )
    return order
