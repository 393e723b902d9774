"""The lifecycle job (`python -m introserv_app lifecycle run [--now ...]`, and every few minutes in the app).

Under a lock that only one process holds, each step finds its orders with set-based SQL, changes them in one
transaction (through `orders.change_status_in_bulk`) and keys what it sends on the order and its paid-until date,
so a second run, or a run after one was killed, finds nothing left to do for work already done.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from introserv_app.config import get_settings
from introserv_app.db.joblock import job_lock
from introserv_app.db.session import session_scope
from introserv_app.db.sql import json_object, key_expr, timestamp_literal
from introserv_app.db.tables import Invoice, InvoiceLine, LedgerEntry, Notification, Order, Profile, table_of
from introserv_app.db.types import utcnow
from introserv_app.domain.lifecycle import LifecycleCalendar
from introserv_app.domain.statuses import InvoiceStatus, OrderStatus
from introserv_app.services import billing, messaging
from introserv_app.services.messaging import NOTIFICATION_INSERT
from introserv_app.services.orders import cancellation_pending_sql, change_status_in_bulk

log = logging.getLogger("introserv.lifecycle")


JOB = "lifecycle"
T = TypeVar("T")


AUTO_RENEW_CHUNK = 50
#: Customers whose renewal invoices one run issues (about 5 ms each); the rest wait for the next run.
RENEWAL_INVOICE_CUSTOMERS = 500


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
    renewal_invoices: int = 0
    #: Customers whose renewal invoices wait for the next run (more were due than one run issues).
    renewal_invoices_waiting: int = 0
    reminders: int = 0
    suspended: int = 0
    cancelled_nonpayment: int = 0
    low_balance: int = 0
    emails: int = 0
    #: Pending payments asked about at their provider, and how many of them were booked or ended.
    payments_asked: int = 0
    payments_settled: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _scheduled_cancellations(session: Session, today: date, now: datetime) -> int:
    return change_status_in_bulk(
        session,
        new=OrderStatus.CANCELLED,
        sources=(OrderStatus.PROCESSING, OrderStatus.PROCESSED, OrderStatus.SUSPENDED_NONPAYMENT),
        where=(cancellation_pending_sql(), col(Order.paid_until) <= today),
        event="cancelled",
        kind="order_cancelled_scheduled",
        params=lambda rows: {"date": rows.paid_until},
        dedupe="cancelled",
        now=now,
    )


def _unpaid_invoice(order_id: Any, what: Any) -> Any:
    """The newest unpaid invoice of an order (a SELECT of `what`, to use as a scalar or in EXISTS)."""
    return (
        sa.select(what)
        .select_from(InvoiceLine)
        .join(Invoice, col(Invoice.id) == col(InvoiceLine.invoice_id))
        .where(col(InvoiceLine.order_id) == order_id, col(Invoice.status) == InvoiceStatus.UNPAID.value)
        .order_by(col(Invoice.id).desc())
        .limit(1)
    )


def _renewal_invoices(engine: Engine, today: date, now: datetime, report: RunReport) -> None:
    """Customers without automatic renewal: a renewal invoice for their orders whose paid period ends within
    `INTROSERV_INVOICE_DAYS` and that have none unpaid yet (one transaction per chunk of customers). At most
    `RENEWAL_INVOICE_CUSTOMERS` customers per run, the most urgent first: a backlog (the first run after an
    upgrade) is worked off over the next runs instead of holding the job for minutes."""
    horizon = today + timedelta(days=get_settings().invoice_days)
    ahead = key_expr("ahead", col(Order.id), col(Order.paid_until))  # = billing.renewal_notice_key
    with session_scope(engine) as session:
        due = session.execute(
            sa.select(col(Order.user_id), col(Order.id), col(Order.paid_until), col(Order.period_months))
            .join(Profile, col(Profile.user_id) == col(Order.user_id))
            .where(
                col(Profile.auto_renew).is_(False),
                col(Order.status).in_((OrderStatus.PROCESSING.value, OrderStatus.PROCESSED.value)),
                col(Order.paid_until) <= horizon,
                sa.not_(cancellation_pending_sql()),
                ~sa.exists(_unpaid_invoice(col(Order.id), sa.literal(1))),
                ~sa.exists(  # this period was invoiced ahead already (even if support cancelled that invoice)
                    sa.select(sa.literal(1)).select_from(Notification).where(col(Notification.dedupe_key) == ahead)
                ),
            )
            .order_by(col(Order.paid_until), col(Order.user_id), col(Order.id))
        ).all()
    by_user: dict[int, list[tuple[int, date, int]]] = defaultdict(list)  # in the order of the most urgent order
    for uid, oid, paid_until, months in due:
        by_user[uid].append((oid, paid_until, months))
    users = list(by_user.items())
    report.renewal_invoices_waiting = max(0, len(users) - RENEWAL_INVOICE_CUSTOMERS)
    issued = _in_chunks(
        engine,
        users[:RENEWAL_INVOICE_CUSTOMERS],
        "renewal invoices",
        lambda session, uid, orders: billing.issue_renewal_invoices(session=session, user_id=uid, due=orders, now=now),
    )
    report.renewal_invoices += sum(issued)


def _in_chunks(
    engine: Engine,
    users: list[tuple[int, list[tuple[int, date, int]]]],
    what: str,
    apply: Callable[[Session, int, list[tuple[int, date, int]]], T],
) -> list[T]:
    """`apply` for several customers per transaction (a commit each would cost more than the work); a chunk that
    fails is redone one customer per transaction, so that only the failing one waits for the next run (logged).
    Returns the results of the committed work."""
    done: list[T] = []
    for start in range(0, len(users), AUTO_RENEW_CHUNK):
        chunk = users[start : start + AUTO_RENEW_CHUNK]
        try:
            with session_scope(engine) as session:
                results = [apply(session, uid, orders) for uid, orders in chunk]
            done += results
        except Exception:  # noqa: BLE001 - redone customer by customer just below, where it is logged
            for uid, orders in chunk:
                try:
                    with session_scope(engine) as session:
                        result = apply(session, uid, orders)
                    done.append(result)
                except Exception:
                    log.exception("%s of user %s failed; it is retried on the next run", what, uid)
    return done


def _suspensions(session: Session, cal: LifecycleCalendar, today: date, now: datetime) -> int:
    return change_status_in_bulk(
        session,
        new=OrderStatus.SUSPENDED_NONPAYMENT,
        sources=(OrderStatus.PROCESSING, OrderStatus.PROCESSED),
        where=(
            col(Order.paid_until) < cal.suspend_before(today),
            sa.not_(cancellation_pending_sql()),
            sa.exists(_unpaid_invoice(col(Order.id), sa.literal(1))),  # only while its invoice is unpaid
        ),
        event="suspended",
        kind="order_suspended",
        params=lambda rows: {
            "date": rows.paid_until,
            "cancel_date": (today + timedelta(days=cal.cancel_after_days)).isoformat(),
            "invoice": _unpaid_invoice(rows.id, col(Invoice.number)).scalar_subquery(),
            "invoice_id": _unpaid_invoice(rows.id, col(Invoice.id)).scalar_subquery(),
        },
        dedupe="suspended",
        now=now,
    )


def _nonpayment_cancellations(session: Session, cal: LifecycleCalendar, today: date, now: datetime) -> int:
    return change_status_in_bulk(
        session,
        new=OrderStatus.CANCELLED,
        sources=(OrderStatus.SUSPENDED_NONPAYMENT,),
        where=(col(Order.paid_until) < cal.cancel_before(today),),
        event="cancelled",
        kind="order_cancelled_nonpayment",
        params=lambda rows: {"date": rows.paid_until},
        dedupe="cancelled",
        now=now,
    )


def _reminders(session: Session, cal: LifecycleCalendar, today: date, now: datetime) -> int:
    """One reminder per order, paid-until and threshold, inserted with INSERT ... SELECT."""
    if not cal.reminder_days:
        return 0
    ascending = sorted(cal.reminder_days)
    threshold = sa.case(
        *[(col(Order.paid_until) <= today + timedelta(days=d), sa.literal(d)) for d in ascending[:-1]],
        else_=sa.literal(ascending[-1]),
    )
    key = key_expr("reminder", col(Order.id), col(Order.paid_until), threshold)
    params = json_object(
        session,
        {
            "order": col(Order.service_name),
            "date": col(Order.paid_until),
            "invoice": _unpaid_invoice(col(Order.id), col(Invoice.number)).scalar_subquery(),
            "invoice_id": _unpaid_invoice(col(Order.id), col(Invoice.id)).scalar_subquery(),
        },
    )
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
        timestamp_literal(now),
    ).where(
        col(Order.status).in_((OrderStatus.PROCESSING.value, OrderStatus.PROCESSED.value)),
        col(Order.paid_until) > today,
        col(Order.paid_until) <= today + timedelta(days=ascending[-1]),
        sa.not_(cancellation_pending_sql()),
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
    from introserv_app.services.billing import auto_renew

    key = key_expr("autorenew", col(Order.id), col(Order.paid_until))
    with session_scope(engine) as session:
        due = session.execute(
            sa.select(col(Order.user_id), col(Order.id), col(Order.paid_until), col(Order.period_months))
            .join(Profile, col(Profile.user_id) == col(Order.user_id))
            .where(
                col(Profile.auto_renew).is_(True),
                col(Order.status).in_((OrderStatus.PROCESSING.value, OrderStatus.PROCESSED.value)),
                # from a few days before paid-until to the end of the grace period; an order already
                # suspended is renewed by the customer, not behind their back
                col(Order.paid_until) <= today + timedelta(days=cal.auto_renew_days),
                col(Order.paid_until) >= cal.suspend_before(today),
                sa.not_(cancellation_pending_sql()),
                ~sa.exists(
                    sa.select(sa.literal(1)).select_from(Notification).where(col(Notification.dedupe_key) == key)
                ),
            )
            .order_by(col(Order.user_id), col(Order.id))
        ).all()
    by_user: dict[int, list[tuple[int, date, int]]] = defaultdict(list)
    for uid, oid, pu, months in due:
        by_user[uid].append((oid, pu, months))
    outcomes = _in_chunks(
        engine,
        list(by_user.items()),
        "auto-renewal",
        lambda session, uid, orders: auto_renew(session=session, user_id=uid, due=orders, now=now),
    )
    for outcome in outcomes:
        report.auto_renewed += outcome.renewed
        report.auto_invoiced += outcome.invoiced
        report.auto_failed += outcome.failed


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


def _reconcile(engine: Engine, now: datetime, report: RunReport) -> None:
    """Payments whose notification has not come: asked about at their provider (`billing.reconcile`)."""
    done = billing.reconcile(engine=engine, now=now)
    report.payments_asked = done.asked
    report.payments_settled = sum(n for outcome, n in done.outcomes.items() if outcome in ("applied", "state"))


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
        step("renewal_invoices", lambda: _renewal_invoices(engine, today, now, report))
        step("reminders", in_tx(set_("reminders", lambda s: _reminders(s, cal, today, now))))
        step("suspensions", in_tx(set_("suspended", lambda s: _suspensions(s, cal, today, now))))
        step(
            "nonpayment_cancellations",
            in_tx(set_("cancelled_nonpayment", lambda s: _nonpayment_cancellations(s, cal, today, now))),
        )
        step("low_balance", in_tx(set_("low_balance", lambda s: _low_balance(s, now))))
        step("payments", lambda: _reconcile(engine, now, report))
        step("emails", lambda: setattr(report, "emails", messaging.dispatch_emails(engine=engine, now=now)))
    return report
