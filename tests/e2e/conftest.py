"""Browser tests: the production build in Debian's Chromium, in two modes, each test once per mode.

- `embedded`: `reflex run --env prod --single-port`, one process, a fresh SQLite database (absolute path).
- `scaleout`: `python -m introserv_app serve-prod --workers 2`, the documented production mode: a fresh
  PostgreSQL database on INTROSERV_TEST_PG_URL's server, Reflex's state in Redis (INTROSERV_TEST_REDIS_URL,
  default redis://127.0.0.1:6379/9, flushed first), two backend workers on one port.

Each server is migrated and seeded with the demo data and runs once per mode; its log is kept in
test-artifacts/e2e-server-<mode>.log.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from introserv_app.__main__ import reflex_env as app_reflex_env
from tests.support.browser import SCALEOUT_SECRET_KEY
from tests.support.databases import REDIS_URL, new_pg_database

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BUILD_TIMEOUT = 900
# A server round trip that hashes a password (argon2) can take seconds on a busy 2-core CI machine;
# 5 s (Playwright's default for expect) failed once there while the same test passed alone.
expect.set_options(timeout=15_000)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as r:  # noqa: S310 - our own local server
            return r.status == 200
    except OSError:
        return False


def reflex_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment `make` gives Reflex (offline bun, no telemetry), plus the test's settings."""
    return {**app_reflex_env(), **extra}


MODES = ["embedded", "scaleout"]
SCALEOUT_WORKERS = 2


@pytest.fixture(scope="session", params=MODES)
def e2e_mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def e2e_db_url(e2e_mode: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The browser tests' database (tests read it to know what the page must show)."""
    if e2e_mode == "embedded":
        yield f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.db'}"
    else:
        yield from new_pg_database()


def _flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is required for the scale-out browser tests ({url}): {exc}", pytrace=False)
    finally:
        client.close()


@pytest.fixture(scope="session")
def server(e2e_mode: str, e2e_db_url: str) -> Iterator[str]:
    """Base URL of a running production build with the demo data."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is required for the browser tests (make test installs it)", pytrace=False)
    if shutil.which("bun", path=str(ROOT / ".tools" / "bin")) is None:
        pytest.fail("bun is missing: run `make bun`", pytrace=False)
    port = _free_port()
    base = f"http://localhost:{port}"
    env = reflex_env(
        {
            "INTROSERV_DB_URL": e2e_db_url,
            "INTROSERV_PORT": str(port),
            "INTROSERV_BASE_URL": base,
            "INTROSERV_DEMO_MODE": "1",
            "INTROSERV_VIES": "format",  # tests never reach the internet
            "INTROSERV_LIFECYCLE_INTERVAL": "0",  # the tests run the job themselves, at moments they choose
            # Every browser test signs in from 127.0.0.1, like a whole office behind one NAT address: the
            # per-address throttle would slow down later tests' first sign-ins (the per-account one stays).
            "INTROSERV_LOGIN_MAX_FAILURES_IP": "1000",
            # Production mode requires staff to have a second factor; the demo staff have none. The rule itself
            # is tested in tests/integration/test_two_factor.py (the staff console's on_load).
            "INTROSERV_STAFF_2FA": "optional",
            # "Didn't get it?" opens 3 s after a phone code instead of 60 (tests/e2e/test_phone_backup.py).
            "INTROSERV_PHONE_RESEND_SECONDS": "3",
        }
    )
    if e2e_mode == "scaleout":
        _flush_redis(REDIS_URL)
        env.update({"INTROSERV_REDIS_URL": REDIS_URL, "INTROSERV_SECRET_KEY": SCALEOUT_SECRET_KEY})
        command = [sys.executable, "-m", "introserv_app", "serve-prod", "--workers", str(SCALEOUT_WORKERS)]
    else:
        env.pop("INTROSERV_REDIS_URL", None)
        command = [str(ROOT / ".venv" / "bin" / "reflex"), "run", "--env", "prod", "--single-port"]
    for cmd in (["migrate"], ["seed", "--demo"]):
        subprocess.run(
            [sys.executable, "-m", "introserv_app", *cmd], cwd=ROOT, env=env, check=True, capture_output=True
        )
    logs = ROOT / "test-artifacts"
    logs.mkdir(exist_ok=True)
    log_path = logs / f"e2e-server-{e2e_mode}.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + BUILD_TIMEOUT
        while not (_answers(f"{base}/healthz") and _answers(f"{base}/login")):
            if proc.poll() is not None:
                pytest.fail(f"the panel exited early (see {log_path})", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail("the panel did not answer in time", pytrace=False)
            time.sleep(1)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


#: The browser tests that also run against the production mode (PostgreSQL + Redis + two workers): what depends on
#: where the state lives and which worker answers — the scale-out faults and cross-worker tests (PostgreSQL and
#: Redis restarts, origin checks), sessions and tab security. Every other browser test runs on the embedded
#: default only (the same build of the pages and the same services); running all of them twice took make test
#: past 30 minutes on this 2-core machine. The integration tests run every service on PostgreSQL too.
SCALEOUT_MODULES = frozenset({"test_scaleout", "test_security"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        mode = callspec.params.get("e2e_mode") if callspec is not None else None
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module is not None else ""
        (dropped if mode == "scaleout" and module not in SCALEOUT_MODULES else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
