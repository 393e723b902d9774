"""staff console: admin-managed settings, indexes for the ticket queue, revenue and the audit log

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

app_settings holds what an admin changes in the panel (the seller's VAT details; the environment gives
the defaults). The indexes serve the customer search by an order's IP, the staff ticket queue (status, age), the revenue chart (paid invoices
by month) and the audit log filtered by actor or time.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from introserv_app.db.types import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_orders_main_ip", "orders", ["main_ip"], unique=False)
    op.create_index("ix_sessions_ip", "sessions", ["ip"], unique=False)
    op.create_index("ix_tickets_status_updated", "tickets", ["status", "updated_at"], unique=False)
    op.create_index("ix_invoices_status_paid_at", "invoices", ["status", "paid_at", "currency", "net_minor"], unique=False)
    op.create_index("ix_audit_actor_created", "audit_events", ["actor_id", "created_at"], unique=False)
    op.create_index("ix_audit_created", "audit_events", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_created", table_name="audit_events")
    op.drop_index("ix_audit_actor_created", table_name="audit_events")
    op.drop_index("ix_invoices_status_paid_at", table_name="invoices")
    op.drop_index("ix_tickets_status_updated", table_name="tickets")
    op.drop_index("ix_orders_main_ip", table_name="orders")
    op.drop_index("ix_sessions_ip", table_name="sessions")
    op.drop_table("app_settings")
