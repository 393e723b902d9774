"""Cancelling an order: immediately, or at the end of the paid period (withdrawable until then)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from introserv_app.db.tables import Order, OrderStatusChange
from introserv_app.db.types import utcnow
from introserv_app.domain.order_rules import MSG_CANCEL_NOT_PENDING, REASON_MAX, cancel_refusal
from introserv_app.domain.statuses import OrderStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import ID_MAX
from introserv_app.services import access, audit
from introserv_app.services.auth import Viewer
from introserv_app.services.errors import ServiceError
from introserv_app.services.orders import MSG_ORDER_NOT_FOUND

MODES = ("immediate", "period_end")
MSG_BAD_MODE = N_("Choose when to cancel: now or at the end of the paid period.")
MSG_REASON_TOO_LONG = N_("A reason can have at most 500 characters.")


def _own_order(session: Session, viewer: Viewer, order_id: int, target: str) -> Order:
    order = (
        session.get(Order, order_id)
        if isinstance(order_id, int) and not isinstance(order_id, bool) and 0 < order_id <= ID_MAX
        else None
    )
    if order is None or order.user_id != viewer.user_id:
        access.record_denied(session=session, viewer=viewer, target=target, details={"order_id": str(order_id)[:20]})
        raise ServiceError(MSG_ORDER_NOT_FOUND)
    return order


def _reason(raw: str) -> str:
    text = " ".join((raw if isinstance(raw, str) else "")[: REASON_MAX * 4].split())
    if len(text) > REASON_MAX:
        raise ServiceError(MSG_REASON_TOO_LONG)
    return text


def cancel_order(
    *,
    session: Session,
    viewer: Viewer,
    order_id: int,
    mode: str,
    reason: str = "",
    ip: str = "",
    now: datetime | None = None,
) -> Order:
    """Cancel now, or schedule the cancellation for the end of the paid period."""
    now = now or utcnow()
    if mode not in MODES:
        raise ServiceError(MSG_BAD_MODE)
    text = _reason(reason)
    order = _own_order(session, viewer, order_id, "order.cancel")
    old = OrderStatus(order.status)
    refusal = cancel_refusal(old, mode, order.paid_until, now.date())
    if refusal is not None:
        raise ServiceError(refusal)
    order.cancel_mode, order.cancel_requested_at, order.cancel_reason = mode, now, text or None
    if mode == "immediate":
        order.status, order.cancelled_at = OrderStatus.CANCELLED.value, now
        new, event = OrderStatus.CANCELLED, "cancelled"
    else:
        new, event = old, "cancel_scheduled"
    session.add(
        OrderStatusChange(
            order_id=order.id or 0,
            old_status=old.value,
            new_status=new.value,
            event=event,
            actor_id=viewer.user_id,
            note=text,
            created_at=now,
        )
    )
    audit.record(
        session=session,
        action="order.cancel",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"order_id": order.id, "mode": mode, "reason": text[:200]},
    )
    return order


def withdraw_cancellation(
    *, session: Session, viewer: Viewer, order_id: int, ip: str = "", now: datetime | None = None
) -> Order:
    """Take back a cancellation scheduled for the end of the period (until it has taken effect)."""
    now = now or utcnow()
    order = _own_order(session, viewer, order_id, "order.cancel.withdraw")
    if order.cancel_mode != "period_end" or order.cancelled_at is not None or order.status == "cancelled":
        raise ServiceError(MSG_CANCEL_NOT_PENDING)
    order.cancel_mode = order.cancel_requested_at = order.cancel_reason = None
    session.add(
        OrderStatusChange(
            order_id=order.id or 0,
            old_status=order.status,
            new_status=order.status,
            event="cancel_withdrawn",
            actor_id=viewer.user_id,
            created_at=now,
        )
    )
    audit.record(
        session=session,
        action="order.cancel.withdraw",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"order_id": order.id},
    )
    return order
