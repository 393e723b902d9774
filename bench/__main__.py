"""python -m bench seed [--orders N] [--customers N] [--db-url URL] [--repeat R]

seed: time to create N orders (with invoices, lines and ledger) through our seed service on an empty,
migrated database, next to the raw floor measured in the same run: the same number of pre-built order
rows written with a bare executemany (SQLite) or COPY (PostgreSQL) into an empty orders table, with no
generation, no invoices and no ledger. Medians over --repeat runs; last line is JSON.

Other scenarios: grid, export, renew, lifecycle, staff, load, signin, webhooks, api
(`python -m bench <scenario> --help`); each
prints its runs on stderr and one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench import api, load, signin, webhooks
from introserv_app.db.session import create_db_engine
from introserv_app.tools import seed
from introserv_app.tools.migrations import upgrade_head


@contextmanager
def empty_database(base_url: str | None, keep: str | None = None) -> Iterator[str]:
    """A new migrated database: a temp SQLite file, or a new database on the given PostgreSQL server.
    `keep`: use (create if missing) the database of that name on the server and leave it there."""
    if not base_url:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            upgrade_head(url)
            yield url
        return
    admin = create_db_engine(base_url).execution_options(isolation_level="AUTOCOMMIT")
    name = keep or f"introserv_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade_head(url)
        yield url
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def analyze(engine: sa.Engine) -> None:
    """Fresh planner statistics after a bulk load (VACUUM ANALYZE on PostgreSQL, ANALYZE on SQLite)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))


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


def _raw_views(customer_id: int, needle: str, dialect: str) -> dict[str, tuple[str, str, dict[str, object], str]]:
    """Hand-written SQL per view: (count query, page query, params); the same result as our selector.

    Written the way one would by hand for speed: the page's ids first (index-only where possible), then
    the joins for those 25 rows; substring search through the trigram index with the exact LIKE check.
    """
    cols = (
        "o.id, o.service_name, t.name, o.main_ip, o.paid_until, o.status, o.price_minor, o.currency, o.comment, "
        "o.created_at, u.username"
    )
    text = "(lower(o.service_name) LIKE :like OR lower(o.main_ip) LIKE :like OR lower(o.comment) LIKE :like)"
    if dialect == "sqlite":
        search = f"o.id IN (SELECT rowid FROM orders_search WHERE orders_search MATCH :fts) AND {text}"
    else:
        expr = "lower(o.service_name || ' ' || coalesce(o.main_ip, '') || ' ' || o.comment)"
        search = f"{expr} LIKE :like AND {text}"
    nl = " NULLS LAST"
    newest = "ORDER BY o.created_at DESC, o.id DESC"  # NOT NULL: no NULLS LAST, as our selector
    views: dict[str, tuple[str, str, int, dict[str, object]]] = {
        "first page, default sort": ("", newest, 0, {}),
        "page 2000": ("", newest, 49975, {}),
        "one status": ("WHERE o.status IN ('suspended_nonpayment')", newest, 0, {}),
        "date range": (
            "WHERE o.created_at >= :a AND o.created_at < :b",
            newest,
            0,
            {"a": "2025-03-01", "b": "2025-03-08"},
        ),
        "substring search": (
            f"WHERE {search}",
            newest,
            0,
            {"like": f"%{needle.lower()}%", "fts": " AND ".join(f'"{needle.lower()[i : i + 3]}"' for i in range(2))},
        ),
        "sort by paid until": ("", f"ORDER BY o.paid_until ASC{nl}, o.id ASC", 0, {}),
        "one customer's orders": ("WHERE o.user_id = :c", newest, 0, {"c": customer_id}),
    }
    out = {}
    for name, (where, order, offset, params) in views.items():
        # the page and one row more (is there a next page?), as ours
        ids = f"SELECT o.id FROM orders o {where} {order} LIMIT 26 OFFSET {offset}"
        page = (
            f"SELECT {cols} FROM orders o JOIN tariff_plans t ON t.id = o.tariff_id JOIN users u ON u.id = o.user_id "
            f"WHERE o.id IN ({ids}) {order}"
        )
        exact = f"SELECT COUNT(*) FROM orders o {where}"
        # The count ours runs: up to 10,001 matches ("more than 10,000"), but a whole SQLite table exactly (its page
        # count is cheaper); `exact` is what "Count all" costs.
        bounded = f"SELECT COUNT(*) FROM (SELECT o.id FROM orders o {where} LIMIT 10001) AS t"
        out[name] = (exact if dialect == "sqlite" and not where else bounded, page, params, exact)
    return out


def scenario_grid(args: argparse.Namespace) -> dict[str, object]:
    from datetime import date

    from sqlmodel import Session, select

    from introserv_app.db.tables import Order, User
    from introserv_app.domain.grid import GridQuery, OrderFilters
    from introserv_app.domain.roles import Role
    from introserv_app.domain.statuses import OrderStatus
    from introserv_app.services.common.viewer import Viewer
    from introserv_app.services.orders import orders_page

    now = datetime(2026, 11, 22, tzinfo=UTC)
    with empty_database(args.db_url) as url:
        engine = create_db_engine(url)
        seed.ensure_demo_accounts(engine)
        took = timed(partial(seed.seed_volume, engine, customers=args.customers, orders=args.orders, seed=1, now=now))
        print(f"seeded {args.orders} orders in {took:.1f} s", file=sys.stderr)
        if engine.dialect.name == "postgresql":
            # what autovacuum does soon after a bulk load: visibility map and statistics (index-only counts)
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
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
        raw = _raw_views(busiest, needle, engine.dialect.name)
        views = []
        with Session(engine) as session:
            conn = session.connection()
            for name, (who, query) in ours.items():
                ours_ms = _median_ms(partial(orders_page, session=session, viewer=who, query=query), args.repeat)
                count_sql, page_sql, params, exact_sql = raw[name]

                def raw_call(
                    count_sql: str = count_sql, page_sql: str = page_sql, params: dict[str, object] = params
                ) -> None:
                    conn.execute(sa.text(count_sql), params).scalar_one()
                    conn.execute(sa.text(page_sql), params).all()

                raw_ms = _median_ms(raw_call, args.repeat)
                exact_call = partial(lambda q, p: conn.execute(sa.text(q), p).scalar_one(), exact_sql, params)
                exact_ms = _median_ms(exact_call, 5)
                views.append(
                    {
                        "name": name,
                        "ours_ms": round(ours_ms, 2),
                        "raw_ms": round(raw_ms, 2),
                        "ratio": round(ours_ms / raw_ms, 2),
                        "ours_minus_raw_ms": round(ours_ms - raw_ms, 2),
                        "exact_count_ms": round(exact_ms, 2),
                    }
                )
                print(
                    f"{name:<24} ours {ours_ms:8.2f} ms   raw {raw_ms:8.2f} ms   ratio {ours_ms / raw_ms:5.2f}"
                    f"   exact count alone {exact_ms:8.2f} ms",
                    file=sys.stderr,
                )
        engine.dispose()
    return {
        "scenario": "grid",
        "orders": args.orders,
        "backend": "postgresql" if args.db_url else "sqlite",
        "views": views,
    }


EXPORT_SQL = (
    "SELECT o.id, o.created_at, o.service_name, t.name, o.main_ip, o.paid_until, o.status, o.price_minor, "
    "o.currency, o.comment, u.username FROM orders o JOIN tariff_plans t ON t.id = o.tariff_id "
    "JOIN users u ON u.id = o.user_id ORDER BY o.created_at DESC, o.id DESC"
)


#: The floor for any Python export: the driver's rows straight into csv.writer, no formatting, no checks.
PYTHON_FLOOR = """
import csv, sys
url, out, sql = sys.argv[1], sys.argv[2], sys.argv[3]
if url.startswith("sqlite"):
    import sqlite3
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    cur = conn.cursor()
else:
    import psycopg
    conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    cur = conn.cursor(name="floor")
cur.execute(sql)
with open(out, "w", newline="", encoding="utf-8") as fh:
    writer = csv.writer(fh, lineterminator="\\r\\n")
    while rows := cur.fetchmany(50000):
        writer.writerows(rows)
"""


#: Runs our command and prints its own peak RSS (VmHWM belongs to the process image after exec, unlike
#: rusage's maxrss, which also counts the benchmark's memory copied by fork).
WITH_PEAK = """
import os, runpy, sys
os.environ["INTROSERV_REPORT_PEAK"] = "1"  # the process of SQLite's second half reports its own too
sys.argv = ["introserv_app", *sys.argv[1:]]
try:
    runpy.run_module("introserv_app", run_name="__main__")
except SystemExit as exc:
    if exc.code:
        raise
with open("/proc/self/status") as fh:
    peak = next(line.split()[1] for line in fh if line.startswith("VmHWM:"))
print(f"PEAK_KB {peak}", file=sys.stderr)
"""


def _child_run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time of one child process, and the peak RSS (MB) it and its workers report, summed."""
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed: {done.stderr[-2000:]}")
    peaks = re.findall(r"PEAK_KB (\d+)", done.stderr)  # progress lines use \r: match anywhere
    return took, sum(int(p) for p in peaks) / 1024


def scenario_export(args: argparse.Namespace) -> dict[str, object]:
    """Our `export-orders --all` (the same code as the HTTP route) against the database's own CSV dump."""
    now = datetime(2026, 11, 22, tzinfo=UTC)
    with empty_database(args.db_url) as url, tempfile.TemporaryDirectory() as tmp:
        engine = create_db_engine(url)
        seed.ensure_demo_accounts(engine)
        seed.seed_volume(engine, customers=args.customers, orders=args.orders, seed=1, now=now)
        engine.dispose()
        out = os.path.join(tmp, "orders.csv")
        env = {**os.environ, "INTROSERV_DB_URL": url}
        ours_cmd = [sys.executable, "-c", WITH_PEAK, "export-orders", "--all", "--out", out]
        if args.db_url:
            raw_cmd = ["psql", url, "-q", "-c", f"\\copy ({EXPORT_SQL}) TO '{out}.raw' WITH CSV HEADER"]
        else:
            raw_cmd = ["sqlite3", "-csv", "-header", "-cmd", f".output {out}.raw", url.removeprefix("sqlite:///")]
            raw_cmd.append(EXPORT_SQL)
        floor_cmd = [sys.executable, "-c", PYTHON_FLOOR, url, f"{out}.floor", EXPORT_SQL]
        ours, raw, floor, rss = [], [], [], []
        for r in range(args.repeat):
            took, peak = _child_run(ours_cmd, env)
            ours.append(took)
            rss.append(peak)
            raw.append(_child_run(raw_cmd)[0])
            floor.append(_child_run(floor_cmd)[0])
            with open(out, encoding="utf-8") as fh:
                rows = sum(1 for _ in fh) - 1
            print(
                f"run {r + 1}: ours {took:.1f} s ({rows} rows, peak {peak:.0f} MB), raw {raw[-1]:.1f} s, "
                f"python floor {floor[-1]:.1f} s",
                file=sys.stderr,
            )
        if rows != args.orders:
            raise SystemExit(f"export wrote {rows} rows, expected {args.orders}")
    ours_rps, raw_rps = args.orders / statistics.median(ours), args.orders / statistics.median(raw)
    return {
        "scenario": "export",
        "orders": args.orders,
        "backend": "postgresql" if args.db_url else "sqlite",
        "rows_per_s": round(ours_rps),
        "baseline_rows_per_s": round(raw_rps),
        "ratio": round(ours_rps / raw_rps, 2),
        "peak_rss_mb": round(max(rss)),
        "python_floor_rows_per_s": round(args.orders / statistics.median(floor)),
    }


def scenario_renew(args: argparse.Namespace) -> dict[str, object]:
    """One batch renewal of N orders (one invoice, N lines, one charge, N orders extended) per run."""
    from sqlmodel import Session, select

    from introserv_app.db.tables import Order, User
    from introserv_app.domain.money import Money
    from introserv_app.domain.roles import Role
    from introserv_app.services.billing import post, renew
    from introserv_app.services.common.viewer import Viewer

    now = datetime(2026, 11, 22, tzinfo=UTC)
    with empty_database(args.db_url) as url:
        engine = create_db_engine(url)
        seed.ensure_demo_accounts(engine)
        seed.seed_volume(engine, customers=0, orders=args.orders * 2, seed=5, now=now, owner_username="demo")
        with Session(engine) as session:
            uid = session.exec(select(User.id).where(User.username == "demo")).one() or 0
            ids = session.exec(
                select(Order.id)
                .where(Order.user_id == uid, Order.status.in_(("processed", "processing", "suspended_nonpayment")))  # type: ignore[attr-defined]
                .order_by(Order.id)  # type: ignore[arg-type]
                .limit(args.orders)
            ).all()
            currency = session.exec(select(Order.currency).where(Order.user_id == uid)).first() or "EUR"
            post(
                session=session,
                user_id=uid,
                kind="topup",
                amount=Money(10**9, currency),
                idem_key="bench-funds-000001",
            )
            session.commit()
        if len(ids) < args.orders:
            raise SystemExit(f"only {len(ids)} renewable orders were seeded")
        viewer = Viewer(user_id=uid, username="demo", role=Role.CUSTOMER, session_id=0, language="en")
        items = [(oid or 0, 1) for oid in ids]
        times = []
        for r in range(args.repeat + 1):
            with Session(engine, expire_on_commit=False) as session:
                start = time.perf_counter()
                result = renew(session=session, viewer=viewer, items=items, idem_key=f"bench-renew-{r:06d}", now=now)
                session.commit()
                took = time.perf_counter() - start
            if not result.paid:
                raise SystemExit("the benchmark renewal was not paid")
            if r:  # the first run warms the caches
                times.append(took)
            print(f"run {r}: {took * 1000:.0f} ms ({result.invoice_number})", file=sys.stderr)
        engine.dispose()
    return {
        "scenario": "renew",
        "orders": args.orders,
        "backend": "postgresql" if args.db_url else "sqlite",
        "median_s": round(statistics.median(times), 3),
    }


RAW_DUE_SQL = {
    # what the job must find, as bare counts over the same indexes: the floor for any lifecycle run
    "reminders": "SELECT count(*) FROM orders WHERE status IN ('processing', 'processed') "
    "AND paid_until > :today AND paid_until <= :horizon",
    "suspensions": "SELECT count(*) FROM orders WHERE status IN ('processing', 'processed') AND paid_until < :grace",
    "cancellations": "SELECT count(*) FROM orders WHERE status = 'suspended_nonpayment' AND paid_until < :cancel",
    "auto_renew": "SELECT count(*) FROM orders o JOIN profiles p ON p.user_id = o.user_id WHERE p.auto_renew "
    "AND o.status IN ('processing', 'processed') AND o.paid_until <= :auto AND o.paid_until >= :grace",
    "low_balance": "SELECT count(*) FROM (SELECT p.user_id FROM profiles p LEFT JOIN ledger_entries l "
    "ON l.user_id = p.user_id AND l.currency = p.currency WHERE p.low_balance_threshold_minor IS NOT NULL "
    "GROUP BY p.user_id) t",
}


@contextmanager
def copy_of(url: str) -> Iterator[str]:
    """A throw-away copy of a seeded database (a file copy, or CREATE DATABASE ... TEMPLATE)."""
    if url.startswith("sqlite:///"):
        src = url.removeprefix("sqlite:///")
        dst = f"{src}.run.db"
        shutil.copyfile(src, dst)
        try:
            yield f"sqlite:///{dst}"
        finally:
            os.remove(dst)
        return
    admin = create_db_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    template = make_url(url).database
    name = f"{template}_run"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    base = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        admin = create_db_engine(base).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def scenario_lifecycle(args: argparse.Namespace) -> dict[str, object]:
    """A lifecycle run over N orders (first run: everything due; second run at the same moment: nothing new),
    next to the bare SQL that only counts what is due, on a fresh copy of the same seeded database per repeat."""
    from introserv_app.domain.lifecycle import LifecycleCalendar
    from introserv_app.services.jobs import lifecycle

    seeded_at = datetime(2026, 11, 22, 6, tzinfo=UTC)
    now = seeded_at + timedelta(days=2)  # two days on: some orders are past their grace period too
    cal = LifecycleCalendar()
    today = now.date()
    bounds = {
        "today": today,
        "horizon": today + timedelta(days=max(cal.reminder_days)),
        "grace": cal.suspend_before(today),
        "cancel": cal.cancel_before(today),
        "auto": today + timedelta(days=cal.auto_renew_days),
    }
    with empty_database(args.db_url) as url:
        engine = create_db_engine(url)
        seed.ensure_demo_accounts(engine)
        start = time.perf_counter()
        seed.seed_volume(engine, customers=args.customers, orders=args.orders, seed=1, now=seeded_at)
        with engine.begin() as conn:  # a realistic share opts in: 10 % auto-renewal, 20 % a low-balance threshold
            conn.execute(sa.text("UPDATE profiles SET auto_renew = (user_id % 10 = 0)"))
            conn.execute(sa.text("UPDATE profiles SET low_balance_threshold_minor = 5000 WHERE user_id % 5 = 0"))
        analyze(engine)
        engine.dispose()
        print(f"seeded {args.orders} orders in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        first, second, raw, reports = [], [], [], []
        for r in range(args.repeat):
            with copy_of(url) as run_url:
                run_engine = create_db_engine(run_url)
                with run_engine.connect() as conn:
                    t0 = time.perf_counter()
                    due = {k: conn.execute(sa.text(q), bounds).scalar() for k, q in RAW_DUE_SQL.items()}
                    raw.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                report = lifecycle.run(engine=run_engine, now=now, calendar=cal)
                first.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                again = lifecycle.run(engine=run_engine, now=now, calendar=cal)
                second.append(time.perf_counter() - t0)
                run_engine.dispose()
            reports.append(report)
            print(
                f"run {r + 1}: first {first[-1]:.1f} s, second {second[-1]:.1f} s, raw due-counts {raw[-1]:.2f} s; "
                f"due {due}; did {report.as_dict()}; second run did "
                f"{ {k: v for k, v in again.as_dict().items() if k != 'seconds' and v} }",
                file=sys.stderr,
            )
    last = reports[-1]
    return {
        "scenario": "lifecycle",
        "orders": args.orders,
        "backend": "postgresql" if args.db_url else "sqlite",
        "first_run_s": round(statistics.median(first), 2),
        "second_run_s": round(statistics.median(second), 2),
        "raw_due_counts_s": round(statistics.median(raw), 2),
        "ratio_first_to_raw": round(statistics.median(first) / statistics.median(raw), 1),
        "seconds_per_step_last_run": last.seconds,
        "reminders": last.reminders,
        "suspended": last.suspended,
        "cancelled": last.cancelled_nonpayment + last.cancelled_scheduled,
        "auto_renewed": last.auto_renewed + last.auto_invoiced,
        "low_balance": last.low_balance,
        "emails": last.emails,
    }


STAFF_RAW_SQL = {
    # the bare statements behind each staff view, hand-written, for the floor measured in the same run
    "staff dashboard": [
        "SELECT status, COUNT(*) FROM orders GROUP BY status",
        "SELECT COUNT(*) FROM orders WHERE status IN ('processed', 'processing') AND paid_until BETWEEN :d0 AND :d7",
        "SELECT currency, SUM(net_minor) FROM invoices WHERE status = 'paid' AND paid_at >= :y0 GROUP BY currency",
        "SELECT COUNT(*) FROM tickets WHERE status IN ('open', 'waiting_staff')",
        "SELECT status, COUNT(*) FROM email_outbox WHERE status IN ('pending', 'failed') GROUP BY status",
    ],
    "search: username": [
        "SELECT id FROM users WHERE role = 'customer' AND lower(username) LIKE :like ORDER BY id DESC LIMIT 25",
    ],
    "search: order name": [
        "SELECT user_id FROM orders WHERE service_name = :order_name",
    ],
    "search: IP address": [
        "SELECT user_id FROM orders WHERE main_ip = :ip",
    ],
    "customer card": [
        "SELECT * FROM orders WHERE user_id = :uid ORDER BY created_at DESC LIMIT 20",
        "SELECT * FROM ledger_entries WHERE user_id = :uid ORDER BY created_at DESC LIMIT 20",
        "SELECT * FROM audit_events WHERE subject_user_id = :uid ORDER BY created_at DESC LIMIT 30",
    ],
    "audit log, first page": ["SELECT * FROM audit_events ORDER BY created_at DESC, id DESC LIMIT 51"],
    "audit log, one customer": [
        "SELECT * FROM audit_events WHERE subject_user_id = :uid ORDER BY created_at DESC, id DESC LIMIT 51"
    ],
    "audit log, action prefix": [
        "SELECT * FROM audit_events WHERE action LIKE 'order.%' ORDER BY created_at DESC, id DESC LIMIT 51"
    ],
}


def _run_raw(conn: sa.Connection, statements: list[str], params: dict[str, object]) -> None:
    for q in statements:
        conn.execute(sa.text(q), params).all()


def scenario_staff(args: argparse.Namespace) -> dict[str, object]:
    """The support console over N orders and as many audit events: each view through our services next to
    its hand-written SQL (the floor), medians of --repeat runs."""
    from sqlmodel import Session

    from introserv_app.domain.roles import Role
    from introserv_app.services import messaging, support
    from introserv_app.services.common.viewer import Viewer
    from introserv_app.services.support import staff_dashboard

    seeded_at = datetime(2026, 11, 22, 6, tzinfo=UTC)
    with empty_database(args.db_url) as url:
        engine = create_db_engine(url)
        seed.ensure_demo_accounts(engine)
        start = time.perf_counter()
        seed.seed_volume(engine, customers=args.customers, orders=args.orders, seed=1, now=seeded_at)
        with engine.begin() as conn:  # one audit event per order: a year of a busy panel's staff and logins
            conn.execute(
                sa.text(
                    "INSERT INTO audit_events (created_at, actor_id, subject_user_id, action, success, ip, details) "
                    "SELECT created_at, user_id, user_id, CASE WHEN id % 3 = 0 THEN 'order.deliver' ELSE 'login' END, "
                    "true, '192.0.2.1', '{}' FROM orders"
                )
            )
        analyze(engine)
        print(f"seeded {args.orders} orders and audit events in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        with engine.connect() as conn:
            staff_id = conn.execute(sa.text("SELECT id FROM users WHERE username = 'support'")).scalar_one()
            uid, count = conn.execute(
                sa.text("SELECT user_id, COUNT(*) FROM orders GROUP BY user_id ORDER BY COUNT(*) DESC LIMIT 1")
            ).one()
            username = conn.execute(sa.text("SELECT username FROM users WHERE id = :u"), {"u": uid}).scalar_one()
            order_name, ip = conn.execute(
                sa.text("SELECT service_name, main_ip FROM orders WHERE user_id = :u AND main_ip IS NOT NULL LIMIT 1"),
                {"u": uid},
            ).one()
        viewer = Viewer(user_id=staff_id or 0, username="support", role=Role.SUPPORT, session_id=0, language="en")
        now = datetime.now(UTC)
        params = {
            "d0": now.date(),
            "d7": now.date() + timedelta(days=7),
            "y0": now - timedelta(days=366),
            "like": f"%{username[:6]}%",
            "order_name": order_name,
            "ip": ip,
            "uid": uid,
        }
        ours: dict[str, Callable[[Session], object]] = {
            "staff dashboard": lambda s: staff_dashboard(session=s, viewer=viewer),
            "search: username": lambda s: support.search_customers(session=s, viewer=viewer, query=username[:6]),
            "search: order name": lambda s: support.search_customers(session=s, viewer=viewer, query=order_name),
            "search: IP address": lambda s: support.search_customers(session=s, viewer=viewer, query=ip),
            "customer card": lambda s: support.customer_card(session=s, viewer=viewer, user_id=uid),
            "audit log, first page": lambda s: support.audit_page(
                session=s, viewer=viewer, filters=support.AuditFilters()
            ),
            "audit log, one customer": lambda s: support.audit_page(
                session=s, viewer=viewer, filters=support.AuditFilters(customer=username)
            ),
            "audit log, action prefix": lambda s: support.audit_page(
                session=s, viewer=viewer, filters=support.AuditFilters(action="order.")
            ),
            "ticket queue": lambda s: messaging.staff_queue(session=s, viewer=viewer, filters=messaging.QueueFilters()),
        }
        views = []
        for name, fn in ours.items():
            with Session(engine) as session:
                our_ms = _median_ms(partial(fn, session), args.repeat)
                raw_ms = None
                if name in STAFF_RAW_SQL:
                    conn = session.connection()
                    raw_ms = _median_ms(partial(_run_raw, conn, STAFF_RAW_SQL[name], params), args.repeat)
            views.append(
                {
                    "view": name,
                    "ours_ms": round(our_ms, 1),
                    "raw_ms": None if raw_ms is None else round(raw_ms, 1),
                    "ratio": None if not raw_ms else round(our_ms / raw_ms, 1),
                }
            )
            print(
                f"{name}: ours {our_ms:.1f} ms, raw {raw_ms if raw_ms is None else round(raw_ms, 1)} ms",
                file=sys.stderr,
            )
        with Session(engine) as session:  # the audit CSV of the busiest customer's events
            t0 = time.perf_counter()
            size = sum(
                len(chunk)
                for chunk in support.iter_audit_csv(session=session, filters=support.AuditFilters(customer=username))
            )
            csv_s = time.perf_counter() - t0
    return {
        "scenario": "staff",
        "orders": args.orders,
        "backend": "postgresql" if args.db_url else "sqlite",
        "busiest_customer_orders": count,
        "views": views,
        "audit_csv_one_customer": {"events": count, "bytes": size, "seconds": round(csv_s, 2)},
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
    p = sub.add_parser("export", help="CSV export of every order: our command against the database's own dump")
    p.add_argument("--orders", type=int, default=1_000_000)
    p.add_argument("--customers", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--db-url", default=None, help="a PostgreSQL server URL (a new database is created on it)")
    p = sub.add_parser("renew", help="batch renewal of N orders in one call")
    p.add_argument("--orders", type=int, default=1_000)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--db-url", default=None, help="a PostgreSQL server URL (a new database is created on it)")
    p = sub.add_parser("lifecycle", help="the lifecycle job over N orders: first run and a second one")
    p.add_argument("--orders", type=int, default=1_000_000)
    p.add_argument("--customers", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--db-url", default=None, help="a PostgreSQL server URL (a new database is created on it)")
    p = sub.add_parser("staff", help="the support console's views over N orders and N audit events")
    p.add_argument("--orders", type=int, default=1_000_000)
    p.add_argument("--customers", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--db-url", default=None, help="a PostgreSQL server URL (a new database is created on it)")
    load.add_parser(sub)
    signin.add_parser(sub)
    webhooks.add_parser(sub)
    api.add_parser(sub)
    args = parser.parse_args()
    scenarios = {
        "load": load.scenario_load,
        "signin": signin.scenario_signin,
        "webhooks": webhooks.scenario_webhooks,
        "api": api.scenario_api,
        "staff": scenario_staff,
        "seed": scenario_seed,
        "grid": scenario_grid,
        "export": scenario_export,
        "renew": scenario_renew,
        "lifecycle": scenario_lifecycle,
    }
    result = scenarios[args.scenario](args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
