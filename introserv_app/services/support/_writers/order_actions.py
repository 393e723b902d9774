"""Support acts on an order: suspend for a violation, lift the suspension, cancel (the customer is told)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from introserv_app.db.tables import (
    Order,
)
from introserv_app.db.types import utcnow
from introserv_app.domain.lifecycle import Cause
from introserv_app.domain.statuses import CancelMode, OrderStatus
from introserv_app.domain.validation import is_row_id
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.scope import MSG_ORDER_NOT_FOUND
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.orders import change_status
from introserv_app.services.support._rules import _reason


def _order(session: Session, order_id: object) -> Order:
    order = session.get(Order, order_id) if is_row_id(order_id) else None
    if order is None:
        raise ServiceError(MSG_ORDER_NOT_FOUND)
    return order


def _order_status_action(
    *,
    session: Session,
    viewer: Viewer,
    order_id: object,
    reason: object,
    ip: str,
    now: datetime | None,
    new: OrderStatus,
    event: str,
    action: str,
    params: bool = False,
) -> Order:
    """Support moves an order to `new` with a reason: the status machine decides, the timeline keeps the
    reason, the customer is notified (the transition's notification) and the audit log has it."""
    now = now or utcnow()
    access.require_staff(session=session, viewer=viewer, target=action, ip=ip)
    text = _reason(reason)
    order = _order(session, order_id)
    change_status(
        session=session,
        order=order,
        new=new,
        cause=Cause.SUPPORT,
        event=event,
        actor_id=viewer.user_id,
        note=text,
        params={"reason": text} if params else None,
        now=now,
    )
    if new == OrderStatus.CANCELLED:
        order.cancel_mode, order.cancel_requested_at, order.cancel_reason = CancelMode.IMMEDIATE, now, text
    audit.record(
        session=session,
        action=action,
        actor_id=viewer.user_id,
        subject_user_id=order.user_id,
        ip=ip,
        details={"order_id": order.id, "reason": text},
        now=now,
    )
    return order


def suspend_for_violation(
    *, session: Session, viewer: Viewer, order_id: object, reason: object, ip: str = "", now: datetime | None = None
) -> Order:
    """A processed order is suspended for a violation (abuse, terms); the customer gets a critical banner and
    an email to the complaints address with the reason."""
    return _order_status_action(
        session=session,
        viewer=viewer,
        order_id=order_id,
        reason=reason,
        ip=ip,
        now=now,
        new=OrderStatus.SUSPENDED_VIOLATION,
        event="suspended_violation",
        action="order.suspend_violation",
        params=True,
    )


def lift_suspension(
    *, session: Session, viewer: Viewer, order_id: object, reason: object, ip: str = "", now: datetime | None = None
) -> Order:
    """A suspension for a violation ends: the order runs again and the banner goes."""
    return _order_status_action(
        session=session,
        viewer=viewer,
        order_id=order_id,
        reason=reason,
        ip=ip,
        now=now,
        new=OrderStatus.PROCESSED,
        event="suspension_lifted",
        action="order.lift_suspension",
    )


def cancel_by_staff(
    *, session: Session, viewer: Viewer, order_id: object, reason: object, ip: str = "", now: datetime | None = None
) -> Order:
    """Support ends an order now (no refund: a refund is a balance adjustment with its own reason)."""
    return _order_status_action(
        session=session,
        viewer=viewer,
        order_id=order_id,
        reason=reason,
        ip=ip,
        now=now,
        new=OrderStatus.CANCELLED,
        event="cancelled",
        action="order.cancel_by_staff",
    )
