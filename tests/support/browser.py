"""The browser tests' helpers: the demo accounts, signing in, the orders page, SQL on the test server's database,
picking demo orders and making invoices for them."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from playwright.sync_api import Page, expect

from introserv_app.db.session import create_db_engine, session_scope
from introserv_app.domain.money import Money
from introserv_app.domain.vat import decide
from introserv_app.services.billing import Line, issue_invoice, rate_table
from introserv_app.tools.seed import DEMO_ACCOUNTS

ROOT = Path(__file__).resolve().parents[2]

CUSTOMER = next(a for a in DEMO_ACCOUNTS if a.username == "demo")
SUPPORT = next(a for a in DEMO_ACCOUNTS if a.username == "support")
ADMIN = next(a for a in DEMO_ACCOUNTS if a.username == "admin")


#: The panel's secret in the browser tests' scale-out runs (the embedded one keeps data/secret_key): what the
#: controller passwords of tests/e2e/test_servers.py are encrypted with.
SCALEOUT_SECRET_KEY = "e2e-" + "k" * 40


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("#page-title")).to_be_visible()


def sign_out(page: Page) -> None:
    page.locator("#user-menu").click()
    page.get_by_role("menuitem", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_label("Username")).to_be_visible()


def create_customer(db_url: str, username: str, email: str, password: str) -> None:
    """A customer made by the operator's command (`python -m introserv_app create-user`)."""
    env = {**os.environ, "INTROSERV_DB_URL": db_url, "INTROSERV_NEW_PASSWORD": password}
    command = [sys.executable, "-m", "introserv_app", "create-user", "--username", username, "--email", email]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)


OWN = (
    "FROM orders o JOIN users u ON u.id = o.user_id JOIN tariff_plans t ON t.id = o.tariff_id WHERE u.username = 'demo'"
)


def sql(db_url: str, query: str, *params: object) -> list[tuple]:
    """Run one statement on the browser tests' database (SQLite or PostgreSQL), `?` placeholders."""
    if db_url.startswith("sqlite"):
        with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
            return conn.execute(query, params).fetchall()
    with psycopg.connect(db_url, autocommit=True) as conn:
        cur = conn.execute(query.replace("?", "%s"), params)  # type: ignore[arg-type]
        return [tuple(r) for r in cur.fetchall()] if cur.description else []


def open_orders(page: Page, server: str, query: str = "") -> None:
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.goto(f"{server}/orders{query}")
    expect(page.locator("#page-title")).to_have_text("Orders")


PROCESSED_BY_NAME = "?status=processed&sort=service_name&dir=asc"


def first_processed(db: str, offset: int = 0) -> tuple[int, str, str]:
    row = sql(
        db,
        f"SELECT o.id, o.service_name, o.paid_until {OWN} AND o.status = 'processed' AND o.cancel_mode IS NULL "
        f"ORDER BY o.service_name LIMIT 1 OFFSET {offset}",
    )[0]
    return row[0], row[1], row[2]


def row_of(page: Page, name: str):  # a row of the grid by its service name
    return page.locator("#orders-table .order-row", has=page.locator(".cell-name", has_text=name))


def select_in_grid(page: Page, names: list[str]) -> None:
    """Show the batch column of the grid and tick the rows of these orders."""
    page.locator("#show-menu").click()
    page.locator("#show-batch").click()
    page.keyboard.press("Escape")
    for name in names:
        row_of(page, name).locator(".row-select").click()
    expect(page.locator("#selected-count")).to_have_text(str(len(names)))


def demo_id(db: str) -> int:
    return sql(db, "SELECT id FROM users WHERE username = 'demo'")[0][0]


def unpaid_renewal(db: str, offset: int, minor: int = 1000) -> tuple[int, str, str]:
    """(order id, invoice number, paid until) of a new unpaid one-month renewal invoice."""
    oid, name, paid_until = first_processed(db, offset)
    engine = create_db_engine(db)
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        vat = decide(
            seller_country="NL",
            customer_country="OTHER",
            is_company=False,
            vat_number_valid=False,
            on=now.date(),
            rates=rate_table(session=session),
        )
        number = issue_invoice(
            session=session,
            user_id=demo_id(db),
            lines=[Line(name, Money(minor, "EUR"), order_id=oid, period_months=1)],
            vat=vat,
            customer_country="OTHER",
            now=now,
        ).number
    engine.dispose()
    return oid, number, paid_until
