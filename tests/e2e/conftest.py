"""Browser tests: the production build (`reflex run --env prod --single-port`) in Debian's Chromium.

The server runs once per test session on its own port with a fresh SQLite database (absolute
path), migrated and seeded with the demo data. Its log is kept in test-artifacts/e2e-server.log.
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
    tools = ROOT / ".tools"
    env = {**os.environ}
    env.update(
        {
            "PATH": f"{tools / 'bin'}:{ROOT / '.venv' / 'bin'}:{env.get('PATH', '')}",
            "REFLEX_USE_SYSTEM_BUN": "1",
            "REFLEX_DIR": str(tools / "reflex"),
            "BUN_INSTALL_CACHE_DIR": str(tools / "bun-cache"),
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "false",
        }
    )
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def e2e_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The browser tests' database (tests read it to know what the page must show)."""
    return f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.db'}"


@pytest.fixture(scope="session")
def server(e2e_db_url: str) -> Iterator[str]:
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
        }
    )
    for cmd in (["migrate"], ["seed", "--demo"]):
        subprocess.run(
            [sys.executable, "-m", "introserv_app", *cmd], cwd=ROOT, env=env, check=True, capture_output=True
        )
    logs = ROOT / "test-artifacts"
    logs.mkdir(exist_ok=True)
    log = (logs / "e2e-server.log").open("w")
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "reflex"), "run", "--env", "prod", "--single-port"],
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
                pytest.fail(f"the panel exited early (see {logs / 'e2e-server.log'})", pytrace=False)
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
