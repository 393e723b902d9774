"""The one place where an order's status changes.

`change_status` (one order) and `change_status_in_bulk` (set-based, for the lifecycle job) ask the domain's
status machine whether the cause may make the change and what it triggers (notification and e-mail, the
acceptance ticket, the end of suspension banners), and write the timeline (`record_status_change`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.db.sql import timestamp_literal
from introserv_app.db.tables import Order, OrderStatusChange, Profile, table_of
from introserv_app.domain.lifecycle import Cause, Effect, TransitionRefused, transition
from introserv_app.domain.statuses import STATUS_INFO, OrderStatus
from introserv_app.domain.text import N_
from introserv_app.i18n import gettext
from introserv_app.services import messaging
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.messaging import notifications_from_select


def record_status_change(
    *,
    session: Session,
    order_id: int,
    old: str | None,
    new: str,
    event: str,
    actor_id: int | None,
    note: str = "",
    now: datetime,
) -> None:
    """One entry of the order's timeline (order_status_history)."""
    session.add(
        OrderStatusChange(
            order_id=order_id, old_status=old, new_status=new, event=event, actor_id=actor_id, note=note, created_at=now
        )
    )


TICKET_SUBJECT = N_("Order {order} accepted")


TICKET_BODY = N_(
    "Thank you: order {order} is paid and accepted for processing. We are preparing your service and will "
    "write here when it is ready. Reply to this ticket with any questions about the order."
)


SUSPENSION_KINDS = messaging.STICKY_KINDS


#: What an order's end (cancellation) or restoration resolves: reminders, auto-renewal notices, suspensions.
RESOLVED_BY_END = (*messaging.ORDER_ATTENTION_KINDS, *SUSPENSION_KINDS)


ORDER_COLUMNS: Any = table_of(Order).c


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
    if new == OrderStatus.CANCELLED and order.cancelled_at is None:
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
    if Effect.RESOLVE_SUSPENSION in rule.effects or new == OrderStatus.CANCELLED:
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


def _history_insert(rows: Any, old: OrderStatus, new: OrderStatus, event: str, now: datetime, *filters: Any) -> Any:
    """INSERT ... SELECT of a timeline entry for each of `rows` (the orders table, or a CTE of changed orders)."""
    return sa.insert(table_of(OrderStatusChange)).from_select(
        ["order_id", "old_status", "new_status", "event", "actor_id", "note", "created_at"],
        sa.select(
            rows.id, sa.literal(old.value), sa.literal(new.value), sa.literal(event), sa.null(), sa.literal(""),
            timestamp_literal(now),
        ).where(*filters),
    )  # fmt: skip


def change_status_in_bulk(
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
    if new == OrderStatus.CANCELLED:
        values["cancelled_at"] = now
    changed = 0
    for old in sources:
        cond = (col(Order.status) == old.value, *where)
        if new == OrderStatus.CANCELLED:
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
                notifications_from_select(session, rows.c, kind, params, dedupe, now).cte("notes"),
            )
            changed += int(session.execute(stmt).scalar() or 0)
            continue
        session.execute(_history_insert(ORDER_COLUMNS, old, new, event, now, *cond))
        session.execute(notifications_from_select(session, ORDER_COLUMNS, kind, params, dedupe, now, *cond))
        result = session.execute(update)
        changed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return changed
