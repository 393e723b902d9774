"""server management: the BMC of a dedicated-server order (password encrypted), the actions done to servers and
who holds a server's serial console

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from introserv_app.db.types import UTCDateTime

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "server_controllers",
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id"), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("host", sa.String(length=253), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=16), nullable=False),
        sa.Column("password_enc", sa.Text(), nullable=False),
        sa.Column("assigned_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("assigned_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "server_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id"), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("error", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_server_actions_order_at", "server_actions", ["order_id", "created_at"])
    op.create_table(
        "server_consoles",
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id"), primary_key=True, autoincrement=False),
        sa.Column("holder_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("server_consoles")
    op.drop_index("ix_server_actions_order_at", table_name="server_actions")
    op.drop_table("server_actions")
    op.drop_table("server_controllers")
