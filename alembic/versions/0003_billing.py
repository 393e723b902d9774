"""billing: VIES answer on the profile, invoice idempotency key, order status history

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Reverse charge needs a VAT number validated through VIES; the answer and its time are kept on the
profile (None: not checked, or VIES was unavailable). An invoice remembers the idempotency key of the
dialog that created it. order_status_history is the timeline of each order.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from introserv_app.db.types import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN and a unique index: no table rebuild, which on SQLite would drop tables that
    # other tables' rows reference.
    op.add_column("profiles", sa.Column("vat_valid", sa.Boolean(), nullable=True))
    op.add_column("profiles", sa.Column("vat_checked_at", UTCDateTime(), nullable=True))
    op.add_column("invoices", sa.Column("idem_key", sa.String(length=64), nullable=True))
    op.create_index("ix_invoices_idem_key", "invoices", ["idem_key"], unique=True)
    op.create_table(
        "order_status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("old_status", sa.String(length=24), nullable=True),
        sa.Column("new_status", sa.String(length=24), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_order_status_history_order_at", "order_status_history", ["order_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_order_status_history_order_at", table_name="order_status_history")
    op.drop_table("order_status_history")
    op.drop_index("ix_invoices_idem_key", table_name="invoices")
    with op.batch_alter_table("invoices") as batch:
        batch.drop_column("idem_key")
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("vat_checked_at")
        batch.drop_column("vat_valid")
