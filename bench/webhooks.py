"""python -m bench webhooks [--deliveries N] [--duplicates F] [--concurrency C] [--db-url URL]

Stripe notifications against the panel's HTTP routes (`introserv_app.web.routes.build_api`, the Starlette app the
panel mounts, served by Granian in its own process, one worker) on SQLite (default) or a new database on the given
PostgreSQL server. N `checkout.session.completed` deliveries (payments of 200 customers) signed as Stripe signs
them, F of them duplicates of earlier ones (resent, shuffled in), C at a time: deliveries per second, median and
p95. The floor, measured in the same run: the same POSTs to a provider that is not on (404 before any signature
check or database work), i.e. the HTTP round trip. Afterwards the ledger must hold exactly one top-up per payment
and every delivery must be recorded.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.load import _free_port
from introserv_app.db.session import create_db_engine
from introserv_app.db.tables import Payment, table_of
from introserv_app.db.types import utcnow
from introserv_app.tools import seed

ROOT = Path(__file__).resolve().parents[1]
SECRET = "whsec_bench_" + "0" * 20
#: The routes' payment settings: Stripe on (its webhook secret; the API is never called), the demo provider too.
PROVIDER_ENV = {
    "INTROSERV_PAYMENT_PROVIDERS": "stripe,demo",
    "INTROSERV_STRIPE_SECRET_KEY": "sk_bench_unused",
    "INTROSERV_STRIPE_WEBHOOK_SECRET": SECRET,
}
#: The payments belong to this many customers (deliveries for one customer queue on its account lock).
CUSTOMERS = 200


def add_parser(sub: Any) -> None:
    p = sub.add_parser("webhooks", help="Stripe notifications against the running routes: deliveries/s and p95")
    p.add_argument("--deliveries", type=int, default=1000)
    p.add_argument("--duplicates", type=float, default=0.10, help="the share of deliveries that repeat an earlier one")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--db-url", default=None, help="a PostgreSQL server URL (a new database is created on it)")


def _sign(body: bytes) -> str:
    stamp = int(time.time())
    return f"t={stamp},v1={hmac.new(SECRET.encode(), f'{stamp}.'.encode() + body, hashlib.sha256).hexdigest()}"


def _event(payment_id: int, ref: str) -> bytes:
    obj = {"id": ref, "object": "checkout.session", "status": "complete", "payment_status": "paid",
           "amount_total": 1000, "currency": "eur", "payment_intent": f"pi_{ref[3:]}",
           "metadata": {"payment_id": str(payment_id)}, "client_reference_id": str(payment_id)}  # fmt: skip
    return json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex[:24]}",
            "object": "event",
            "type": "checkout.session.completed",
            "api_version": "2025-01-01",
            "created": int(time.time()),
            "data": {"object": obj},
        }
    ).encode()


def _payments(url: str, n: int) -> list[tuple[int, str]]:
    engine = create_db_engine(url)
    seed.ensure_demo_accounts(engine)
    seed.seed_volume(engine, customers=CUSTOMERS, orders=CUSTOMERS, seed=3, now=utcnow())
    now = utcnow()
    with engine.begin() as conn:
        uids = conn.execute(sa.text("SELECT id FROM users WHERE role = 'customer' ORDER BY id")).scalars().all()
        conn.execute(sa.text("UPDATE profiles SET currency = 'EUR'"))
        rows = [
            {
                "user_id": uids[i % len(uids)],
                "invoice_id": None,
                "purpose": "topup",
                "provider": "stripe",
                "provider_ref": f"cs_bench_{i:06d}",
                "provider_payment_ref": None,
                "method": "",
                "amount_minor": 1000,
                "currency": "EUR",
                "state": "pending",
                "refunded_minor": 0,
                "paid_invoice": False,
                "checkout_url": "",
                "idem_key": f"bench-payment-{i:08d}",
                "failure": "",
                "created_at": now,
                "updated_at": now,
                "settled_at": None,
            }
            for i in range(n)
        ]
        conn.execute(sa.insert(table_of(Payment)), rows)
        found = conn.execute(sa.text("SELECT id, provider_ref FROM payments ORDER BY id")).all()
    engine.dispose()
    return [(int(r[0]), str(r[1])) for r in found]


def serve_routes(url: str, log_path: Path, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    """The panel's HTTP routes (`web.routes.build_api`) served by Granian in a process of their own, one worker, on
    the database `url` with `env` added; (the process, its base URL) once /healthz answers."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    full = {**os.environ, "INTROSERV_DB_URL": url, "INTROSERV_BASE_URL": base,
            "INTROSERV_SECRET_KEY": uuid.uuid4().hex * 2, **env}  # fmt: skip
    full.pop("INTROSERV_REDIS_URL", None)
    cmd = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "--host", "127.0.0.1",
           "--port", str(port), "--workers", "1", "introserv_app.web.routes:build_api"]  # fmt: skip
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=full, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=3) as r:  # noqa: S310 - our own server
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit(f"the routes did not start (see {log_path})")


def _post(url: str, body: bytes) -> tuple[float, int]:
    headers = {"Content-Type": "application/json", "Stripe-Signature": _sign(body)}
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310 - our own server
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as r:  # noqa: S310 - our own server
            status = r.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return (time.perf_counter() - start) * 1000, status


def _run(url: str, bodies: list[bytes], concurrency: int) -> dict[str, Any]:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda b: _post(url, b), bodies))
    seconds = time.perf_counter() - start
    times = sorted(ms for ms, _ in results)
    return {
        "per_second": round(len(bodies) / seconds, 1),
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
        "statuses": sorted({s for _, s in results}),
    }


def scenario_webhooks(args: argparse.Namespace) -> dict[str, object]:
    from bench.__main__ import empty_database

    duplicates = int(args.deliveries * args.duplicates)
    unique = args.deliveries - duplicates
    rng = random.Random(7)
    with empty_database(args.db_url) as url:
        payments = _payments(url, unique)
        bodies = [_event(pid, ref) for pid, ref in payments]
        bodies += [rng.choice(bodies) for _ in range(duplicates)]  # the same events resent
        rng.shuffle(bodies)
        proc, base = serve_routes(
            url,
            ROOT / "test-artifacts" / "bench-webhooks.log",
            **PROVIDER_ENV,
        )
        try:
            floor = _run(f"{base}/webhooks/bench-off", bodies, args.concurrency)
            ours = _run(f"{base}/webhooks/stripe", bodies, args.concurrency)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        engine = create_db_engine(url)
        with engine.connect() as conn:
            booked = conn.execute(
                sa.text("SELECT count(*) FROM ledger_entries WHERE kind = 'topup' AND idem_key LIKE 'payment-%'")
            ).scalar_one()
            recorded = conn.execute(
                sa.text("SELECT count(*) FROM payment_events WHERE source = 'webhook'")
            ).scalar_one()
            settled = conn.execute(sa.text("SELECT count(*) FROM payments WHERE state = 'succeeded'")).scalar_one()
        engine.dispose()
    if not (booked == settled == unique and recorded == args.deliveries):
        raise SystemExit(f"wrong outcome: {booked} top-ups, {settled} settled, {recorded} recorded")
    return {
        "scenario": "webhooks",
        "database": "postgresql" if args.db_url else "sqlite",
        "deliveries": args.deliveries,
        "duplicates": duplicates,
        "concurrency": args.concurrency,
        "ours": ours,
        "floor": floor,
        "ratio_median": round(ours["median_ms"] / floor["median_ms"], 2),
        "booked_once": booked == unique,
        "recorded": recorded,
    }
