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


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up (caches, prepared plans)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _raw_views(customer_id: int, needle: str) -> dict[str, tuple[str, str, dict[str, object]]]:
    """Hand-written SQL per view: (count query, page query, params); the same result as our selector."""
    base = (
        "SELECT o.id, o.user_id, o.service_name, o.tariff_id, o.main_ip, o.status, o.created_at, o.paid_until, "
        "o.price_minor, o.currency, o.period_months, o.comment, t.name, u.username FROM orders o "
        "JOIN tariff_plans t ON t.id = o.tariff_id JOIN users u ON u.id = o.user_id"
    )
    text = "(lower(o.service_name) LIKE :like OR lower(o.main_ip) LIKE :like OR lower(o.comment) LIKE :like)"
    if needle.isdigit():
        text = f"({text} OR o.id = {int(needle)})"
    search = f"({text} OR o.tariff_id IN (SELECT id FROM tariff_plans WHERE lower(name) LIKE :like))"
    nl = " NULLS LAST"
    views: dict[str, tuple[str, str, dict[str, object]]] = {
        "first page, default sort": ("", f"ORDER BY o.created_at DESC{nl}, o.id DESC LIMIT 25 OFFSET 0", {}),
        "page 2000": ("", f"ORDER BY o.created_at DESC{nl}, o.id DESC LIMIT 25 OFFSET 49975", {}),
        "one status": (
            "WHERE o.status IN ('suspended_nonpayment')",
            f"ORDER BY o.created_at DESC{nl}, o.id DESC LIMIT 25 OFFSET 0",
            {},
        ),
        "date range": (
            "WHERE o.created_at >= :a AND o.created_at < :b",
            f"ORDER BY o.created_at DESC{nl}, o.id DESC LIMIT 25 OFFSET 0",
            {"a": "2025-03-01", "b": "2025-03-08"},
        ),
        "substring search": (
            f"WHERE {search}",
            f"ORDER BY o.created_at DESC{nl}, o.id DESC LIMIT 25 OFFSET 0",
            {"like": f"%{needle}%", "fts": f'"{needle}"'},
        ),
        "sort by paid until": ("", f"ORDER BY o.paid_until ASC{nl}, o.id ASC LIMIT 25 OFFSET 0", {}),
        "one customer's orders": (
            "WHERE o.user_id = :c",
            f"ORDER BY o.created_at DESC{nl}, o.id DESC LIMIT 25 OFFSET 0",
            {"c": customer_id},
        ),
    }
    return {
        name: (f"SELECT COUNT(*) FROM orders o {where}", f"{base} {where} {tail}", params)
        for name, (where, tail, params) in views.items()
    }


def scenario_grid(args: argparse.Namespace) -> dict[str, object]:
    from datetime import date

    from sqlmodel import Session, select

    from introserv_app.db.tables import Order, User
    from introserv_app.domain.grid import GridQuery, OrderFilters
    from introserv_app.domain.roles import Role
    from introserv_app.domain.statuses import OrderStatus
    from introserv_app.services.auth import Viewer
    from introserv_app.services.orders import orders_page

    now = datetime(2026, 11, 22, tzinfo=UTC)
    with empty_database(args.db_url) as url:
        engine = create_db_engine(url)
        seed.ensure_demo_accounts(engine)
        took = timed(partial(seed.seed_volume, engine, customers=args.customers, orders=args.orders, seed=1, now=now))
        print(f"seeded {args.orders} orders in {took:.1f} s", file=sys.stderr)
        with Session(engine) as session:
            staff_id = session.exec(select(User.id).where(User.username == "support")).one()
            busiest = session.execute(
                sa.text("SELECT user_id FROM orders GROUP BY user_id ORDER BY COUNT(*) DESC LIMIT 1")
            ).scalar_one()
            needle = session.exec(select(Order.service_name).where(Order.id == 4242)).one()[1:5]
        staff = Viewer(user_id=staff_id or 0, username="support", role=Role.SUPPORT, session_id=0, language="en")
        customer = Viewer(user_id=busiest, username="c", role=Role.CUSTOMER, session_id=0, language="en")
        ours = {
            "first page, default sort": (staff, GridQuery()),
            "page 2000": (staff, GridQuery(page=2000)),
            "one status": (staff, GridQuery(filters=OrderFilters(statuses=(OrderStatus.SUSPENDED_NONPAYMENT,)))),
            "date range": (
                staff,
                GridQuery(filters=OrderFilters(created_from=date(2025, 3, 1), created_to=date(2025, 3, 7))),
            ),
            "substring search": (staff, GridQuery(filters=OrderFilters(q=needle))),
            "sort by paid until": (staff, GridQuery(sort="paid_until", direction="asc")),
            "one customer's orders": (customer, GridQuery()),
        }
        raw = _raw_views(busiest, needle)
        views = []
        with Session(engine) as session:
            conn = session.connection()
            for name, (who, query) in ours.items():
                ours_ms = _median_ms(partial(orders_page, session=session, viewer=who, query=query), args.repeat)
                count_sql, page_sql, params = raw[name]

                def raw_call(
                    count_sql: str = count_sql, page_sql: str = page_sql, params: dict[str, object] = params
                ) -> None:
                    conn.execute(sa.text(count_sql), params).scalar_one()
                    conn.execute(sa.text(page_sql), params).all()

                raw_ms = _median_ms(raw_call, args.repeat)
                views.append(
                    {
                        "name": name,
                        "ours_ms": round(ours_ms, 2),
                        "raw_ms": round(raw_ms, 2),
                        "ratio": round(ours_ms / raw_ms, 2),
                    }
                )
                print(
                    f"{name:<24} ours {ours_ms:8.2f} ms   raw {raw_ms:8.2f} ms   ratio {ours_ms / raw_ms:5.2f}",
                    file=sys.stderr,
                )
        engine.dispose()
    return {
        "scenario": "grid",
        "orders": args.orders,
        "backend": "postgresql" if args.db_url else "sqlite",
        "views": views,
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    sub = parser.add_subparsers(dest="scenario", required=True)
    p = sub.add_parser("seed", help="bulk creation of orders, invoices and ledger history")
    p.add_argument("--orders", type=int, default=1_000_000)
    p.add_argument("--customers", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--db-url", default=None, help="a PostgreSQL server URL (a new database is created on it)")
    p = sub.add_parser("grid", help="typical orders-grid views: our selector against hand-written SQL")
    p.add_argument("--orders", type=int, default=1_000_000)
    p.add_argument("--customers", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=15)
    p.add_argument("--db-url", default=None, help="a PostgreSQL server URL (a new database is created on it)")
    args = parser.parse_args()
    result = {"seed": scenario_seed, "grid": scenario_grid}[args.scenario](args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
