"""python -m bench api [--orders N] [--customers N] [--requests R] [--concurrency C] [--db-url URL]

Listing a page of orders through the REST API (`GET /api/v1/orders`, an API key of the customer with the most
orders; the panel's HTTP routes served by Granian in their own process, one worker, on a new database with N orders)
next to the same page through the grid service called directly in this process (`orders.orders_page`, the same
viewer and query, one call at a time), measured in the same run. Two views: the first page in the default sort, and
one status sorted by paid-until (`?status=processed&sort=paid_until&dir=asc`). For the API: requests per second
with C clients and the median and p95 of R requests, then one request at a time (R/4, at least 50: the latency
without queueing, which the ratio to the service's median uses); also the HTTP floor of the same server
(`/healthz`, one `SELECT 1`). For the service: calls per second, median and p95 of R calls, one at a time. Last
line: one JSON object.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from bench.webhooks import serve_routes
from introserv_app.db.session import create_db_engine, session_scope
from introserv_app.db.types import utcnow
from introserv_app.domain.grid import parse_grid_query
from introserv_app.domain.roles import Role
from introserv_app.services import apikeys
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.orders import orders_page
from introserv_app.tools import seed

ROOT = Path(__file__).resolve().parents[1]
VIEWS = {
    "first page": "size=25",
    "one status by paid-until": "size=25&status=processed&sort=paid_until&dir=asc",
}


def add_parser(sub: Any) -> None:
    p = sub.add_parser("api", help="a page of orders through /api/v1 against the grid service called directly")
    p.add_argument("--orders", type=int, default=1_000_000)
    p.add_argument("--customers", type=int, default=20_000)
    p.add_argument("--requests", type=int, default=1000)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--db-url", default=None, help="a PostgreSQL server URL (a new database is created on it)")


def _get(url: str, key: str) -> tuple[float, int]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})  # noqa: S310 - our own server
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as r:  # noqa: S310 - our own server
            r.read()
            status = r.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return (time.perf_counter() - start) * 1000, status


def _summary(times: list[float], seconds: float) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "per_second": round(len(times) / seconds, 1),
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 2),
    }


def _http(url: str, key: str, requests: int, concurrency: int) -> dict[str, Any]:
    _get(url, key)  # warm-up
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda _: _get(url, key), range(requests)))
    summary: dict[str, Any] = _summary([ms for ms, _ in results], time.perf_counter() - start)
    summary["statuses"] = sorted({s for _, s in results})
    return summary


def _direct(call: Callable[[], object], requests: int) -> dict[str, float]:
    call()  # warm-up
    times = []
    start = time.perf_counter()
    for _ in range(requests):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return _summary(times, time.perf_counter() - start)


def scenario_api(args: argparse.Namespace) -> dict[str, object]:
    from bench.__main__ import empty_database, timed

    with empty_database(args.db_url) as url:
        engine = create_db_engine(url)
        seed.ensure_demo_accounts(engine)
        took = timed(
            lambda: seed.seed_volume(engine, customers=args.customers, orders=args.orders, seed=1, now=utcnow())
        )
        print(f"seeded {args.orders} orders in {took:.1f} s", file=sys.stderr)
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
        with engine.connect() as conn:
            uid, username, count = conn.execute(
                sa.text(
                    "SELECT o.user_id, u.username, count(*) FROM orders o JOIN users u ON u.id = o.user_id "
                    "GROUP BY o.user_id, u.username ORDER BY count(*) DESC LIMIT 1"
                )
            ).one()
        with session_scope(engine) as session:
            key = apikeys.create_key_for(session=session, username=username, name="bench", scopes=["read"]).secret
        viewer = Viewer(user_id=uid, username=username, role=Role.CUSTOMER, session_id=0, language="en")
        limits = {"INTROSERV_API_PER_KEY_PER_MINUTE": "10000000", "INTROSERV_API_PER_IP_PER_MINUTE": "10000000"}
        proc, base = serve_routes(url, ROOT / "test-artifacts" / "bench-api.log", **limits)
        views = []
        try:
            floor = _http(f"{base}/healthz", key, args.requests, args.concurrency)
            for name, params in VIEWS.items():
                query, _ = parse_grid_query(dict(p.split("=") for p in params.split("&")))
                with Session(engine) as session:
                    direct = _direct(partial(orders_page, session=session, viewer=viewer, query=query), args.requests)
                api = _http(f"{base}/api/v1/orders?{params}", key, args.requests, args.concurrency)
                single = _http(f"{base}/api/v1/orders?{params}", key, max(50, args.requests // 4), 1)
                print(f"{name}: api {api}, one at a time {single}, service {direct}", file=sys.stderr)
                views.append(
                    {
                        "name": name,
                        "api": api,
                        "api_one_at_a_time": single,
                        "service": direct,
                        "ratio_median": round(single["median_ms"] / direct["median_ms"], 2),
                        "ratio_per_second": round(api["per_second"] / direct["per_second"], 2),
                    }
                )
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        engine.dispose()
    return {
        "scenario": "api",
        "database": "postgresql" if args.db_url else "sqlite",
        "orders": args.orders,
        "customer_orders": int(count),
        "requests": args.requests,
        "concurrency": args.concurrency,
        "http_floor": floor,
        "views": views,
    }
