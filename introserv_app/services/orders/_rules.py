"""Orders' rules in SQL, shared by its readers and writers (and the lifecycle job)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from introserv_app.db.tables import Order
from introserv_app.domain.statuses import CancelMode, OrderStatus


def cancellation_pending_sql() -> Any:
    """`domain.order_rules.cancellation_pending` as a SQL condition on `orders` (never NULL, so `sa.not_` of it is
    its exact opposite)."""
    return sa.and_(
        sa.func.coalesce(col(Order.cancel_mode), "") == CancelMode.PERIOD_END.value,
        col(Order.cancelled_at).is_(None),
        col(Order.status) != OrderStatus.CANCELLED.value,
    )
