"""SQLite's side of the export: the statement makes each CSV line (`export_cells`), and a large export is made in two
halves at once, the second by a process of its own.

Formatting the cells in SQLite is most of an export's time and one core does it; a second process formats the second
half meanwhile (two threads do not help: the driver takes and gives back Python's GIL for every row, and two threads
then hand it to each other a million times). The halves are cut by the sort key, not by position: the row in the
middle of the order is found first, then this process reads every row at or before it in the order and the other
process every row after it. Each half is one statement, as a single export is (SQLite gives each statement its own
snapshot here); a row whose sort key moved across the middle between the two starts, a moment apart, is the only one
that could appear in neither or both halves. The second half goes to a temporary file and is sent after the first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import col

from introserv_app.db.tables import Order
from introserv_app.services.orders._readers.grid import NULLABLE_SORT_KEYS


def lines(connection: Connection, stmt: Any, chunk_rows: int) -> Iterator[tuple[int, str]]:
    """(rows, text) chunks of a statement whose one column is a CSV line; the driver's cursor hands the lines over
    without a row object each."""
    cursor = connection.execute(stmt).cursor
    try:
        while batch := cursor.fetchmany(chunk_rows):
            yield len(batch), "\r\n".join([line for (line,) in batch]) + "\r\n"
    finally:
        cursor.close()


def halves(sort: tuple[str, Any, bool], value: Any, last_id: int) -> tuple[Any, Any]:
    """WHERE conditions of the rows at or before the row (`value`, `last_id`) in the export's order (the sort column,
    NULLs last, then the id in the same direction), and of the rows after it."""
    key, column, desc = sort
    oid = col(Order.id)
    if value is None:  # the middle row is among the NULLs, which come last, ordered by id
        tail = oid < last_id if desc else oid > last_id
        return sa.or_(column.is_not(None), sa.not_(tail)), sa.and_(column.is_(None), tail)
    if desc:
        first = sa.and_(column >= value, sa.or_(column > value, oid >= last_id))
        second = sa.and_(column <= value, sa.or_(column < value, oid < last_id))
    else:
        first = sa.and_(column <= value, sa.or_(column < value, oid <= last_id))
        second = sa.and_(column >= value, sa.or_(column > value, oid > last_id))
    return first, (sa.or_(second, column.is_(None)) if key in NULLABLE_SORT_KEYS else second)


def boundary_json(value: Any) -> Any:
    """The middle row's sort value as JSON (dates and timestamps as ISO text), for the process of the second half."""
    return value.isoformat() if isinstance(value, date) else value  # datetime is a date too


def boundary_value(sort_key: str, value: Any) -> Any:
    """`boundary_json`'s value back as the column's Python value."""
    if value is None:
        return None
    if sort_key == "created_at":
        return datetime.fromisoformat(value)
    if sort_key in ("paid_until", "days_left"):
        return date.fromisoformat(value)
    return value


def two_halves(
    connection: Connection, first: Any, chunk_rows: int, db_url: str, request: dict[str, Any]
) -> Iterator[tuple[int, str]]:
    """The chunks of `first`, read here, then those of the second half, made meanwhile by a process of its own
    (`python -m introserv_app.tools.export_half`, told `request` on stdin) into a temporary file."""
    with tempfile.NamedTemporaryFile(mode="w+", encoding="utf-8", newline="", prefix="introserv-export-") as spool:
        env = {**os.environ, "INTROSERV_EXPORT_DB_URL": db_url}  # never on the command line
        proc = subprocess.Popen(
            [sys.executable, "-m", "introserv_app.tools.export_half"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        try:
            assert proc.stdin is not None
            proc.stdin.write(json.dumps({**request, "out": spool.name}).encode())
            proc.stdin.close()
            yield from lines(connection, first, chunk_rows)
            assert proc.stdout is not None and proc.stderr is not None
            out, err = proc.stdout.read(), proc.stderr.read()  # a few bytes each: the index, or an error
            proc.wait()
            if proc.returncode != 0:
                raise RuntimeError(f"the export's second half failed: {err.decode(errors='replace')[-500:]}")
            index = json.loads(out)
            if os.environ.get("INTROSERV_REPORT_PEAK"):  # `python -m bench export` counts this process's memory too
                print(f"PEAK_KB {index['peak_kb']}", file=sys.stderr)
            spool.seek(0)
            for rows, size in index["chunks"]:
                yield rows, spool.read(size)
        finally:
            if proc.poll() is None:  # a download given up
                proc.kill()
                proc.wait()
