"""The viewer's scope of rows: a customer acts on their own rows only; anything else is refused and audited."""

from __future__ import annotations

from sqlmodel import Session

from introserv_app.db.tables import Order
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.services.common import access
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

MSG_ORDER_NOT_FOUND = N_("Order not found.")


def own_order(*, session: Session, viewer: Viewer, order_id: int, target: str) -> Order:
    """The viewer's order `order_id`; anything else (unknown, another customer's, not an id) is refused
    and audited as access to `target`. Call it before this transaction writes (see access.record_denied)."""
    order = session.get(Order, order_id) if is_row_id(order_id) else None
    if order is None or order.user_id != viewer.user_id:
        access.record_denied(session=session, viewer=viewer, target=target, details={"order_id": str(order_id)[:20]})
        raise ServiceError(MSG_ORDER_NOT_FOUND)
    return order
