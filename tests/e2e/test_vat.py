"""VAT rates in the browser: the customer's table with their country highlighted (English and Russian), and an
admin's rate change that the customer's next invoice carries while the earlier one keeps its rate."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from introserv_app.db.session import create_db_engine, session_scope
from introserv_app.db.tables import Profile
from introserv_app.services.accounts import create_user
from tests.support.browser import ADMIN, log_in, sql

pytestmark = pytest.mark.e2e
PASSWORD = "vat-e2e-passphrase-01"
TARIFF = '.catalog-item[data-tariff="VPS S (1 vCPU, 2 GB)"] .catalog-order'


def new_customer(db: str, name: str, country: str) -> None:
    engine = create_db_engine(db)
    with session_scope(engine) as session:
        user = create_user(
            session=session, username=name, password=PASSWORD, email_addr=f"{name}@example.com", send_welcome=False
        )
        profile = session.get(Profile, user.id)
        assert profile is not None
        profile.first_name, profile.last_name, profile.country = "Vera", "Tax", country
        profile.phone, profile.city, profile.address = "+35699123456", "Valletta", "Republic Street 1"
    engine.dispose()


def own_row(page: Page, country: str):  # a row of the VAT table by its country code
    return page.locator(f'#vat-table .vat-row[data-country="{country}"]')


def test_a_customer_sees_every_rate_and_their_own_country_highlighted(server: str, page: Page, e2e_db_url: str) -> None:
    new_customer(e2e_db_url, "vatfin", "FI")
    log_in(page, server, "vatfin", PASSWORD)
    page.locator("a.nav-link", has_text="Invoices").first.click()
    page.locator("#invoices-vat-link").click()
    expect(page).to_have_url(re.compile(r"/vat$"))
    expect(page.locator("#page-title")).to_have_text("VAT rates")
    fi = own_row(page, "FI")
    expect(fi).to_have_class(re.compile(r"vat-own"))
    expect(fi).to_contain_text("Finland")
    expect(fi.locator(".vat-rate")).to_have_text("25.5 %")
    expect(fi.locator(".vat-since")).to_have_text("Sep 1, 2024")
    expect(fi).to_contain_text("Your country")
    expect(own_row(page, "DE").locator(".vat-rate")).to_have_text("19 %")
    expect(own_row(page, "DE")).not_to_have_class(re.compile(r"vat-own"))
    expect(page.locator("#vat-table .vat-row")).to_have_count(28)  # 27 member states and everyone else
    expect(own_row(page, "OTHER")).to_contain_text("Other countries, including USA")
    expect(own_row(page, "OTHER").locator(".vat-rate")).to_have_text("0 %")
    expect(page.locator("#vat-own")).to_contain_text("Your invoices carry the standard rate of Finland")

    page.locator("#language-switcher").click()
    page.get_by_role("option", name="Русский").click()
    expect(page.locator("#page-title")).to_have_text("Ставки НДС")
    expect(fi).to_contain_text("Финляндия")
    expect(fi.locator(".vat-rate")).to_have_text("25,5 %")
    expect(fi).to_contain_text("Ваша страна")
    expect(own_row(page, "OTHER")).to_contain_text("Другие страны, включая США")
    expect(page.locator("#vat-own")).to_contain_text("25,5 %")


def _order_one_month(page: Page, server: str, db: str) -> str:
    """Order a VPS for one month; the number of its new invoice (shown on the invoices page it leads to)."""
    page.goto(f"{server}/order")
    page.locator(TARIFF).click()
    page.locator("#order-period").select_option("1")
    page.locator("#order-confirm").click()
    expect(page).to_have_url(re.compile(r"/invoices\?order=\d+&status=unpaid"))
    order_id = int(re.search(r"order=(\d+)", page.url).group(1))  # type: ignore[union-attr]
    number = sql(
        db,
        "SELECT i.number FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id WHERE l.order_id = ?",
        order_id,
    )[0][0]
    expect(page.locator(f'.invoice-row[data-number="{number}"]')).to_be_visible()
    return str(number)


def test_an_admin_records_a_rate_change_and_the_next_invoice_carries_it(
    server: str, page: Page, browser: Browser, e2e_db_url: str
) -> None:
    new_customer(e2e_db_url, "vatmalta", "MT")
    log_in(page, server, "vatmalta", PASSWORD)
    page.goto(f"{server}/vat")
    expect(own_row(page, "MT").locator(".vat-rate")).to_have_text("18 %")
    before = _order_one_month(page, server, e2e_db_url)
    expect(page.locator(f'.invoice-row[data-number="{before}"]')).to_contain_text("(18 %)")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        admin = context.new_page()
        log_in(admin, server, ADMIN.username, ADMIN.password)
        admin.goto(f"{server}/staff/admin")
        section = admin.locator("#vat-rates-admin")
        expect(section.locator('.vat-history-row[data-country="MT"]')).to_have_count(1)
        admin.locator("#vat-country").select_option("MT")
        admin.locator("#vat-rate").fill("19")
        admin.locator("#vat-source").fill("Legal Notice 1/2026 (test)")
        yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
        admin.locator("#vat-from").fill(yesterday)
        admin.locator("#vat-record").click()
        expect(admin.locator("#vat-error")).to_contain_text("A rate cannot take effect in the past")
        admin.locator("#vat-from").fill(datetime.now(UTC).date().isoformat())
        admin.locator("#vat-record").click()
        expect(admin.get_by_text(re.compile(r"Recorded: Malta 19 % from"))).to_be_visible()
        current = section.locator('.vat-history-row[data-country="MT"][data-state="current"]')
        expect(current).to_contain_text("19 %")
        expect(current).to_contain_text(ADMIN.username)
        expect(section.locator('.vat-history-row[data-country="MT"][data-state="past"]')).to_contain_text("18 %")
    finally:
        context.close()

    page.goto(f"{server}/vat")
    expect(own_row(page, "MT").locator(".vat-rate")).to_have_text("19 %")
    after = _order_one_month(page, server, e2e_db_url)
    assert after != before
    page.goto(f"{server}/invoices")
    expect(page.locator(f'.invoice-row[data-number="{after}"]')).to_contain_text("(19 %)")
    expect(page.locator(f'.invoice-row[data-number="{before}"]')).to_contain_text("(18 %)")  # issued before: kept
