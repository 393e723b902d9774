"""Adding funds from the top bar, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import CUSTOMER, SUPPORT, log_in, sql

pytestmark = pytest.mark.e2e


def balance_minor(db: str) -> int:
    return sql(
        db,
        "SELECT coalesce(sum(amount_minor), 0) FROM ledger_entries l JOIN users u ON u.id = l.user_id "
        "WHERE u.username = 'demo'",
    )[0][0]


def test_add_funds_through_the_demo_checkout_and_a_declined_card(server: str, page: Page, e2e_db_url: str) -> None:
    before = balance_minor(e2e_db_url)
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.locator("#add-funds").click()
    page.locator("#topup-amount").fill("12,5x")
    page.locator("#topup-submit").click()
    expect(page.locator("#topup-error")).to_have_text("Enter an amount between 1.00 and 10,000.00.")
    page.locator("#topup-amount").fill("50.25")
    expect(page.locator("#topup-method")).to_have_value("demo")
    page.locator("#topup-submit").click()
    # the provider's hosted page (the demo provider's is served by the panel)
    expect(page).to_have_url(re.compile(r"/checkout/demo/demo_"))
    expect(page.locator("#demo-amount")).to_have_text("€50.25")
    page.locator("#demo-decline").click()
    expect(page).to_have_url(re.compile(r"/payments/\d+$"))
    expect(page.locator("#payment-text")).to_have_text("The payment was declined. Nothing was charged.")
    expect(page.locator("#payment-state")).to_have_text("Declined")
    assert balance_minor(e2e_db_url) == before
    page.go_back()  # the provider's page does not take a second answer
    page.reload()
    expect(page.locator("#demo-gone")).to_be_visible()

    page.goto(f"{server}/invoices")
    page.locator("#add-funds").click()
    page.locator("#topup-amount").fill("50.25")
    page.locator("#topup-submit").click()
    page.locator("#demo-pay").click()
    expect(page.locator("#payment-text")).to_have_text("Thank you: €50.25 was added to your balance.")
    expect(page.locator("#payment-state")).to_have_text("Paid")
    after = before + 5025
    expect(page.locator("#top-balance")).to_have_text(f"€{after // 100:,}.{after % 100:02d}")
    assert balance_minor(e2e_db_url) == after


def test_the_return_page_follows_a_payment_until_the_provider_confirms(
    server: str, page: Page, browser: Browser, e2e_db_url: str
) -> None:
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.locator("#add-funds").click()
    page.locator("#topup-amount").fill("20")
    page.locator("#topup-submit").click()
    expect(page).to_have_url(re.compile(r"/checkout/demo/demo_"))
    checkout_url = page.url
    payment_id = sql(e2e_db_url, "SELECT max(id) FROM payments")[0][0]
    page.goto(f"{server}/payments/{payment_id}")  # back in the panel before the provider has confirmed
    expect(page.locator("#payment-text")).to_have_text(
        "Payment processing: we are waiting for the confirmation from the payment provider."
    )
    elsewhere = browser.new_context()  # the provider confirms (here: the demo page, answered from elsewhere)
    other = elsewhere.new_page()
    other.goto(checkout_url)
    other.locator("#demo-pay").click()
    elsewhere.close()
    expect(page.locator("#payment-text")).to_have_text("Thank you: €20.00 was added to your balance.")
    assert sql(e2e_db_url, "SELECT state FROM payments WHERE id = ?", payment_id) == [("succeeded",)]
    # another customer's payment is not shown
    sql(
        e2e_db_url,
        "UPDATE payments SET user_id = (SELECT id FROM users WHERE username = 'support') WHERE id = ?",
        payment_id,
    )
    page.reload()
    expect(page.locator("#payment-error")).to_have_text("Payment not found.")


def test_staff_have_no_balance_to_fund(server: str, page: Page) -> None:
    log_in(page, server, SUPPORT.username, SUPPORT.password)
    expect(page.locator("#page-title")).to_have_text("Support dashboard")
    expect(page.locator("#add-funds")).to_have_count(0)
