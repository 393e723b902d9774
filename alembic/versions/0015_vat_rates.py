"""vat_rates: the standard VAT rates with their effective dates, filled with the built-in history

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-10
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa

from alembic import op
from introserv_app.db.types import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from introserv_app.domain.vat_rates import RATES  # the starting data; later changes are rows, not code

    table = op.create_table(
        "vat_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("rate", sa.Numeric(5, 2), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("rate >= 0 AND rate <= 100", name="ck_vat_rates_rate"),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("country", "effective_from", name="uq_vat_rates_country_from"),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        table,
        [
            {"country": c, "effective_from": d, "rate": r, "source": s, "recorded_by": None, "recorded_at": now}
            for c, d, r, s in RATES
        ],
    )


def downgrade() -> None:
    op.drop_table("vat_rates")
