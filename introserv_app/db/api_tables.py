"""The tables of the REST API: a customer's API keys (the secret stored as a hash, a visible prefix identifies it).
Re-exported by `db.tables`."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from introserv_app.db.types import UTCDateTime, utcnow


def _ts(nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(UTCDateTime(), nullable=nullable)


class ApiKey(SQLModel, table=True):
    """One API key of a customer: `Authorization: Bearer <key>`. Only the SHA-256 of the secret is kept (the key
    is 256 random bits, so a fast hash is enough); the prefix is shown in lists and identifies the key."""

    __tablename__ = "api_keys"
    __table_args__ = (sa.Index("ix_api_keys_user", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    name: str = Field(max_length=60)
    #: The first characters of the key, unique: `isk_` + 8 characters.
    prefix: str = Field(max_length=16, sa_column_kwargs={"unique": True})
    secret_hash: str = Field(max_length=64, repr=False)
    #: Space-separated scopes: read billing tickets servers.
    scopes: str = Field(max_length=60)
    #: The addresses the key may be used from (the IP restrictions' syntax, one per line); empty: anywhere.
    ip_list: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))
    expires_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    created_by: int | None = Field(default=None, foreign_key="users.id")
    revoked_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    revoked_by: int | None = Field(default=None, foreign_key="users.id")
    last_used_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    last_used_ip: str = Field(default="", max_length=45)
