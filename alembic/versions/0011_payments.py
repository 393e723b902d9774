"""payments through providers, their events, and the demo provider's checkouts

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from introserv_app.db.types import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = "'created', 'pending', 'succeeded', 'failed', 'canceled', 'expired'"


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoices.id"), nullable=True),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("provider_ref", sa.String(length=255), nullable=True),
        sa.Column("provider_payment_ref", sa.String(length=255), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("refunded_minor", sa.Integer(), nullable=False),
        sa.Column("paid_invoice", sa.Boolean(), nullable=False),
        sa.Column("checkout_url", sa.String(length=2000), nullable=False),
        sa.Column("idem_key", sa.String(length=64), nullable=False, unique=True),
        sa.Column("failure", sa.String(length=255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("settled_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(f"state IN ({STATES})", name="ck_payments_state"),
        sa.CheckConstraint("purpose IN ('invoice', 'topup')", name="ck_payments_purpose"),
        sa.CheckConstraint("amount_minor > 0 AND refunded_minor >= 0", name="ck_payments_amounts"),
        sa.UniqueConstraint("provider", "provider_ref", name="uq_payments_provider_ref"),
    )
    op.create_index("ix_payments_state_created", "payments", ["state", "created_at"])
    op.create_index("ix_payments_user_created", "payments", ["user_id", "created_at"])
    op.create_index("ix_payments_invoice_id", "payments", ["invoice_id"])
    op.create_index("ix_payments_provider_payment_ref", "payments", ["provider_payment_ref"])
    op.create_table(
        "payment_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("payment_id", sa.Integer(), sa.ForeignKey("payments.id"), nullable=True),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("event_type", sa.String(length=80), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("state_from", sa.String(length=10), nullable=False),
        sa.Column("state_to", sa.String(length=10), nullable=False),
        sa.Column("detail", sa.String(length=255), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_payment_events_payment", "payment_events", ["payment_id", "at"])
    op.create_index("ix_payment_events_provider_event", "payment_events", ["provider", "event_id"])
    op.create_table(
        "demo_checkouts",
        sa.Column("ref", sa.String(length=64), primary_key=True),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("refunded_minor", sa.Integer(), nullable=False),
        sa.Column("return_url", sa.String(length=2000), nullable=False),
        sa.Column("cancel_url", sa.String(length=2000), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("demo_checkouts")
    op.drop_index("ix_payment_events_provider_event", table_name="payment_events")
    op.drop_index("ix_payment_events_payment", table_name="payment_events")
    op.drop_table("payment_events")
    for name in ("ix_payments_provider_payment_ref", "ix_payments_invoice_id", "ix_payments_user_created"):
        op.drop_index(name, table_name="payments")
    op.drop_index("ix_payments_state_created", table_name="payments")
    op.drop_table("payments")
