"""The tables of server management: the management controller (BMC) assigned to a dedicated-server order, the
actions done through it (the order's history, the rate limit) and who holds its serial console. Re-exported by
`db.tables`."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from introserv_app.db.types import UTCDateTime, utcnow


def _ts(nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(UTCDateTime(), nullable=nullable)


class ServerController(SQLModel, table=True):
    """The BMC of one order's server. The password is stored encrypted (Fernet, key derived from the panel's
    secret): never shown to customers, never logged, never exported."""

    __tablename__ = "server_controllers"

    order_id: int = Field(primary_key=True, foreign_key="orders.id", sa_column_kwargs={"autoincrement": False})
    #: The kind of controller, i.e. which driver speaks to it.
    kind: str = Field(default="ipmi", max_length=16)
    host: str = Field(max_length=253)
    port: int = Field(default=623)
    username: str = Field(max_length=16)
    password_enc: str = Field(sa_column=sa.Column(sa.Text(), nullable=False), repr=False)
    assigned_by: int | None = Field(default=None, foreign_key="users.id")
    assigned_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class ServerActionRecord(SQLModel, table=True):
    """One action done to a server (or tried): the order's history shows the ones that worked, the rate limit
    counts them all."""

    __tablename__ = "server_actions"
    __table_args__ = (sa.Index("ix_server_actions_order_at", "order_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id")
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    action: str = Field(max_length=24)
    #: done | failed
    outcome: str = Field(default="done", max_length=8)
    #: What went wrong, for support (a message key, never a credential).
    error: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class ServerConsole(SQLModel, table=True):
    """Who holds the serial console of an order's server: one viewer at a time; the holder's page renews
    `seen_at`, a console not renewed for a while is free again, staff can take one over."""

    __tablename__ = "server_consoles"

    order_id: int = Field(primary_key=True, foreign_key="orders.id", sa_column_kwargs={"autoincrement": False})
    holder_id: int = Field(foreign_key="users.id")
    #: The random key of the holding connection: a connection whose key is no longer here was taken over.
    key: str = Field(max_length=64)
    started_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    seen_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
