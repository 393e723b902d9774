"""Orders by status (the customer's dashboard, the staff dashboard, a customer's card)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.tables import Order
from introserv_app.domain.statuses import STATUS_ORDER, OrderStatus


def status_counts(*, session: Session, user_id: int | None) -> dict[OrderStatus, int]:
    """Orders per status (every status, zeros included) of one customer, or of everyone (None)."""
    stmt = sa.select(col(Order.status), sa.func.count()).group_by(col(Order.status))
    if user_id is not None:
        stmt = stmt.where(col(Order.user_id) == user_id)
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for status, n in session.execute(stmt):
        counts[OrderStatus(status)] = int(n)
    return counts
