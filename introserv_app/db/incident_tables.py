"""The tables of incidents: one row per incident, its updates, and the customers it affects (written once, when it
is opened). Re-exported by `db.tables`."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from introserv_app.db.types import UTCDateTime, utcnow
from introserv_app.domain.incidents import SEVERITIES, IncidentState, Scope


def _ts(nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(UTCDateTime(), nullable=nullable)


def _in(values: object) -> str:
    return ", ".join(f"'{v}'" for v in values)  # type: ignore[attr-defined]


def _text() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(sa.Text(), nullable=False)


class Incident(SQLModel, table=True):
    """Something that affects many customers (a network outage, a data-centre problem), in English and Russian."""

    __tablename__ = "incidents"
    __table_args__ = (
        sa.CheckConstraint(f"severity IN ({_in(SEVERITIES)})", name="ck_incidents_severity"),
        sa.CheckConstraint(f"scope_kind IN ({_in(Scope)})", name="ck_incidents_scope_kind"),
        sa.CheckConstraint(f"state IN ({_in(IncidentState)})", name="ck_incidents_state"),
        # the banners: open ones and those resolved in the last day
        sa.Index("ix_incidents_state_resolved", "state", "resolved_at"),
        sa.Index("ix_incidents_opened_at", "opened_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title_en: str = Field(max_length=200)
    title_ru: str = Field(max_length=200)
    body_en: str = Field(sa_column=_text())
    body_ru: str = Field(sa_column=_text())
    severity: str = Field(max_length=10)
    scope_kind: str = Field(max_length=10)
    #: What the scope names, as staff entered it: {"tariffs": [ids]}, {"ranges": "text"}, {"orders": [ids]}.
    scope_data: dict[str, object] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON(), nullable=False))
    state: str = Field(default=IncidentState.OPEN.value, max_length=10)
    #: How many customers and orders it affected when it was opened.
    customers: int = Field(default=0)
    orders: int = Field(default=0)
    opened_by: int = Field(foreign_key="users.id")
    opened_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    resolved_by: int | None = Field(default=None, foreign_key="users.id")
    resolved_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    resolution_en: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    resolution_ru: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))


class IncidentUpdate(SQLModel, table=True):
    """What staff said while an incident was open."""

    __tablename__ = "incident_updates"
    __table_args__ = (sa.Index("ix_incident_updates_incident_at", "incident_id", "posted_at"),)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incidents.id")
    text_en: str = Field(sa_column=_text())
    text_ru: str = Field(sa_column=_text())
    posted_by: int = Field(foreign_key="users.id")
    posted_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class IncidentCustomer(SQLModel, table=True):
    """A customer an incident affects, with how many of their orders (0 for an incident about everyone)."""

    __tablename__ = "incident_customers"
    # the key answers "does this incident affect this customer" (the banners); the index the customer's history
    __table_args__ = (sa.Index("ix_incident_customers_user", "user_id", "incident_id"),)

    incident_id: int = Field(foreign_key="incidents.id", primary_key=True)
    user_id: int = Field(foreign_key="users.id", primary_key=True)
    orders: int = Field(default=0)
