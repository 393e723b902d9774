"""HTTP routes (session cookie) and the command line, on both databases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from introserv_app.db.session import session_scope
from introserv_app.services.accounts import authenticate

ROOT = Path(__file__).resolve().parents[2]


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def cli(*args: str, db_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introserv_app", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "INTROSERV_DB_URL": db_url, **env},
        timeout=300,
    )


def test_cli_migrate_create_staff_user_and_seed(engine: Engine, db_url: str) -> None:
    assert cli("migrate", db_url=db_url).returncode == 0
    made = cli(
        "create-user",
        "--username",
        "Helpdesk1",
        "--role",
        "support",
        "--email",
        "h@example.com",
        db_url=db_url,
        INTROSERV_NEW_PASSWORD="a-long-enough-password",
    )
    assert made.returncode == 0, made.stderr
    assert "created support user 'helpdesk1'" in made.stdout
    with session_scope(engine) as session:
        outcome = authenticate(session=session, username="helpdesk1", password="a-long-enough-password", ip="")
    assert outcome.ok
    short = cli("create-user", "--username", "x2", db_url=db_url, INTROSERV_NEW_PASSWORD="short")
    assert short.returncode == 1 and short.stderr.strip() == "error: Password: between 12 and 128 characters."
    seeded = cli("seed", "--customers", "5", "--orders", "50", "--seed", "3", db_url=db_url)
    assert seeded.returncode == 0 and "50 orders" in seeded.stdout


@pytest.mark.parametrize("bad_url", ["not a url", "mysql://root@localhost/x", "postgresql://nobody@127.0.0.1:1/x"])
def test_a_bad_database_url_stops_with_one_clear_line(bad_url: str) -> None:
    result = cli("migrate", db_url=bad_url)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "INTROSERV_DB_URL" in lines[0]
