"""A new user's first minutes, in a real browser against the production build."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.support.browser import CUSTOMER, SUPPORT, log_in

pytestmark = pytest.mark.e2e


def test_sign_in_and_see_the_shell(server: str, page: Page, context: BrowserContext) -> None:
    page.goto(server)
    expect(page).to_have_url(re.compile(r"/login"))
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    expect(page.locator("#page-title")).to_have_text("Dashboard")
    expect(page.locator("#top-balance")).to_have_text(re.compile(r"€\d"))
    expect(page.locator("#main-nav")).to_contain_text("Dashboard")
    expect(page.locator("#main-nav")).not_to_contain_text("Email outbox")
    expect(page.locator("#status-suspended_nonpayment")).to_contain_text("Suspended (for non-payment)")
    # the session token never reaches JavaScript
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["introserv_session"]["httpOnly"] and cookies["introserv_session"]["sameSite"] == "Strict"
    assert "introserv_session" not in page.evaluate("document.cookie")


def test_wrong_password_is_rejected(server: str, page: Page) -> None:
    page.goto(f"{server}/login")
    page.get_by_label("Username").fill(CUSTOMER.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Invalid username or password.")
    expect(page).to_have_url(re.compile(r"/login"))
    page.get_by_label("Username").fill("no-such-user")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Invalid username or password.")


def test_a_customer_gets_nothing_from_a_staff_page(server: str, page: Page) -> None:
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.goto(f"{server}/staff/outbox")
    expect(page.locator("#page-title")).to_have_text("Dashboard")
    expect(page.locator("#outbox-table")).to_have_count(0)


def test_support_staff_see_the_outbox(server: str, page: Page) -> None:
    log_in(page, server, SUPPORT.username, SUPPORT.password)
    page.get_by_role("link", name="Email outbox").click()
    expect(page.locator("#page-title")).to_have_text("Email outbox")
    expect(page.locator("#outbox-table")).to_be_visible()


def test_language_switch_changes_the_ui_and_is_remembered(server: str, page: Page, context: BrowserContext) -> None:
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.locator("#language-switcher").click()
    page.get_by_role("option", name="Русский").click()
    expect(page.locator("#page-title")).to_have_text("Главная")
    expect(page.locator("#main-nav")).to_contain_text("Главная")
    expect(page.locator("#top-balance")).to_have_text(re.compile(r"\d,\d\d\s€"))  # formatted for ru
    expect(page.locator("#status-suspended_nonpayment")).to_contain_text("Приостановлен (за неуплату)")
    page.reload()
    expect(page.locator("#page-title")).to_have_text("Главная")
    # remembered per user: a fresh browser without the language cookie gets Russian after login
    other = context.browser.new_context()  # type: ignore[union-attr]
    try:
        fresh = other.new_page()
        log_in(fresh, server, CUSTOMER.username, CUSTOMER.password)
        expect(fresh.locator("#page-title")).to_have_text("Главная")
    finally:
        other.close()
    page.locator("#language-switcher").click()
    page.get_by_role("option", name="English").click()
    expect(page.locator("#page-title")).to_have_text("Dashboard")


def test_log_out_ends_the_session(server: str, page: Page) -> None:
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.locator("#user-menu").click()
    page.get_by_role("menuitem", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.goto(server)
    expect(page).to_have_url(re.compile(r"/login"))


def test_unknown_page_shows_404(server: str, page: Page) -> None:
    page.goto(f"{server}/no/such/page")
    expect(page.locator("#not-found")).to_have_text("Page not found.")
