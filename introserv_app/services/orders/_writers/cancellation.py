"""Cancelling an order: immediately, or at the end of the paid period (withdrawable until then)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from introserv_app.db.tables import Order
from introserv_app.db.types import utcnow
from introserv_app.domain.lifecycle import Cause
from introserv_app.domain.order_rules import (
    MSG_CANCEL_NOT_PENDING,
    cancel_refusal,
    cancellation_pending_of,
    reason_refusal,
)
from introserv_app.domain.statuses import CancelMode, OrderStatus
from introserv_app.domain.text import N_
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.scope import own_order
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.orders._writers.status import change_status, record_status_change

MODES = tuple(CancelMode)
MSG_BAD_MODE = N_("Choose when to cancel: now or at the end of the paid period.")


def _reason(raw: object) -> str:
    text, refusal = reason_refusal(raw, required=False)
    if refusal is not None:
        raise ServiceError(refusal)
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
    order = own_order(session=session, viewer=viewer, order_id=order_id, target="order.cancel")
    old = OrderStatus(order.status)
    refusal = cancel_refusal(old, mode, order.paid_until, now.date())
    if refusal is not None:
        raise ServiceError(refusal)
    order.cancel_mode, order.cancel_requested_at, order.cancel_reason = mode, now, text or None
    if mode == CancelMode.IMMEDIATE:
        change_status(
            session=session,
            order=order,
            new=OrderStatus.CANCELLED,
            cause=Cause.CUSTOMER,
            event="cancelled",
            actor_id=viewer.user_id,
            note=text,
            now=now,
        )
    else:
        record_status_change(
            session=session,
            order_id=order.id or 0,
            old=old.value,
            new=old.value,
            event="cancel_scheduled",
            actor_id=viewer.user_id,
            note=text,
            now=now,
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
    order = own_order(session=session, viewer=viewer, order_id=order_id, target="order.cancel.withdraw")
    if not cancellation_pending_of(order):
        raise ServiceError(MSG_CANCEL_NOT_PENDING)
    order.cancel_mode = order.cancel_requested_at = order.cancel_reason = None
    record_status_change(
        session=session,
        order_id=order.id or 0,
        old=order.status,
        new=order.status,
        event="cancel_withdrawn",
        actor_id=viewer.user_id,
        now=now,
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
