"""incidents: staff tell every affected customer about an outage (updates, resolution, the customers it affects)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from introserv_app.db.types import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("title_ru", sa.String(length=200), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("body_ru", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("scope_kind", sa.String(length=10), nullable=False),
        sa.Column("scope_data", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("opened_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("resolved_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("resolution_en", sa.Text(), nullable=True),
        sa.Column("resolution_ru", sa.Text(), nullable=True),
        sa.CheckConstraint("severity IN ('info', 'warning', 'critical')", name="ck_incidents_severity"),
        sa.CheckConstraint(
            "scope_kind IN ('everyone', 'tariffs', 'ip_ranges', 'orders')", name="ck_incidents_scope_kind"
        ),
        sa.CheckConstraint("state IN ('open', 'resolved')", name="ck_incidents_state"),
    )
    op.create_index("ix_incidents_state_resolved", "incidents", ["state", "resolved_at"])
    op.create_index("ix_incidents_opened_at", "incidents", ["opened_at"])
    op.create_table(
        "incident_updates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incidents.id"), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("text_ru", sa.Text(), nullable=False),
        sa.Column("posted_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("posted_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_incident_updates_incident_at", "incident_updates", ["incident_id", "posted_at"])
    op.create_table(
        "incident_customers",
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incidents.id"), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("orders", sa.Integer(), nullable=False),
    )
    op.create_index("ix_incident_customers_user", "incident_customers", ["user_id", "incident_id"])


def downgrade() -> None:
    op.drop_index("ix_incident_customers_user", table_name="incident_customers")
    op.drop_table("incident_customers")
    op.drop_index("ix_incident_updates_incident_at", table_name="incident_updates")
    op.drop_table("incident_updates")
    op.drop_index("ix_incidents_opened_at", table_name="incidents")
    op.drop_index("ix_incidents_state_resolved", table_name="incidents")
    op.drop_table("incidents")
