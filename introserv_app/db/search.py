"""Substring search over orders (service name, main IP, comment).

For now a case-insensitive LIKE, which scans the scoped rows. A trigram index (SQLite FTS5 /
PostgreSQL pg_trgm) is the planned replacement for staff search over a million orders; it has to fit
the bulk seed's time budget first (see docs/benchmarks.md, "search index").
"""

from __future__ import annotations

import sqlalchemy as sa


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def text_condition(dialect: str, text: str, column: str | None = None) -> sa.ColumnElement[bool]:
    """Orders whose service name, main IP or comment (or just `column`) contains `text`, any case."""
    from introserv_app.db.tables import Order

    columns = [getattr(Order, c) for c in ((column,) if column else ("service_name", "main_ip", "comment"))]
    like = _like(text.lower())
    return sa.or_(*[sa.func.lower(c).like(like, escape="\\") for c in columns])
