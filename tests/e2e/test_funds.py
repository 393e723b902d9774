"""Adding funds from the top bar, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import CUSTOMER, SUPPORT, log_in, sql

pytestmark = pytest.mark.e2e


def balance_minor(db: str) -> int:
    return sql(
        db,
        "SELECT coalesce(sum(amount_minor), 0) FROM ledger_entries l JOIN users u ON u.id = l.user_id "
        "WHERE u.username = 'demo'",
    )[0][0]


def test_add_funds_and_a_declined_card(server: str, page: Page, e2e_db_url: str) -> None:
    before = balance_minor(e2e_db_url)
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.locator("#add-funds").click()
    page.locator("#topup-amount").fill("12,5x")
    page.locator("#topup-submit").click()
    expect(page.locator("#topup-error")).to_have_text("Enter an amount between 1.00 and 10,000.00.")
    page.locator("#topup-amount").fill("50.25")
    page.locator("#topup-method").select_option("decline")
    page.locator("#topup-submit").click()
    expect(page.locator("#topup-error")).to_contain_text("The payment was declined")
    assert balance_minor(e2e_db_url) == before
    page.locator("#topup-method").select_option("card")
    page.locator("#topup-submit").click()
    expect(page.get_by_text("€50.25 added to your balance.")).to_be_visible()
    after = before + 5025
    expect(page.locator("#top-balance")).to_have_text(f"€{after // 100:,}.{after % 100:02d}")
    assert balance_minor(e2e_db_url) == after


def test_staff_have_no_balance_to_fund(server: str, page: Page) -> None:
    log_in(page, server, SUPPORT.username, SUPPORT.password)
    expect(page.locator("#page-title")).to_have_text("Support dashboard")
    expect(page.locator("#add-funds")).to_have_count(0)
