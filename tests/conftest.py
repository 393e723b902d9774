"""Shared fixtures: migrated databases on SQLite and PostgreSQL.

PostgreSQL comes from INTROSERV_TEST_PG_URL (default: the local server's `test` database). A fresh
database is created for the run; when the server cannot be reached the tests FAIL (CI must not
silently skip the PostgreSQL half).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from introserv_app.db.session import create_db_engine
from introserv_app.db.tables import ALL_TABLES, VatRate, table_of
from introserv_app.db.vat_tables import builtin_vat_rows
from introserv_app.tools.migrations import upgrade_head
from tests.support.databases import new_pg_database


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database of each backend, migrated to head once per test session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        upgrade_head(url)
        yield url
        return
    gen = new_pg_database()
    url = next(gen)
    upgrade_head(url)
    yield url
    gen.close()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """The migrated database, emptied before each test but for what the migrations put there: the built-in VAT
    history (a test that records a rate change leaves nothing behind for the next)."""
    eng = create_db_engine(db_url)
    with eng.begin() as conn:
        for table in reversed(ALL_TABLES.sorted_tables):
            conn.execute(table.delete())
        conn.execute(table_of(VatRate).insert(), builtin_vat_rows())
    yield eng
    eng.dispose()


BACKEND_ID = re.compile(r"[\[-](postgresql|sqlite)[\]-]")


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    """Say how many tests ran on each database and in the browser (CI must show both)."""
    groups: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") != "call" and outcome == "passed":
                continue
            nodeid = report.nodeid
            if "/e2e/" in nodeid:
                group = "browser (Chromium, production build)"
            elif BACKEND_ID.search(nodeid) and BACKEND_ID.search(nodeid).group(1) == "postgresql":  # type: ignore[union-attr]
                group = "PostgreSQL"
            elif BACKEND_ID.search(nodeid):
                group = "SQLite"
            else:
                group = "no database"
            groups.setdefault(group, {}).setdefault(outcome, 0)
            groups[group][outcome] += 1
    terminalreporter.section("tests by backend")
    for group, counts in sorted(groups.items()):
        terminalreporter.write_line(f"{group}: " + ", ".join(f"{n} {o}" for o, n in sorted(counts.items())))
