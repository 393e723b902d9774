"""settings: email confirmations, phone verifications, currency rates

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

email_changes holds pending confirmation links (only token hashes); phone_verifications the codes sent
to verify a phone (hashed, with expiry and attempts); currency_rates the staff-maintained rates per EUR
(seeded with demo values) through which tariff prices convert to an account's currency.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from introserv_app.db.types import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEMO_RATES = {"EUR": "1", "USD": "1.08", "GBP": "0.85", "PLN": "4.30", "CZK": "25.00", "RUB": "100.00"}


def upgrade() -> None:
    op.create_table(
        "email_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("new_email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(op.f("ix_email_changes_user_id"), "email_changes", ["user_id"], unique=False)
    op.create_table(
        "phone_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("gateway", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("verified_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_phone_verifications_user_created", "phone_verifications", ["user_id", "created_at"])
    rates = op.create_table(
        "currency_rates",
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("per_eur", sa.String(length=24), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("currency"),
    )
    from introserv_app.db.types import utcnow

    now = utcnow()
    op.bulk_insert(rates, [{"currency": c, "per_eur": r, "updated_at": now} for c, r in DEMO_RATES.items()])


def downgrade() -> None:
    op.drop_table("currency_rates")
    op.drop_index("ix_phone_verifications_user_created", table_name="phone_verifications")
    op.drop_table("phone_verifications")
    op.drop_index(op.f("ix_email_changes_user_id"), table_name="email_changes")
    op.drop_table("email_changes")
