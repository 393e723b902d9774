"""Databases for the tests: a fresh PostgreSQL database on INTROSERV_TEST_PG_URL's server (dropped afterwards), and
the Redis database of the scale-out browser run."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from introserv_app.db.session import create_db_engine

#: The Redis database of the scale-out browser run (flushed first).
REDIS_URL = os.environ.get("INTROSERV_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
PG_ADMIN_URL = os.environ.get("INTROSERV_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def new_pg_database() -> Iterator[str]:
    admin = create_db_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    name = f"introserv_t_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"PostgreSQL is required for the integration tests ({PG_ADMIN_URL}): {exc}", pytrace=False)
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
