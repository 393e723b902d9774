"""per-customer sort indexes for the orders grid

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

Found by the load test (`python -m bench load`) on PostgreSQL at 1M orders: a customer's grid sorted by
name or main IP was planned as a walk of the global unique index on service_name (or the main_ip index)
filtering by user_id — 1.8 s for a customer with 26 orders — because the planner expected thousands of
rows per customer (the volume has a few accounts with tens of thousands). With (user_id, <column>) the
same page is an index range of the customer's own rows (< 1 ms).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_orders_user_service_name", "orders", ["user_id", "service_name"])
    op.create_index("ix_orders_user_main_ip", "orders", ["user_id", "main_ip"])


def downgrade() -> None:
    op.drop_index("ix_orders_user_main_ip", table_name="orders")
    op.drop_index("ix_orders_user_service_name", table_name="orders")
