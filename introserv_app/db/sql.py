"""SQL building blocks that work on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from introserv_app.db.tables import Order, table_of


def json_object(session: Session, values: dict[str, Any]) -> Any:
    """A JSON object built in SQL from {key: SQL expression or literal}."""
    fn = sa.func.json_build_object if session.get_bind().dialect.name == "postgresql" else sa.func.json_object
    args: list[Any] = []
    for key, value in values.items():
        args += [sa.literal(key), sa.literal(value) if isinstance(value, str | int) else value]
    return fn(*args)


def timestamp_literal(now: datetime) -> Any:
    return sa.literal(now, type_=table_of(Order).c.created_at.type)


def key_expr(prefix: str, *parts: Any) -> Any:
    """`prefix:part:part...` as a SQL string expression (for dedupe keys built in the database)."""
    expr: Any = sa.literal(prefix)
    for part in parts:
        expr = expr + sa.literal(":") + sa.cast(part, sa.String)
    return expr
