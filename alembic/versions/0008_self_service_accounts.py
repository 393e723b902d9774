"""self-service accounts: sign-up, password reset, invitations, two factors (TOTP, recovery codes), the
previous sign-in for "Display last IP"

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from introserv_app.db.types import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild: SQLite would have to drop `users`, which every table references).
    op.add_column("users", sa.Column("previous_login_at", UTCDateTime(), nullable=True))
    op.add_column("users", sa.Column("previous_login_ip", sa.String(length=45), nullable=True))
    op.add_column("users", sa.Column("email_unconfirmed", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("sessions", sa.Column("challenge_hash", sa.String(length=64), nullable=True))
    op.add_column("sessions", sa.Column("second_factor", sa.String(length=16), nullable=True))
    op.create_index("ix_sessions_challenge_hash", "sessions", ["challenge_hash"], unique=True)
    op.create_table(
        "account_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_account_tokens_user_purpose", "account_tokens", ["user_id", "purpose"])
    op.create_table(
        "totp_factors",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(), nullable=True),
        sa.Column("last_step", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_recovery_codes_user_id", "recovery_codes", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_recovery_codes_user_id", table_name="recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_table("totp_factors")
    op.drop_index("ix_account_tokens_user_purpose", table_name="account_tokens")
    op.drop_table("account_tokens")
    op.drop_index("ix_sessions_challenge_hash", table_name="sessions")
    for table, column in (
        ("sessions", "second_factor"),
        ("sessions", "challenge_hash"),
        ("users", "email_unconfirmed"),
        ("users", "previous_login_ip"),
        ("users", "previous_login_at"),
    ):
        op.drop_column(table, column)
