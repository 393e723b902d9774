"""Stopping and starting this machine's PostgreSQL and Redis for real, for the fault runs of
`python -m bench load --fault ...` and tests/e2e/test_scaleout.py.

PostgreSQL: the Debian cluster (`pg_ctlcluster <version> main stop -m fast | start`). Redis: `SHUTDOWN
NOSAVE`, then the start command of the design guide (Redis keeps nothing on disk here).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import redis

REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
    "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip


class LocalServiceError(RuntimeError):
    pass


def _pg_cluster() -> list[str]:
    if shutil.which("pg_ctlcluster") is None:
        raise LocalServiceError("restarting the local PostgreSQL needs pg_ctlcluster, which is missing")
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def stop_postgres() -> None:
    subprocess.run([*_pg_cluster(), "stop", "-m", "fast"], check=True, capture_output=True, timeout=60)


def start_postgres() -> None:
    subprocess.run([*_pg_cluster(), "start"], check=True, capture_output=True, timeout=60)


def restart_redis(url: str, down_for: float = 0.0, timeout: float = 20.0) -> None:
    """Shut Redis down (nothing saved), wait until it is gone and `down_for` more seconds, start it again."""
    client = redis.Redis.from_url(url)
    try:
        client.shutdown(nosave=True)
    except redis.ConnectionError:
        pass  # it went down while answering: expected
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            client.ping()
        except redis.ConnectionError:
            break
        time.sleep(0.1)
    time.sleep(down_for)
    subprocess.run(REDIS_START, check=True, capture_output=True, timeout=60)
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline + down_for:
                raise
            time.sleep(0.1)
