"""Substring search over orders (service name, main IP, comment) through a trigram index.

- SQLite: an FTS5 table `orders_search` with the trigram tokenizer over the three columns, with
  `content='orders'` (it stores no copy of the text) and `detail=none` (the smallest and fastest to
  build); triggers keep it in step with every write to `orders`.
- PostgreSQL: a pg_trgm GIN index on the lower-cased concatenation of the three columns.

Either index gives candidate rows for a text of 3 characters or more (a trigram needs 3); each
candidate is then checked with the exact case-insensitive LIKE on the real columns, so the result is
precisely "the column contains the text". Shorter texts cannot use a trigram index: the caller decides
whether a scan is acceptable (one customer's own orders) or not (everyone's orders).

The DDL lives here because the migration (0002) and the bulk seed (which suspends the index during a
million-row load and rebuilds it in one pass) both need it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

MIN_INDEXED = 3
SEARCH_COLUMNS: tuple[str, ...] = ("service_name", "main_ip", "comment")
_PG_EXPR = "lower(service_name || ' ' || coalesce(main_ip, '') || ' ' || comment)"
PG_INDEX = "ix_orders_search_trgm"
SQLITE_TABLE = "orders_search"

_SQLITE_TABLE_DDL = (
    f"CREATE VIRTUAL TABLE {SQLITE_TABLE} USING fts5(service_name, main_ip, comment, "
    "content='orders', content_rowid='id', tokenize='trigram', detail=none)"
)
_SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER {SQLITE_TABLE}_ai AFTER INSERT ON orders BEGIN
  INSERT INTO {SQLITE_TABLE}(rowid, service_name, main_ip, comment)
  VALUES (new.id, new.service_name, new.main_ip, new.comment);
END""",
    f"""CREATE TRIGGER {SQLITE_TABLE}_ad AFTER DELETE ON orders BEGIN
  INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, service_name, main_ip, comment)
  VALUES ('delete', old.id, old.service_name, old.main_ip, old.comment);
END""",
    f"""CREATE TRIGGER {SQLITE_TABLE}_au AFTER UPDATE OF service_name, main_ip, comment ON orders BEGIN
  INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, service_name, main_ip, comment)
  VALUES ('delete', old.id, old.service_name, old.main_ip, old.comment);
  INSERT INTO {SQLITE_TABLE}(rowid, service_name, main_ip, comment)
  VALUES (new.id, new.service_name, new.main_ip, new.comment);
END""",
)


def _drop_triggers(conn: Connection) -> None:
    for suffix in ("ai", "ad", "au"):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {SQLITE_TABLE}_{suffix}")


def create_search_index(conn: Connection) -> None:
    """Create the index (and on SQLite its triggers) and fill it from the rows already there."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(_SQLITE_TABLE_DDL)
        for ddl in _SQLITE_TRIGGERS:
            conn.exec_driver_sql(ddl)
        conn.exec_driver_sql(f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}) VALUES ('rebuild')")
    else:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        conn.exec_driver_sql(f"CREATE INDEX {PG_INDEX} ON orders USING gin ({_PG_EXPR} gin_trgm_ops)")


def drop_search_index(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        _drop_triggers(conn)
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {SQLITE_TABLE}")
    else:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_INDEX}")


def suspend_search_index(conn: Connection) -> None:
    """Before a bulk load: stop maintaining the index row by row (`resume_search_index` rebuilds it)."""
    drop_search_index(conn)


def resume_search_index(conn: Connection) -> None:
    create_search_index(conn)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """For Alembic's autogenerate: the search index is managed here, not by the table models."""
    if name is None:
        return True
    return not (name.startswith(SQLITE_TABLE) or name == PG_INDEX)


def like_escaped(text: str) -> str:
    """`text` with LIKE's wildcards and the escape character escaped (use with `escape="\\"`)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(text: str) -> str:
    return "%" + like_escaped(text) + "%"


def _fts_query(text: str) -> str:
    """Every trigram of `text`, ANDed (detail=none has no phrases; the LIKE check restores exactness)."""
    lowered = text.lower()
    grams = dict.fromkeys(lowered[i : i + 3] for i in range(len(lowered) - 2))
    return " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)


def text_condition(dialect: str, text: str, column: str | None = None) -> sa.ColumnElement[bool]:
    """Orders whose service name, main IP or comment (or just `column`) contains `text`, any case."""
    from introserv_app.db.tables import Order

    columns = [getattr(Order, c) for c in ((column,) if column else SEARCH_COLUMNS)]
    like = _like(text.lower())
    exact = sa.or_(*[sa.func.lower(c).like(like, escape="\\") for c in columns])
    if len(text) < MIN_INDEXED:
        return exact
    if dialect == "sqlite":
        candidates: sa.Select[Any] = (
            sa.select(sa.column("rowid"))
            .select_from(sa.table(SQLITE_TABLE))
            .where(sa.literal_column(SQLITE_TABLE).op("MATCH")(sa.literal(_fts_query(text))))
        )
        return sa.and_(Order.id.in_(candidates), exact)  # type: ignore[union-attr]
    indexed = sa.literal_column(_PG_EXPR).like(like, escape="\\")
    return sa.and_(indexed, exact)
