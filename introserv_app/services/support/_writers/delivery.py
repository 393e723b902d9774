"""Support marks a paid order as delivered (processed) with its main IP."""

from __future__ import annotations

import ipaddress
from datetime import datetime

from sqlmodel import Session

from introserv_app.db.tables import Order
from introserv_app.db.types import utcnow
from introserv_app.domain.lifecycle import Cause
from introserv_app.domain.statuses import OrderStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.scope import MSG_ORDER_NOT_FOUND
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.orders import change_status

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
        new=OrderStatus.PROCESSED,
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
