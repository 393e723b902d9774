"""Bulk writing for the volume data: executemany on SQLite, COPY on PostgreSQL, secondary indexes and foreign keys
dropped during a large load."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


class _Writer:
    """Bulk row writer: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"

    def ts(self, value: datetime | None) -> Any:
        if value is None:
            return None
        # SQLAlchemy's SQLite storage format; all seeded times have whole seconds.
        return value.isoformat() if self.pg else value.isoformat(" ")[:19] + ".000000"

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        if self.pg:
            raw = self.conn.connection.dbapi_connection
            assert raw is not None
            with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            raw = self.conn.connection.dbapi_connection
            assert raw is not None
            cur = raw.cursor()
            batch: list[Sequence[Any]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= 50_000:
                    cur.executemany(sql, batch)
                    batch.clear()
            if batch:
                cur.executemany(sql, batch)
            cur.close()


@dataclass(frozen=True)
class VolumeReport:
    customers: int
    orders: int
    invoices: int
    ledger_entries: int


BULK_TABLES = ("orders", "invoices", "invoice_lines", "ledger_entries")


def _drop_secondary_indexes(conn: Connection) -> list[sa.Index]:
    """Drop the non-unique indexes of the bulk tables; building them afterwards is much faster."""
    from introserv_app.db.tables import ALL_TABLES

    dropped: list[sa.Index] = []
    for name in BULK_TABLES:
        for index in ALL_TABLES.tables[name].indexes:
            if not index.unique:
                index.drop(conn)
                dropped.append(index)
    return dropped


def _drop_foreign_keys(conn: Connection) -> list[tuple[str, str]]:
    """PostgreSQL: drop the bulk tables' FK constraints (a trigger per row); returns how to re-add them."""
    rows = conn.execute(
        sa.text("""
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(:tables)"""),
        {"tables": list(BULK_TABLES)},
    ).all()
    for table, name, _ in rows:
        conn.execute(sa.text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    return [(table, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}') for table, name, definition in rows]


def _max_id(conn: Connection, table: str) -> int:
    return int(conn.execute(sa.text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar_one())
