"""A worker process of the CSV export: `python -m introserv_app.tools.export_worker IDS_FILE STAFF`.

The parent (`services.export`) has already chosen, scoped and sorted the rows: IDS_FILE holds their
ids in order (int64). The worker reads tasks `start end` (a slice of that list) from stdin, fetches
those rows over its own connection (INTROSERV_EXPORT_DB_URL, never on the command line), formats them
(`domain.csvcells`) and writes `rows, size` (two little-endian uint64) and the UTF-8 CSV text to
stdout. It imports nothing heavy, so it starts in a few hundredths of a second.
"""

from __future__ import annotations

import json
import os
import struct
import sys
from array import array
from typing import Any

from introserv_app.domain.csvcells import orders_csv

_COLUMNS = "o.id, {created}, o.service_name, t.name, o.main_ip, {paid}, o.status, o.price_minor, o.currency, o.comment"
_FROM = " FROM orders o JOIN tariff_plans t ON t.id = o.tariff_id"


def _sql(pg: bool, staff: bool) -> str:
    if pg:
        created = "to_char(timezone('UTC', o.created_at), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
        cols = _COLUMNS.format(created=created, paid="to_char(o.paid_until, 'YYYY-MM-DD')")
    else:
        cols = _COLUMNS.format(created="o.created_at", paid="o.paid_until")
    sql = "SELECT " + cols + (", u.username" if staff else "") + _FROM
    if staff:
        sql += " JOIN users u ON u.id = o.user_id"
    return sql + (" WHERE o.id = ANY(%s)" if pg else " WHERE o.id IN (SELECT value FROM json_each(?))")


def _connect(url: str) -> tuple[Any, bool]:
    if url.startswith("sqlite:///"):
        import sqlite3

        return sqlite3.connect(url.removeprefix("sqlite:///")), False
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True), True


def main() -> int:
    ids_path, staff = sys.argv[1], sys.argv[2] == "1"
    ids = array("q")
    with open(ids_path, "rb") as fh:
        ids.frombytes(fh.read())
    conn, pg = _connect(os.environ["INTROSERV_EXPORT_DB_URL"])
    sql = _sql(pg, staff)
    out = sys.stdout.buffer
    for line in sys.stdin:
        start, end = (int(x) for x in line.split())
        chunk = ids[start:end].tolist()
        cur = conn.cursor()
        cur.execute(sql, (chunk if pg else json.dumps(chunk),))
        by_id = {row[0]: row for row in cur.fetchall()}
        cur.close()
        rows = [by_id[i] for i in chunk if i in by_id]  # the parent's order (a row deleted since is left out)
        data = orders_csv(rows, staff).encode("utf-8")
        out.write(struct.pack("<QQ", len(rows), len(data)))
        out.write(data)
        out.flush()
    conn.close()
    if os.environ.get("INTROSERV_REPORT_PEAK"):  # set by `python -m bench export`
        with open("/proc/self/status") as fh:
            print("PEAK_KB", next(x.split()[1] for x in fh if x.startswith("VmHWM:")), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
