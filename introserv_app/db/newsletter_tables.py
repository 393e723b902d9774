"""The newsletters staff write (English and Russian) and send once to the subscribers. Re-exported by `db.tables`."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from introserv_app.db.types import UTCDateTime, utcnow


class Newsletter(SQLModel, table=True):
    """One newsletter: a draft until it is sent (once), then the number of subscribers it was queued for."""

    __tablename__ = "newsletters"
    __table_args__ = (sa.CheckConstraint("state IN ('draft', 'sent')", name="ck_newsletters_state"),)

    id: int | None = Field(default=None, primary_key=True)
    subject_en: str = Field(max_length=200)
    subject_ru: str = Field(max_length=200)
    body_en: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    body_ru: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    state: str = Field(default="draft", max_length=16)
    created_by: int = Field(foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False))
    sent_by: int | None = Field(default=None, foreign_key="users.id")
    sent_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    recipients: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
