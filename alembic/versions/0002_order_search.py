"""order search index and grid indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

A trigram index for substring search over orders (SQLite FTS5 trigram table kept by triggers;
PostgreSQL pg_trgm GIN), see introserv_app/db/search.py. Also (status, created_at) for "one status,
newest first" and tariff_id for the search by tariff.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from introserv_app.db.search import create_search_index, drop_search_index

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_orders_status_created_at", "orders", ["status", "created_at"])
    op.create_index("ix_orders_tariff_id", "orders", ["tariff_id"])
    create_search_index(op.get_bind())


def downgrade() -> None:
    drop_search_index(op.get_bind())
    op.drop_index("ix_orders_tariff_id", table_name="orders")
    op.drop_index("ix_orders_status_created_at", table_name="orders")
