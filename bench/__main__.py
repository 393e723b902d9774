"""python -m bench seed [--orders N] [--customers N] [--db-url URL] [--repeat R]

seed: time to create N orders (with invoices, lines and ledger) through our seed service on an empty,
migrated database, next to the raw floor measured in the same run: the same number of pre-built order
rows written with a bare executemany (SQLite) or COPY (PostgreSQL) into an empty orders table, with no
generation, no invoices and no ledger. Medians over --repeat runs; last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from introserv_app.db.session import create_db_engine
from introserv_app.services import seed
from introserv_app.services.migrations import upgrade_head


@contextmanager
def empty_database(base_url: str | None) -> Iterator[str]:
    """A new migrated database: a temp SQLite file, or a new database on the given PostgreSQL server."""
    if not base_url:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            upgrade_head(url)
            yield url
        return
    admin = create_db_engine(base_url).execution_options(isolation_level="AUTOCOMMIT")
    name = f"introserv_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade_head(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def raw_orders(url: str, orders: int) -> float:
    """Floor: write `orders` pre-built rows into `orders` with the driver's bulk path only."""
    engine = create_db_engine(url)
    seed.ensure_demo_accounts(engine)
    pg = engine.dialect.name == "postgresql"
    stamp = "2026-01-01T00:00:00+00:00" if pg else "2026-01-01 00:00:00.000000"
    rows = [
        (i + 1, 1, f"r{i:07d}", 1, "192.0.2.1", "processed", stamp, "2027-01-01", 400, "EUR", 1, "")
        for i in range(orders)
    ]
    cols = (
        "id, user_id, service_name, tariff_id, main_ip, status, created_at, paid_until, price_minor, currency, "
        "period_months, comment"
    )
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        start = time.perf_counter()
        if pg:
            with cur.copy(f"COPY orders ({cols}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
        else:
            cur.executemany(f"INSERT INTO orders ({cols}) VALUES ({', '.join('?' * 12)})", rows)
        raw.commit()
        took = time.perf_counter() - start
    finally:
        raw.close()
        engine.dispose()
    return took


def scenario_seed(args: argparse.Namespace) -> dict[str, object]:
    ours, floor = [], []
    now = datetime(2026, 11, 22, tzinfo=UTC)
    for r in range(args.repeat):
        with empty_database(args.db_url) as url:
            engine = create_db_engine(url)
            seed.ensure_demo_accounts(engine)
            run = partial(seed.seed_volume, engine, customers=args.customers, orders=args.orders, seed=r + 1, now=now)
            ours.append(timed(run))
            engine.dispose()
        with empty_database(args.db_url) as url:
            floor.append(raw_orders(url, args.orders))
        print(f"run {r + 1}: ours {ours[-1]:.1f} s, raw orders-only floor {floor[-1]:.1f} s", file=sys.stderr)
    ours_s, raw_s = statistics.median(ours), statistics.median(floor)
    return {
        "scenario": "seed",
        "backend": "postgresql" if args.db_url else "sqlite",
        "orders": args.orders,
        "customers": args.customers,
        "median_s": round(ours_s, 1),
        "raw_orders_only_s": round(raw_s, 1),
        "ratio": round(ours_s / raw_s, 2),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    sub = parser.add_subparsers(dest="scenario", required=True)
    p = sub.add_parser("seed", help="bulk creation of orders, invoices and ledger history")
    p.add_argument("--orders", type=int, default=1_000_000)
    p.add_argument("--customers", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--db-url", default=None, help="a PostgreSQL server URL (a new database is created on it)")
    args = parser.parse_args()
    result = {"seed": scenario_seed}[args.scenario](args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
