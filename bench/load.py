"""python -m bench load --clients N[,N...] --seconds S [--fault postgres|redis] [--db-url URL] [--redis-url URL]

N simulated customers drive the production mode (`python -m introserv_app serve-prod`: PostgreSQL + Redis,
--workers backend workers on one port) over Reflex's real websocket protocol (python-socketio's asyncio
client, the frames the browser sends). Each one signs in through the login form and the /auth/complete
route like a browser, then, with think time, filters, searches, pages and opens its orders, and now and
then answers its own ticket (a write). The no-op round trip (`SessionState.echo`: no database, no service)
is measured in the same run as the floor. After the runs, --cpu-seconds of a closed loop of only no-ops, then of
only grid actions, give the machine's CPU time per action of each (`cpu` in the last JSON line).

Setup (once per run): a new database on --db-url's server, migrated, demo data, --orders orders for
--customers customers (the seed service), a known password and one ticket for each load user, Redis
--redis-url flushed; the panel is started by this command and stopped at the end. Several --clients values
run one after another against the same server (a curve); one JSON line per value, the last line last.

--fault restarts the machine's PostgreSQL (pg_ctlcluster, stop + 5 s + start) or Redis (shutdown + start)
at a third of the run. Reported: errors during the fault, the time from the service being back to the first
successful grid action, acknowledged writes missing from the database (lost; must be 0), and failed writes
that did arrive (the client was told "not saved" and may retry: the retry is then a duplicate reply).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import socketio
import sqlalchemy as sa

from bench import local_services
from introserv_app.db.session import create_db_engine

ROOT = Path(__file__).resolve().parents[1]
ST = "reflex___state____state"
LOGIN = f"{ST}.introserv_app___state___login____login_state.submit"
ON_LOAD = f"{ST}.reflex___state____on_load_internal_state.on_load_internal"
HYDRATE = f"{ST}.hydrate_and_load"
ECHO = f"{ST}.introserv_app___state___session____session_state.echo"
SEARCH = f"{ST}.introserv_app___state___orders____orders_grid_state.search"
GRID = f"{ST}.introserv_app___state___orders____orders_grid_state"
SEND = f"{ST}.introserv_app___state___tickets____ticket_thread_state.send"
PASSWORD = "load-test-password-2026"  # noqa: S105 - set on the load users by this bench
STATUSES = ("processed", "processing", "not_processed", "suspended", "cancelled")
SEARCH_TERMS = ("web", "db", "10.", "mail", "vps", "1")
ACTION_TIMEOUT = 10.0
ARRIVALS_PER_S = 4.0
# Grid actions the goal applies to; weights of the mix a customer produces.
GRID_ACTIONS = ("filter", "search", "page", "sort", "open_order")
LOGIN_PARTS = ("login form", "login exchange", "login socket")
MIX = (("filter", 25), ("search", 20), ("page", 20), ("sort", 10), ("open_order", 15), ("noop", 5), ("reply", 5))


@dataclass
class Stats:
    samples: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # name -> (end time, ms)
    errors: list[tuple[float, str, str]] = field(default_factory=list)  # (time, action, what)
    acked_replies: list[tuple[int, str]] = field(default_factory=list)
    failed_replies: list[tuple[int, str]] = field(default_factory=list)
    reconnects: int = 0

    def add(self, name: str, ms: float) -> tuple[float, float]:
        sample = (time.monotonic(), ms)
        self.samples.setdefault(name, []).append(sample)
        return sample


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class Client:
    """One browser tab of one customer, speaking Reflex's Socket.IO protocol."""

    def __init__(self, base: str, username: str, ticket_id: int, stats: Stats, rng: random.Random) -> None:
        self.base, self.username, self.ticket_id, self.stats, self.rng = base, username, ticket_id, stats, rng
        self.token = str(uuid.uuid4())
        self.cookie = ""
        self.sio: socketio.AsyncClient | None = None
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.order_ids: list[int] = []
        self.last: tuple[str, tuple[float, float]] | None = None

    @staticmethod
    def _event(name: str, payload: dict[str, Any] | None, path: str, query: dict[str, str] | None = None) -> dict:
        as_path = path + (f"?{urlencode(query)}" if query else "")
        router: dict[str, Any] = {"pathname": path, "asPath": as_path}
        if query:
            router["query"] = query
        return {"name": name, "payload": payload or {}, "router_data": router}

    async def _connect(self, path: str, query: dict[str, str] | None = None) -> None:
        if self.sio is not None:
            await self.sio.disconnect()
        self.inbox = asyncio.Queue()
        sio = socketio.AsyncClient(reconnection=False)
        inbox = self.inbox

        async def on_event(data: dict[str, Any]) -> None:
            await inbox.put(data)

        sio.on("event", on_event, namespace="/_event")
        headers = {"Origin": self.base}
        if self.cookie:
            headers["Cookie"] = self.cookie
        await sio.connect(
            f"{self.base}?token={self.token}",
            socketio_path="/_event",
            namespaces=["/_event"],
            transports=["websocket"],
            headers=headers,
            auth={"event": self._event(HYDRATE, {}, path, query)},
            wait_timeout=ACTION_TIMEOUT,
        )
        self.sio = sio
        await self._until(_hydrated)

    async def _until(self, done: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        got: list[dict[str, Any]] = []
        deadline = time.monotonic() + ACTION_TIMEOUT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer")
            update = await asyncio.wait_for(self.inbox.get(), left)
            got.append(update)
            if _server_error(update):
                raise ServerSaid(_server_error(update))
            if done(update):
                return got

    async def _emit(self, name: str, payload: dict[str, Any] | None, path: str, query: dict[str, str] | None = None):
        assert self.sio is not None
        await self.sio.emit("event", self._event(name, payload, path, query), namespace="/_event")

    async def login(self) -> None:
        await self._connect("/login")
        started = time.perf_counter()
        form = {"__reflex_form_data__": [["username", self.username], ["password", PASSWORD]]}
        await self._emit(LOGIN, {"form_data": form}, "/login")
        got = await self._until(lambda u: any(e.get("name") == "_call_script" for e in u.get("events", [])))
        checked = time.perf_counter()  # the form's event answered: the password was checked
        script = next(e for u in got for e in u.get("events", []) if e.get("name") == "_call_script")
        # window.introservSignIn({...}) (assets/auth.js): the binding cookie, then a same-origin POST.
        args = json.loads(script["payload"]["javascript_code"].removeprefix("window.introservSignIn(")[:-1])
        headers = {"Origin": self.base, "Sec-Fetch-Site": "same-origin", "Cookie": f"introserv_login={args['binding']}"}
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                self.base + "/auth/complete",
                data={"ticket": args["ticket"], "next": args["next"]},
                allow_redirects=False,
                headers=headers,
            ) as resp,
        ):
            if resp.status != 303 or "introserv_session" not in resp.cookies:
                raise ServerSaid(f"login route answered {resp.status}")
            self.cookie = f"introserv_session={resp.cookies['introserv_session'].value}"
        exchanged = time.perf_counter()
        await self._connect("/orders")
        done = time.perf_counter()
        self.stats.add("login", (done - started) * 1000)
        # where a sign-in's time goes: the form's event, the /auth/complete exchange, the socket to /orders
        for part, ms in (("form", checked - started), ("exchange", exchanged - checked), ("socket", done - exchanged)):
            self.stats.add(f"login {part}", ms * 1000)

    async def _grid(self, path: str, query: dict[str, str]) -> list[dict[str, Any]]:
        await self._emit(ON_LOAD, None, path, query)
        got = await self._until(_hydrated)
        for update in got:
            rows = update.get("delta", {}).get(GRID, {}).get("rows_rx_state_")
            if rows:
                self.order_ids = [int(r["id"]) for r in rows if str(r.get("id", "")).isdigit()]
        return got

    async def act(self, action: str) -> None:
        rng = self.rng
        if action == "filter":
            await self._grid("/orders", {"status": rng.choice(STATUSES)})
        elif action == "search":
            term = rng.choice(SEARCH_TERMS)
            await self._emit(SEARCH, {"value": term}, "/orders")
            await self._until(lambda u: any(e.get("name") == "_redirect" for e in u.get("events", [])))
            await self._grid("/orders", {"q": term})
        elif action == "page":
            await self._grid("/orders", {"page": str(rng.randint(1, 3))})
        elif action == "sort":
            column = rng.choice(("paid_until", "service_name", "price", "status"))
            await self._grid("/orders", {"sort": column, "dir": rng.choice(("asc", "desc"))})
        elif action == "open_order":
            if not self.order_ids:
                await self._grid("/orders", {})
            oid = rng.choice(self.order_ids) if self.order_ids else 0
            await self._emit(ON_LOAD, None, f"/orders/{oid}")
            await self._until(_hydrated)
        elif action == "noop":
            value = rng.randint(1, 1 << 30)
            await self._emit(ECHO, {"value": value}, "/orders")
            await self._until(lambda u: _echoed(u, value))
        elif action == "reply":
            text = f"load {self.username} {uuid.uuid4().hex[:12]}"
            try:
                await self._emit(SEND, {"form": {"message": text}}, f"/tickets/{self.ticket_id}")
                await self._until(lambda u: any(e.get("name") == "_set_value" for e in u.get("events", [])))
            except (ServerSaid, TimeoutError):
                self.stats.failed_replies.append((self.ticket_id, text))
                raise
            self.stats.acked_replies.append((self.ticket_id, text))

    async def run(self, deadline: float, think: float) -> None:
        try:
            await self.login()
        except Exception as exc:  # noqa: BLE001 - an error is a result here
            self.stats.errors.append((time.monotonic(), "login", _what(exc)))
            await self._retry_connection()
        names, weights = zip(*MIX, strict=True)
        while time.monotonic() < deadline:
            await asyncio.sleep(self.rng.uniform(0.5 * think, 1.5 * think))
            if time.monotonic() >= deadline:
                break
            self._settle_previous()
            action = self.rng.choices(names, weights)[0]
            started = time.perf_counter()
            try:
                await self.act(action)
                self.last = (action, self.stats.add(action, (time.perf_counter() - started) * 1000))
            except Exception as exc:  # noqa: BLE001
                self.stats.errors.append((time.monotonic(), action, _what(exc)))
                await self._retry_connection()
        if self.sio is not None:
            await self.sio.disconnect()

    def _settle_previous(self) -> None:
        """Answers that came after the previous action looked done: a page load is "done" when the page
        says hydrated, but its handler's failure toast can follow that. Such an action failed."""
        failure = ""
        while not self.inbox.empty():
            failure = failure or _server_error(self.inbox.get_nowait())
        if failure and self.last is not None:
            name, sample = self.last
            if sample in self.stats.samples.get(name, []):
                self.stats.samples[name].remove(sample)
            self.stats.errors.append((sample[0], name, failure))
        self.last = None

    async def _retry_connection(self) -> None:
        """What a customer does when the page stops answering: reload it (same tab, same token)."""
        self.stats.reconnects += 1
        try:
            if not self.cookie:
                await self.login()
            else:
                await self._connect("/orders")
        except Exception as exc:  # noqa: BLE001
            self.stats.errors.append((time.monotonic(), "reload", _what(exc)))
            await asyncio.sleep(1)


class ServerSaid(Exception):
    pass


def _hydrated(update: dict[str, Any]) -> bool:
    return update.get("delta", {}).get(ST, {}).get("is_hydrated_rx_state_") is True


def _echoed(update: dict[str, Any], value: int) -> bool:
    return any(d.get("echo_value_rx_state_") == value for d in update.get("delta", {}).values())


_RU_UNAVAILABLE = "временно недоступен".encode("unicode_escape").decode().replace("\\", "\\\\")


def _server_error(update: dict[str, Any]) -> str:
    for event in update.get("events", []):
        text = json.dumps(event.get("payload", {}), ensure_ascii=False)
        if "server-error" in text or "backend_error" in text:
            # the customers' own languages: English, or Russian (inside the toast's JS, \u-escaped)
            if "temporarily unavailable" in text or "временно недоступен" in text or _RU_UNAVAILABLE in text:
                return "temporarily unavailable (toast)"
            if "reload the page" in text:
                return "connection interrupted, reload (toast)"
            return "error toast: " + re.sub(r"\s+", " ", text)[:160]
    return ""


def _what(exc: BaseException) -> str:
    if isinstance(exc, ServerSaid):
        return str(exc)
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "no answer within 10 s"
    return type(exc).__name__


# ---------------------------------------------------------------- setup


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_database(url: str, users: int, orders: int, customers: int) -> list[tuple[str, int]]:
    """Seed, then give `users` volume customers a known password and one ticket each: (username, ticket id)."""
    from bench.__main__ import analyze
    from introserv_app.db.session import session_scope
    from introserv_app.domain.roles import Role
    from introserv_app.services.accounts import hash_password
    from introserv_app.services.common.viewer import Viewer
    from introserv_app.services.messaging import create_ticket
    from introserv_app.tools import seed

    engine = create_db_engine(url)
    seed.seed_demo(engine, seed=1)
    have = 0
    with engine.connect() as conn:
        have = conn.execute(sa.text("SELECT count(*) FROM orders")).scalar_one()
    if have < orders:
        started = time.perf_counter()
        seed.seed_volume(engine, customers=customers, orders=orders - have, seed=1)
        print(f"seeded {orders - have} orders in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with engine.begin() as conn:
        picked = conn.execute(
            # a fixed pseudo-random sample of the volume customers (the lowest ids hold the seed's biggest accounts)
            sa.text(
                "SELECT id, username FROM users WHERE role = 'customer' AND username LIKE 'cust%' "
                "ORDER BY md5(username) LIMIT :n"
            ),
            {"n": users},
        ).all()
        conn.execute(
            sa.text("UPDATE users SET password_hash = :h WHERE id = ANY(:ids)"),
            {"h": hash_password(PASSWORD), "ids": [r.id for r in picked]},
        )
    out: list[tuple[str, int]] = []
    with session_scope(engine) as session:
        for r in picked:
            viewer = Viewer(user_id=r.id, username=r.username, role=Role.CUSTOMER, session_id=0, language="en")
            tid = create_ticket(
                session=session,
                viewer=viewer,
                subject="Load test",
                category="technical",
                message="Opened by the load test.",
            )
            out.append((r.username, tid))
    analyze(engine)  # planner statistics: a server without autovacuum would plan every query blind
    engine.dispose()
    return out


def _orders_per_user(url: str, usernames: list[str]) -> dict[str, float]:
    """How many orders the simulated customers own (their grids' sizes): min, median, max."""
    engine = create_db_engine(url)
    with engine.connect() as conn:
        counts = [
            r[0]
            for r in conn.execute(
                sa.text(
                    "SELECT count(o.id) FROM users u LEFT JOIN orders o ON o.user_id = u.id "
                    "WHERE u.username = ANY(:names) GROUP BY u.id"
                ),
                {"names": usernames},
            )
        ]
    engine.dispose()
    return {"min": min(counts), "median": statistics.median(counts), "max": max(counts)}


def start_panel(db_url: str, redis_url: str, workers: int, log_path: Path) -> tuple[subprocess.Popen, str]:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    port = _free_port()
    base = f"http://localhost:{port}"
    env = {
        **os.environ,
        "INTROSERV_DB_URL": db_url,
        "INTROSERV_REDIS_URL": redis_url,
        "INTROSERV_PORT": str(port),
        "INTROSERV_BASE_URL": base,
        "INTROSERV_SECRET_KEY": os.environ.get("INTROSERV_SECRET_KEY") or uuid.uuid4().hex * 2,
        "INTROSERV_VIES": "format",
        "INTROSERV_LIFECYCLE_INTERVAL": "0",
        # the clients sign in from one address: the per-IP throttle must not count them as one attacker
        "INTROSERV_LOGIN_MAX_FAILURES_IP": "100000",
    }
    log = log_path.open("w")
    cmd = [sys.executable, "-m", "introserv_app", "serve-prod", "--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 900
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=3) as r:  # noqa: S310 - our own server
                if r.status == 200:
                    with urllib.request.urlopen(f"{base}/login", timeout=3):  # noqa: S310
                        return proc, base
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the panel did not start (see {log_path})")
        time.sleep(1)


def stop_panel(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


# ---------------------------------------------------------------- faults


def restart(kind: str, redis_url: str) -> tuple[float, float]:
    """Restart the service; returns (went down, back up) as monotonic times."""
    down = time.monotonic()
    if kind == "postgres":
        local_services.stop_postgres()
        time.sleep(5)
        local_services.start_postgres()
    else:
        local_services.restart_redis(redis_url, down_for=2)
    return down, time.monotonic()


# ---------------------------------------------------------------- the run


async def drive(base: str, users: list[tuple[str, int]], clients: int, seconds: float, think: float, fault: str,
                redis_url: str) -> tuple[Stats, dict[str, float]]:  # fmt: skip
    stats = Stats()
    rng = random.Random(clients)
    start = time.monotonic()
    # Customers arrive at ARRIVALS_PER_S (a login verifies an argon2 hash: ~0.1 s of a core each); the
    # measured window starts when the last of them is signed in and lasts `seconds`.
    ramp = clients / ARRIVALS_PER_S
    deadline = start + ramp + seconds
    fault_times: dict[str, float] = {}

    async def one(k: int) -> None:
        await asyncio.sleep(ramp * k / clients)
        username, tid = users[k % len(users)]
        await Client(base, username, tid, stats, random.Random(rng.random())).run(deadline, think)

    async def injector() -> None:
        await asyncio.sleep(ramp + seconds / 3)
        down, up = await asyncio.to_thread(restart, fault, redis_url)
        fault_times.update({"down": down, "up": up})

    tasks = [asyncio.create_task(one(k)) for k in range(clients)]
    if fault != "none":
        tasks.append(asyncio.create_task(injector()))
    await asyncio.gather(*tasks)
    logins = [t for t, _ in stats.samples.get("login", [])]
    fault_times["measure_from"] = max([start + ramp, *logins])
    fault_times["window"] = max(1.0, deadline - fault_times["measure_from"])
    return stats, fault_times


def _cpu_busy_s() -> float:
    """CPU seconds the whole machine has spent busy since boot (every core, every process: the panel's workers,
    PostgreSQL, Redis and this load generator)."""
    with open("/proc/stat", encoding="ascii") as fh:
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fh.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


async def cpu_per_action(base: str, users: list[tuple[str, int]], tabs: int, seconds: float) -> dict[str, Any]:
    """Machine CPU per action, closed loop: `tabs` signed-in customers send only no-ops for `seconds`, then only
    grid actions (the load's mix of them) for as long; the machine's busy CPU time over each phase divided by the
    actions answered in it. Errors are counted and their actions left out."""
    stats = Stats()
    rng = random.Random(17)
    clients = [Client(base, u, tid, stats, random.Random(rng.random())) for u, tid in users[:tabs]]
    for client in clients:
        await client.login()
    weights = dict(MIX)
    phases: dict[str, tuple[str, ...]] = {"noop": ("noop",), "grid": GRID_ACTIONS}
    result: dict[str, Any] = {"tabs": len(clients), "seconds": seconds}
    for phase, actions in phases.items():
        done = failed = 0

        async def loop(client: Client, actions: tuple[str, ...] = actions) -> None:
            nonlocal done, failed
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                try:
                    await client.act(client.rng.choices(actions, [weights[a] for a in actions])[0])
                    done += 1
                except Exception:  # noqa: BLE001 - counted
                    failed += 1
                    await client._retry_connection()

        busy, own = _cpu_busy_s(), time.process_time()
        await asyncio.gather(*(loop(c) for c in clients))
        busy, own = _cpu_busy_s() - busy, time.process_time() - own
        result[phase] = {
            "actions": done,
            "errors": failed,
            "per_s": round(done / seconds, 1),
            "cpu_ms_per_action": round(busy * 1000 / max(done, 1), 2),
            # of which this load generator (the simulated browsers: socket frames, JSON of the deltas)
            "generator_cpu_ms_per_action": round(own * 1000 / max(done, 1), 2),
        }
    result["grid_over_noop"] = round(result["grid"]["cpu_ms_per_action"] / result["noop"]["cpu_ms_per_action"], 1)
    for client in clients:
        if client.sio is not None:
            await client.sio.disconnect()
    return result


def summarize(stats: Stats, clients: int, seconds: float, times: dict[str, float]) -> dict[str, Any]:
    since, window = times["measure_from"], times["window"]
    actions = []
    for name in ("login", *LOGIN_PARTS, *GRID_ACTIONS, "reply", "noop"):
        values = [ms for t, ms in stats.samples.get(name, []) if name.startswith("login") or t >= since]
        if not values:
            continue
        actions.append(
            {
                "name": name,
                "count": len(values),
                "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(_pct(values, 0.95), 1),
                "p99_ms": round(_pct(values, 0.99), 1),
                "per_s": round(len(values) / window, 2) if not name.startswith("login") else None,
            }
        )
    grid = [ms for name in GRID_ACTIONS for t, ms in stats.samples.get(name, []) if t >= since]
    noop = [ms for t, ms in stats.samples.get("noop", []) if t >= since]
    kinds: dict[str, int] = {}
    for _, action, what in stats.errors:
        kinds[f"{action}: {what}"] = kinds.get(f"{action}: {what}", 0) + 1
    return {
        "scenario": "load",
        "clients": clients,
        "seconds": seconds,
        "measured_s": round(window, 1),
        "errors": len(stats.errors),
        "error_kinds": kinds,
        "reconnects": stats.reconnects,
        "grid_p95_ms": round(_pct(grid, 0.95), 1),
        "grid_per_s": round(len(grid) / window, 2),
        "noop_p50_ms": round(statistics.median(noop), 1) if noop else None,
        "noop_p95_ms": round(_pct(noop, 0.95), 1),
        "actions": actions,
    }


def fault_report(stats: Stats, times: dict[str, float], db_url: str) -> dict[str, Any]:
    up = times["up"]
    after = sorted(t for name in GRID_ACTIONS for t, _ in stats.samples.get(name, []) if t >= up)
    during = [e for e in stats.errors if times["down"] - 1 <= e[0] <= up + 60]
    texts: dict[str, int] = {}
    for _, action, what in during:
        texts[f"{action}: {what}"] = texts.get(f"{action}: {what}", 0) + 1
    engine = create_db_engine(db_url)
    with engine.connect() as conn:
        stored = {
            (r.ticket_id, r.body)
            for r in conn.execute(sa.text("SELECT ticket_id, body FROM ticket_messages WHERE body LIKE 'load %'"))
        }
    engine.dispose()
    lost = [w for w in stats.acked_replies if w not in stored]
    arrived_anyway = [w for w in stats.failed_replies if w in stored]
    return {
        "outage_s": round(up - times["down"], 1),
        "errors_during_fault": len(during),
        "error_kinds": texts,
        "recovered_after_s": round(after[0] - up, 1) if after else None,
        "acked_writes": len(stats.acked_replies),
        "lost_writes": len(lost),
        "failed_writes": len(stats.failed_replies),
        "failed_writes_that_arrived": len(arrived_anyway),
    }


def scenario_load(args: argparse.Namespace) -> dict[str, object]:
    from bench.__main__ import empty_database

    counts = [int(c) for c in str(args.clients).split(",") if c.strip()]
    log_dir = ROOT / "test-artifacts"
    log_dir.mkdir(exist_ok=True)
    with empty_database(args.db_url, keep=args.keep_db) as url:
        users = prepare_database(url, max(counts), args.orders, args.customers)
        sizes = _orders_per_user(url, [u for u, _ in users])
        proc, base = start_panel(url, args.redis_url, args.workers, log_dir / f"bench-load-server-{args.fault}.log")
        result: dict[str, object] = {}
        try:
            for n in counts:
                stats, times = asyncio.run(drive(base, users, n, args.seconds, args.think, args.fault, args.redis_url))
                result = summarize(stats, n, args.seconds, times)
                result.update({"workers": args.workers, "orders": args.orders, "think_s": args.think})
                result["orders_per_client"] = sizes
                if args.fault != "none":
                    result["fault"] = {"kind": args.fault, **fault_report(stats, times, url)}
                if n != counts[-1]:
                    print(json.dumps(result))
                print(_table(result), file=sys.stderr)
            if args.cpu_seconds > 0:
                result["cpu"] = asyncio.run(cpu_per_action(base, users, args.cpu_tabs, args.cpu_seconds))
                print(f"machine CPU per action: {json.dumps(result['cpu'])}", file=sys.stderr)
        finally:
            stop_panel(proc)
    return result


def _table(result: dict[str, Any]) -> str:
    lines = [f"clients={result['clients']} errors={result['errors']} noop_p95={result['noop_p95_ms']} ms"]
    for a in result["actions"]:
        lines.append(
            f"  {a['name']:<11} n={a['count']:>6} p50={a['p50_ms']:>8} p95={a['p95_ms']:>8} "
            f"p99={a['p99_ms']:>8} per_s={a['per_s']}"
        )
    return "\n".join(lines)


def add_parser(sub: Any) -> None:
    p = sub.add_parser("load", help="N simulated customers over the websocket against the production mode")
    p.add_argument("--clients", default="25", help="simulated customers; a list (25,50,100,200) runs a curve")
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument(
        "--think",
        type=float,
        default=5.0,
        help="mean think time between a customer's actions, seconds (uniform between half and 1.5 times it); "
        "5 s is a customer reading a page, 1 s a stress test (each customer clicks every second)",
    )
    p.add_argument("--orders", type=int, default=1_000_000)
    p.add_argument("--customers", type=int, default=20_000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--fault", choices=("none", "postgres", "redis"), default="none")
    p.add_argument(
        "--db-url", default="postgresql://postgres@127.0.0.1:5432/test", help="PostgreSQL server (a new database)"
    )
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    p.add_argument(
        "--cpu-seconds",
        type=float,
        default=20.0,
        help="after the runs: seconds of only no-ops, then of only grid actions, to report machine CPU per action "
        "(0: skip)",
    )
    p.add_argument("--cpu-tabs", type=int, default=16, help="signed-in customers in that closed loop")
    p.add_argument("--keep-db", metavar="NAME", help="use (and keep) this database on --db-url's server: seed once")
