"""One process at a time for a job: a PostgreSQL advisory lock, or a lease row on SQLite.

PostgreSQL releases an advisory lock when its connection ends, so a killed worker never blocks the
next one. On SQLite the lease row names its holder (host and process id): a lease whose process is
gone on this host, or that expired, is taken over.
"""

from __future__ import annotations

import os
import socket
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from introserv_app.db.tables import JobLock
from introserv_app.db.types import utcnow

LEASE = timedelta(minutes=15)


def _holder() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _dead(holder: str) -> bool:
    """True when the holder is a process of this host that no longer runs."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname()[:30] or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass
class Lock:
    name: str
    acquired: bool
    holder: str = ""
    _engine: Engine | None = field(default=None, repr=False)

    def extend(self) -> None:
        """Renew the SQLite lease (between the steps of a long run); a no-op on PostgreSQL."""
        if self.acquired and self._engine is not None:
            with self._engine.begin() as conn:
                conn.execute(
                    sa.update(JobLock)
                    .where(JobLock.name == self.name, JobLock.holder == self.holder)  # type: ignore[arg-type]
                    .values(expires_at=utcnow() + LEASE)
                )


def _sqlite_acquire(engine: Engine, name: str, holder: str, now: datetime) -> bool:
    with engine.begin() as conn:
        conn.execute(sa.insert(JobLock).prefix_with("OR IGNORE").values(name=name, holder="", expires_at=now - LEASE))
        current = conn.execute(sa.select(JobLock.holder, JobLock.expires_at).where(JobLock.name == name)).one()  # type: ignore[call-overload]
        if current.expires_at > now and current.holder and not _dead(current.holder):
            return False
        done = conn.execute(
            sa.update(JobLock)
            .where(JobLock.name == name, JobLock.holder == current.holder)  # type: ignore[arg-type]
            .values(holder=holder, expires_at=now + LEASE)
        )
        return bool(done.rowcount == 1)  # type: ignore[attr-defined]


@contextmanager
def job_lock(engine: Engine, name: str) -> Iterator[Lock]:
    """Hold the job's lock for the `with` block, or yield `acquired=False` when another process has it."""
    if engine.dialect.name == "postgresql":
        key = zlib.crc32(f"introserv:{name}".encode())
        conn: Connection = engine.connect()
        got = False
        try:
            got = bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
            conn.commit()
            yield Lock(name, got)
        finally:
            if got:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
            conn.close()
        return
    holder = _holder()
    got = _sqlite_acquire(engine, name, holder, utcnow())
    try:
        yield Lock(name, got, holder, engine)
    finally:
        if got:
            with engine.begin() as conn2:
                conn2.execute(
                    sa.delete(JobLock).where(JobLock.name == name, JobLock.holder == holder)  # type: ignore[arg-type]
                )
