"""CSV export on SQLite and PostgreSQL: exactly the grid's rows, safe cells, the route and the CLI."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from introserv_app.db.session import session_scope
from introserv_app.db.tables import Order
from introserv_app.domain.csvcells import neutralize_formulas
from introserv_app.domain.grid import GridQuery, OrderFilters, parse_grid_query
from introserv_app.domain.statuses import OrderStatus
from introserv_app.services.accounts import SESSION_COOKIE, authenticate
from introserv_app.services.orders import export_count, iter_orders_csv, orders_page, set_comment
from introserv_app.services.orders._readers import export as export_module
from introserv_app.services.orders._readers.export import CUSTOMER_COLUMNS, STAFF_COLUMNS
from introserv_app.tools import seed
from tests.support.builders import exchange, viewer
from tests.support.csv_reference import orders_csv

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture
def data(engine: Engine) -> Engine:
    seed.ensure_demo_accounts(engine)
    seed.seed_volume(engine, customers=0, orders=120, seed=21, now=NOW, owner_username="demo")
    seed.seed_volume(engine, customers=6, orders=300, seed=22, now=NOW)
    return engine


def export(engine: Engine, username: str, query: GridQuery, chunk_rows: int = 7) -> list[dict[str, str]]:
    who = viewer(engine, username)
    with session_scope(engine) as session:
        text = "".join(iter_orders_csv(session=session, viewer=who, query=query, chunk_rows=chunk_rows))
    return list(csv.DictReader(io.StringIO(text)))


def grid_ids(engine: Engine, username: str, query: GridQuery) -> list[int]:
    who = viewer(engine, username)
    ids: list[int] = []
    page = 1
    while True:
        with session_scope(engine) as session:
            result = orders_page(session=session, viewer=who, query=GridQuery(**{**query.__dict__, "page": page}))
        ids += [r.id for r in result.rows]
        if page >= result.pages:
            return ids
        page += 1


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "processed,suspended_nonpayment", "sort": "paid_until", "dir": "asc"},
        {"q": "vps", "sort": "price"},
        {"created_from": "2025-01-01", "sort": "service_name", "dir": "desc"},
    ],
)
def test_the_export_has_exactly_the_grid_rows_in_the_grid_order(data: Engine, params: dict[str, str]) -> None:
    query = parse_grid_query({**params, "size": "25"})[0]
    rows = export(data, "demo", query)
    assert [int(r["id"]) for r in rows] == grid_ids(data, "demo", query)
    assert rows, "the scenario should select something"


def test_values_are_iso_dates_decimal_points_and_currency_codes(data: Engine) -> None:
    rows = export(data, "demo", GridQuery())
    with data.connect() as conn:
        db = {
            r.id: r
            for r in conn.execute(sa.text("SELECT id, price_minor, currency, paid_until, service_name FROM orders"))
        }
    for row in rows:
        ref = db[int(row["id"])]
        assert row["price"] == f"{ref.price_minor // 100}.{ref.price_minor % 100:02d}"
        assert row["currency"] == ref.currency == "EUR"
        assert row["service_name"] == ref.service_name
        assert len(row["created_at"]) == 20 and row["created_at"][10] == "T" and row["created_at"].endswith("Z")
        assert row["paid_until"] == ("" if ref.paid_until is None else str(ref.paid_until)[:10])
    assert "customer" not in rows[0]


def test_staff_export_has_every_customer_and_the_customer_column(data: Engine) -> None:
    rows = export(data, "support", GridQuery(filters=OrderFilters(statuses=(OrderStatus.PROCESSED,))), chunk_rows=50)
    with data.connect() as conn:
        expected = conn.execute(sa.text("SELECT count(*) FROM orders WHERE status = 'processed'")).scalar_one()
    assert len(rows) == expected and len({r["customer"] for r in rows}) > 2


def test_formulas_are_neutralised_but_text_is_kept(data: Engine) -> None:
    demo = viewer(data, "demo")
    with session_scope(data) as session:
        oid = session.execute(sa.select(Order.id).where(Order.user_id == demo.user_id).limit(1)).scalar_one()  # type: ignore[arg-type]
        set_comment(session=session, viewer=demo, order_id=oid, comment='=HYPERLINK("http://x","y"), "quoted"')
    rows = export(data, "demo", GridQuery(filters=OrderFilters(ids=(oid,))))
    assert rows[0]["comment"] == '\'=HYPERLINK("http://x","y"), "quoted"'
    cells = ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "plain", "a=b", "", "5-3"]
    assert neutralize_formulas(cells) == [
        "'=1+1",
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "plain",
        "a=b",
        "",
        "5-3",
    ]


#: Cells that need every rule: formulas, quotes, separators, line breaks inside a cell, empty text, other scripts.
NASTY = [
    "=SUM(A1)", "+1", "-2", "@x", "\tx", "\rx", "a,b", 'say "hi"', "line1\nline2", "line1\r\nline2", "", None,
    "ünïcödé ✓ 中文", "\\.", " lead", "'quoted", "x\n=y", '"', ",", "\n", "-", "=", 'a"b,c\nd',
]  # fmt: skip


def _make_nasty(engine: Engine) -> None:
    with engine.begin() as conn:
        ids = [r[0] for r in conn.execute(sa.text("SELECT id FROM orders ORDER BY id LIMIT 60"))]
        for i, oid in enumerate(ids):
            conn.execute(
                sa.text(
                    "UPDATE orders SET comment = :c, service_name = :n, main_ip = :ip, price_minor = :p WHERE id = :id"
                ),
                {
                    "c": NASTY[i % len(NASTY)] or "",  # NOT NULL
                    "n": f"{NASTY[(i + 5) % len(NASTY)] or ''}#{i}",  # service names are unique
                    "ip": None if i % 4 == 0 else NASTY[(i + 9) % len(NASTY)],
                    "p": [-250, -1, 0, 5, 99, 100, 123456789][i % 7],
                    "id": oid,
                },
            )
        conn.execute(sa.text("UPDATE orders SET paid_until = NULL WHERE id IN (:a, :b)"), {"a": ids[1], "b": ids[2]})
        tariff = conn.execute(sa.text("SELECT min(id) FROM tariff_plans")).scalar_one()
        conn.execute(
            sa.text("UPDATE tariff_plans SET name = :n WHERE id = :t"),
            {"n": '=Evil, "tariff" it\'s ? :x %s', "t": tariff},
        )
        first = conn.execute(sa.text("SELECT min(id) FROM users WHERE username LIKE 'cust%'")).scalar_one()
        conn.execute(sa.text("UPDATE users SET username = '-dash,user' WHERE id = :u"), {"u": first})


def _reference(engine: Engine, ids: list[int], staff: bool) -> str:
    """The export as the Python rules write it (`tests/support/csv_reference.py`), rows in the grid's order."""
    with engine.connect() as conn:
        rows = {
            r[0]: tuple(r)
            for r in conn.execute(
                sa.text(
                    "SELECT o.id, o.created_at, o.service_name, t.name, o.main_ip, o.paid_until, o.status, "
                    "o.price_minor, o.currency, o.comment, u.username FROM orders o "
                    "JOIN tariff_plans t ON t.id = o.tariff_id JOIN users u ON u.id = o.user_id"
                )
            )
        }
    header = ",".join(STAFF_COLUMNS if staff else CUSTOMER_COLUMNS) + "\r\n"
    return header + orders_csv([rows[i] if staff else rows[i][:-1] for i in ids], staff)


@pytest.mark.parametrize(
    ("username", "params"),
    [
        ("support", {}),
        ("support", {"sort": "tariff", "dir": "desc", "status": "processed,cancelled"}),
        ("support", {"sort": "customer", "q": "vps"}),
        ("support", {"sort": "comment", "dir": "asc"}),
        ("demo", {"sort": "paid_until"}),
        ("demo", {"sort": "price", "dir": "desc", "created_from": "2025-01-01"}),
    ],
)
def test_the_database_writes_byte_for_byte_what_the_python_rules_write(
    data: Engine, username: str, params: dict[str, str]
) -> None:
    _make_nasty(data)
    who = viewer(data, username)
    query = parse_grid_query(params)[0]
    done: list[int] = []
    with session_scope(data) as session:
        text = "".join(iter_orders_csv(session=session, viewer=who, query=query, chunk_rows=7, progress=done.append))
    ids = grid_ids(data, username, GridQuery(**{**query.__dict__, "page_size": 100}))
    assert text == _reference(data, ids, who.is_staff)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) - 1 == done[-1] and done == sorted(done) and len(done) > 1
    assert any("\n" in cell for row in rows for cell in row) or username == "demo"


@pytest.mark.parametrize(
    ("username", "params"),
    [
        ("support", {}),
        ("support", {"sort": "main_ip", "dir": "asc"}),
        ("support", {"sort": "paid_until", "dir": "desc", "status": "processed,cancelled,suspended_nonpayment"}),
        ("support", {"sort": "customer", "dir": "desc"}),
        ("support", {"sort": "status"}),
        ("demo", {"sort": "tariff", "dir": "asc"}),
    ],
)
def test_two_halves_at_once_write_exactly_what_one_statement_writes(
    data: Engine, username: str, params: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _make_nasty(data)
    who = viewer(data, username)
    query = parse_grid_query(params)[0]
    with session_scope(data) as session:
        whole = "".join(iter_orders_csv(session=session, viewer=who, query=query, chunk_rows=11))
        count = export_count(session=session, viewer=who, query=query)
    monkeypatch.setattr(export_module, "SPLIT_MIN_ROWS", 1)
    # the middle row anywhere: early, halfway, among the last rows (where a nullable column's NULLs are), past the end
    for expected in (4, count, 2 * count - 6, 3 * count):
        done: list[int] = []
        with session_scope(data) as session:
            chunks = iter_orders_csv(
                session=session, viewer=who, query=query, chunk_rows=11, progress=done.append, expected_rows=expected
            )
            text = "".join(chunks)
        assert text == whole, (expected, count)
        assert done[-1] == count and done == sorted(done)


@pytest.fixture
def client(data: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from introserv_app.web import routes

    monkeypatch.setattr(routes, "session_scope", lambda: session_scope(data))
    with TestClient(routes.build_api(), base_url="http://localhost:3000") as c:
        yield c


def _cookie(engine: Engine, username: str, password: str) -> str:
    with session_scope(engine) as session:
        outcome = authenticate(session=session, username=username, password=password, ip="127.0.0.1")
    with session_scope(engine) as session:
        token = exchange(session, outcome)
    assert token
    return token


def test_the_route_needs_a_session_and_keeps_the_customer_scope(data: Engine, client: TestClient) -> None:
    assert client.get("/export/orders.csv").status_code == 401
    client.cookies.set(SESSION_COOKIE, "forged-token")
    assert client.get("/export/orders.csv").status_code == 401
    client.cookies.set(SESSION_COOKIE, _cookie(data, "demo", "demo-customer-2026"))
    # a forged customer filter changes nothing for a customer
    response = client.get("/export/orders.csv", params={"customer": "cust", "status": "processed"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    demo = viewer(data, "demo")
    with data.connect() as conn:
        own = {
            r[0]
            for r in conn.execute(
                sa.text("SELECT id FROM orders WHERE user_id = :u AND status = 'processed'"), {"u": demo.user_id}
            )
        }
    assert {int(r["id"]) for r in rows} == own and int(response.headers["x-total-rows"]) == len(own)
    # bad input in the URL: dropped, never a crash
    junk = client.get("/export/orders.csv", params={"created_from": "2025-13-45", "sort": "1;DROP", "q": "x" * 5000})
    assert junk.status_code == 200
    with data.connect() as conn:
        audited = conn.execute(sa.text("SELECT count(*) FROM audit_events WHERE action = 'orders.export'")).scalar()
    assert audited == 2


def cli(*args: str, db_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "introserv_app", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "INTROSERV_DB_URL": db_url},
        timeout=300,
    )


def test_cli_export_orders(data: Engine, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "demo.csv"
    done = cli("export-orders", "--customer", "demo", "--status", "processed", "--out", str(out), db_url=db_url)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    query = GridQuery(filters=OrderFilters(statuses=(OrderStatus.PROCESSED,)))
    assert [int(r["id"]) for r in rows] == grid_ids(data, "demo", query)
    everyone = cli("export-orders", "--all", "--out", "-", db_url=db_url)
    assert everyone.returncode == 0 and len(everyone.stdout.splitlines()) == 420 + 1
    assert cli("export-orders", "--customer", "nobody", "--out", "-", db_url=db_url).stderr.strip() == (
        "error: No customer named nobody."
    )
    assert cli("export-orders", "--all", "--status", "bogus", "--out", "-", db_url=db_url).returncode == 1
