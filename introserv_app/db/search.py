"""Substring search over orders without scanning the table.

SQLite: an FTS5 table with the trigram tokenizer over service name, main IP and comment, kept in sync
by triggers. PostgreSQL: a pg_trgm GIN index on one expression joining the same three columns.
Both answer `%text%` for 3 or more characters from the index; shorter text falls back to LIKE.
The migration 0002 holds a frozen copy of this DDL; bulk loads suspend and rebuild it here.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

FTS_TABLE = "orders_fts"
PG_INDEX = "ix_orders_search_trgm"
#: The indexed expression on PostgreSQL (queries must use exactly this expression).
PG_EXPR = "(orders.service_name || ' ' || coalesce(orders.main_ip, '') || ' ' || orders.comment)"
MIN_INDEXED = 3
_COLS = "service_name, main_ip, comment"

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER IF NOT EXISTS orders_fts_ai AFTER INSERT ON orders BEGIN
        INSERT INTO {FTS_TABLE}(rowid, {_COLS}) VALUES (new.id, new.service_name, new.main_ip, new.comment);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS orders_fts_ad AFTER DELETE ON orders BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS})
        VALUES ('delete', old.id, old.service_name, old.main_ip, old.comment);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS orders_fts_au AFTER UPDATE OF {_COLS} ON orders BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS})
        VALUES ('delete', old.id, old.service_name, old.main_ip, old.comment);
        INSERT INTO {FTS_TABLE}(rowid, {_COLS}) VALUES (new.id, new.service_name, new.main_ip, new.comment);
    END""",
)
SQLITE_TRIGGER_NAMES = ("orders_fts_ai", "orders_fts_ad", "orders_fts_au")


def is_search_object(name: str | None) -> bool:
    """Objects of the search index, which the SQLModel metadata does not describe (for autogenerate)."""
    return bool(name) and (name.startswith(FTS_TABLE) or name == PG_INDEX)  # type: ignore[union-attr]


def suspend_for_bulk(conn: Connection) -> None:
    """Stop maintaining the index row by row (call `rebuild_after_bulk` in the same transaction)."""
    if conn.dialect.name == "sqlite":
        for name in SQLITE_TRIGGER_NAMES:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    else:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_INDEX}")


def rebuild_after_bulk(conn: Connection) -> None:
    """Rebuild the index in one pass and resume row-by-row maintenance."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        for ddl in SQLITE_TRIGGERS:
            conn.exec_driver_sql(ddl)
    else:
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON orders USING gin ({PG_EXPR} gin_trgm_ops)")


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _fts_phrase(text: str, column: str | None) -> str:
    phrase = '"' + text.replace('"', '""') + '"'
    return f"{column} : {phrase}" if column else phrase


def text_condition(dialect: str, text: str, column: str | None = None) -> sa.ColumnElement[bool]:
    """Orders whose service name, main IP or comment (or just `column`) contains `text`, any case."""
    from introserv_app.db.tables import Order

    columns = [getattr(Order, c) for c in ((column,) if column else ("service_name", "main_ip", "comment"))]
    like = _like(text)
    plain = sa.or_(*[sa.func.lower(c).like(like.lower(), escape="\\") for c in columns])
    if len(text) < MIN_INDEXED:
        return plain
    if dialect == "sqlite":
        ids = sa.text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts").bindparams(
            sa.bindparam("fts", _fts_phrase(text, column), unique=True)
        )
        return Order.id.in_(ids.columns(sa.column("rowid", sa.Integer)))  # type: ignore[union-attr]
    indexed = sa.literal_column(PG_EXPR).ilike(like, escape="\\")
    return indexed if column is None else sa.and_(indexed, plain)
