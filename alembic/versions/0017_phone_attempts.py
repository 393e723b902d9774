"""phone code attempts keep the gateway's name, the outcome (accepted | failed) and the gateway's error for support

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("phone_verifications") as batch:
        batch.add_column(sa.Column("gateway_name", sa.String(length=40), nullable=False, server_default=""))
        batch.add_column(sa.Column("outcome", sa.String(length=8), nullable=False, server_default="accepted"))
        batch.add_column(sa.Column("error", sa.String(length=200), nullable=False, server_default=""))
    # before this revision a failed send was the row without a code
    op.execute("UPDATE phone_verifications SET outcome = 'failed' WHERE code_hash = ''")


def downgrade() -> None:
    with op.batch_alter_table("phone_verifications") as batch:
        batch.drop_column("error")
        batch.drop_column("outcome")
        batch.drop_column("gateway_name")
