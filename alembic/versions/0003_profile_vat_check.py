"""profile: the last VIES check of the VAT number

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Reverse charge needs a VAT number validated through VIES; the answer and its time are kept on the
profile (None: not checked, or VIES was unavailable).
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
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("vat_valid", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("vat_checked_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("vat_checked_at")
        batch.drop_column("vat_valid")
