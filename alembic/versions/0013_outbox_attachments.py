"""one attached file per outbox e-mail (the PDF of an issued invoice, made when the e-mail is sent)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("email_outbox", sa.Column("attachment_name", sa.String(length=100), nullable=True))
    op.add_column("email_outbox", sa.Column("attachment_ref", sa.String(length=100), nullable=True))


def downgrade() -> None:
    op.drop_column("email_outbox", "attachment_ref")
    op.drop_column("email_outbox", "attachment_name")
