"""The Invoices page: filter, open from an order, pay an unpaid invoice from the balance."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from introserv_app.db.session import create_db_engine, session_scope
from introserv_app.domain.money import Money
from introserv_app.domain.vat import decide
from introserv_app.services.billing import Line, issue_invoice, post, rate_table
from tests.support.browser import PROCESSED_BY_NAME, first_processed, open_orders, row_of, sql

pytestmark = pytest.mark.e2e


def test_pay_an_unpaid_invoice_from_the_invoices_page(server: str, page: Page, e2e_db_url: str) -> None:
    oid, name, paid_until = first_processed(e2e_db_url, 6)
    uid = sql(e2e_db_url, "SELECT id FROM users WHERE username = 'demo'")[0][0]
    engine = create_db_engine(e2e_db_url)
    now = datetime.now(UTC)
    with session_scope(engine) as session:  # an unpaid renewal invoice, as a short balance leaves it
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
            user_id=uid,
            lines=[Line(name, Money(1000, "EUR"), order_id=oid, period_months=1)],
            vat=vat,
            customer_country="OTHER",
            now=now,
        ).number
        post(session=session, user_id=uid, kind="topup", amount=Money(5000, "EUR"), idem_key="e2e-invoice-funds-01")
    engine.dispose()
    open_orders(page, server, PROCESSED_BY_NAME)
    row_of(page, name).locator(".row-actions").click()
    page.locator(".action-invoices").click()
    expect(page).to_have_url(re.compile(rf"/invoices\?order={oid}"))
    expect(page.locator("#invoices-table")).to_contain_text(number)
    page.get_by_role("radio", name="Unpaid").click()
    expect(page).to_have_url(re.compile(r"status=unpaid"))
    row = page.locator(f'.invoice-row[data-number="{number}"]')
    row.locator(".invoice-pay").click()
    expect(page.get_by_text(f"Invoice {number} is paid.")).to_be_visible()
    assert sql(e2e_db_url, "SELECT status FROM invoices WHERE number = ?", number)[0][0] == "paid"
    assert sql(e2e_db_url, "SELECT paid_until FROM orders WHERE id = ?", oid)[0][0] > paid_until
