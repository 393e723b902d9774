"""Engine and session factory for the configured database (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import Session

from introserv_app.config import ConfigError, get_settings


def normalize_db_url(url: str) -> str:
    """Check the URL and pick our drivers (psycopg 3 for PostgreSQL). Raise ConfigError when unusable."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(
            f"INTROSERV_DB_URL is not a database URL ({url[:80]!r}); "
            "use e.g. sqlite:////abs/path/introserv.db or postgresql://user@host:5432/dbname"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise ConfigError(f"INTROSERV_DB_URL uses {backend!r}; supported are sqlite and postgresql")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    # Reads through the OS page cache (shared by every connection) instead of a small private cache: the
    # lifecycle job and staff views touch pages all over a database of a million orders.
    cur.execute("PRAGMA mmap_size=1073741824")
    cur.execute("PRAGMA cache_size=-32768")
    cur.close()


def create_db_engine(url: str) -> Engine:
    """A new engine for `url` with our per-backend settings."""
    url = normalize_db_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = sa.create_engine(url, pool_size=5, max_overflow=10)
        _ping_after_idle(engine)
    return engine


#: A pooled PostgreSQL connection idle for longer than this is checked with a round trip before use (a restarted
#: server leaves the pool's connections dead). One in constant use is not: under load the check was a round trip
#: on every checkout, about a tenth of a page load's time. A connection that breaks within the window fails its
#: statement, and SQLAlchemy then discards every connection of the pool (a disconnect invalidates the pool).
PING_AFTER_IDLE = 2.0


def _ping_after_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) <= PING_AFTER_IDLE:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # any failure: a fresh connection (the pool retries the checkout)
            raise sa.exc.DisconnectionError("the database connection did not answer") from exc


@lru_cache(maxsize=4)
def _engine_for(url: str) -> Engine:
    return create_db_engine(url)


def get_engine() -> Engine:
    """The process-wide engine for INTROSERV_DB_URL."""
    return _engine_for(get_settings().db_url)


#: The unit of work of the running page load, when one is open (`page_load_session`).
_SHARED: ContextVar[Session | None] = ContextVar("introserv_shared_session", default=None)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error.

    Inside `page_load_session` (and without an explicit engine) it is that shared session: the outer
    scope commits. An error inside rolls the shared transaction back at once, so a caught error never
    leaves half a unit of work to be committed later."""
    shared = _SHARED.get() if engine is None else None
    if shared is not None:
        try:
            yield shared
        except BaseException:
            shared.rollback()
            raise
        return
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def page_load_session() -> Iterator[Session]:
    """One session (one pooled connection, one transaction) for every `session_scope()` of a page load.

    A page load asks several services in a row (the viewer, the top bar's balance, the page's data, the
    banners); each of them opening its own session cost a pool checkout with a liveness ping, a BEGIN and
    a COMMIT apiece. Work that must survive a rollback passes its engine explicitly and stays apart.
    Only reads belong inside: the transaction stays open while the handler awaits (another event of the
    same worker must never wait for a row lock it holds)."""
    if _SHARED.get() is not None:
        with session_scope() as session:
            yield session
        return
    with session_scope() as session:
        token = _SHARED.set(session)
        try:
            yield session
        finally:
            _SHARED.reset(token)


def check_connection(url: str) -> None:
    """Connect once; raise ConfigError with one line that says what to fix."""
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"cannot connect to the database in INTROSERV_DB_URL: {first}") from exc
    finally:
        engine.dispose()
