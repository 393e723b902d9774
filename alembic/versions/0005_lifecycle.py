"""lifecycle: notification texts and email state, low-balance alert flag, job locks

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

notifications gain `params` (the values their text is rendered from, in the reader's language) and
`email_state` (pending until the email is in the outbox); profiles gain `low_balance_alerted`;
job_locks holds the lease that keeps two processes from running the lifecycle job at once on SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from introserv_app.db.types import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("params", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(
            sa.Column("email_state", sa.String(length=8), nullable=False, server_default="pending")
        )
        batch.create_index("ix_notifications_email_state", ["email_state", "id"], unique=False)
        batch.create_index("ix_notifications_order_kind", ["order_id", "kind"], unique=False)
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("low_balance_alerted", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "job_locks",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("job_locks")
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("low_balance_alerted")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_index("ix_notifications_order_kind")
        batch.drop_index("ix_notifications_email_state")
        batch.drop_column("email_state")
        batch.drop_column("params")
