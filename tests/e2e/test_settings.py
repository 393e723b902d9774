"""The Settings page in the browser: save, field errors, language, IP restrictions, code word, password."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from introserv_app.db.session import create_db_engine, session_scope
from introserv_app.db.tables import Profile
from introserv_app.services.accounts import create_user
from tests.support.browser import log_in, sql

pytestmark = pytest.mark.e2e
PASSWORD = "settings-e2e-passphrase"


def new_customer(db: str, name: str) -> None:
    engine = create_db_engine(db)
    with session_scope(engine) as session:
        user = create_user(
            session=session, username=name, password=PASSWORD, email_addr=f"{name}@example.com", send_welcome=False
        )
        profile = session.get(Profile, user.id)
        assert profile is not None
        profile.first_name, profile.last_name, profile.country = "Eva", "Novak", "CZ"
        profile.phone, profile.city, profile.address = "+420212345678", "Praha", "Václavské náměstí 1"
    engine.dispose()


def open_settings(page: Page, server: str, name: str, password: str = PASSWORD) -> None:
    log_in(page, server, name, password)
    page.locator("a.nav-link", has_text="Settings").first.click()
    expect(page.locator("#page-title")).to_have_text("Settings")
    expect(page.locator("#f-city")).to_have_value("Praha")


def test_fill_and_save_see_field_errors_and_switch_language(server: str, page: Page, e2e_db_url: str) -> None:
    new_customer(e2e_db_url, "eva")
    open_settings(page, server, "eva")
    expect(page.locator("#f-country")).to_have_value("Czechia")
    page.locator("#f-phone").fill("12")
    page.locator("#f-city").fill("")
    page.locator("#f-email_invoices").fill("not-an-email")
    page.locator("#settings-save").click()
    expect(page.locator("#error-phone")).to_contain_text("country code")
    expect(page.locator("#error-city")).to_have_text("This field is required.")
    expect(page.locator("#error-email_invoices")).to_have_text("Enter a valid email address.")
    assert sql(
        e2e_db_url, "SELECT city, phone FROM profiles p JOIN users u ON u.id = p.user_id WHERE username = 'eva'"
    ) == [("Praha", "+420212345678")]  # nothing half-saved
    page.locator("#f-phone").fill("+420 602 123 456")
    page.locator("#f-city").fill("Brno")
    page.locator("#f-email_invoices").fill("")
    page.locator("#f-postal_code").fill("602 00")
    page.locator("#f-newsletter").check()
    page.locator("#settings-save").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    row = sql(
        e2e_db_url,
        "SELECT city, phone, postal_code, newsletter FROM profiles p JOIN users u ON u.id = p.user_id "
        "WHERE username = 'eva'",
    )
    assert row == [("Brno", "+420602123456", "602 00", 1)]
    page.reload()
    expect(page.locator("#f-city")).to_have_value("Brno")
    expect(page.locator("#f-newsletter")).to_be_checked()

    page.locator("#f-language").select_option("ru")
    page.locator("#settings-save").click()
    expect(page.locator("#page-title")).to_have_text("Настройки")
    expect(page.locator("#settings-contact")).to_contain_text("Контактные данные")
    page.locator("#f-language").select_option("en")
    page.locator("#settings-save").click()
    expect(page.locator("#page-title")).to_have_text("Settings")


def test_an_ip_list_without_my_address_asks_first(server: str, page: Page, e2e_db_url: str) -> None:
    new_customer(e2e_db_url, "ivan")
    open_settings(page, server, "ivan")
    page.locator("#f-ip_restrictions").fill("10.0.0.0/8\n10.0.0.300")
    page.locator("#settings-save").click()
    expect(page.locator("#error-ip_restrictions")).to_contain_text("Line 2: “10.0.0.300” is not an IP address")
    page.locator("#f-ip_restrictions").fill("10.0.0.0/8")
    page.locator("#settings-save").click()
    expect(page.locator("#error-current_password")).to_contain_text("current password")
    page.locator("#f-current_password").fill(PASSWORD)
    page.locator("#settings-save").click()
    expect(page.locator("#ip-warning")).to_contain_text("does not include the address you are using now")
    page.locator("#ip-keep").click()
    expect(page.locator("#ip-warning")).to_have_count(0)
    assert sql(
        e2e_db_url, "SELECT ip_restrictions FROM profiles p JOIN users u ON u.id = p.user_id WHERE username = 'ivan'"
    ) == [("",)]
    page.locator("#f-ip_restrictions").fill("127.0.0.1\n::1\n10.0.0.0/8")
    page.locator("#f-current_password").fill(PASSWORD)
    page.locator("#settings-save").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    stored = sql(
        e2e_db_url, "SELECT ip_restrictions FROM profiles p JOIN users u ON u.id = p.user_id WHERE username = 'ivan'"
    )
    assert stored == [("127.0.0.1\n::1\n10.0.0.0/8",)]
    page.reload()
    expect(page.locator("#page-title")).to_have_text("Settings")  # still allowed from here


def test_the_code_word_is_set_once(server: str, page: Page, e2e_db_url: str) -> None:
    new_customer(e2e_db_url, "olga")
    open_settings(page, server, "olga")
    page.locator("#code-word-set").click()
    page.locator("#d-code_word").fill("blue pelican")
    page.locator("#d-current_password").fill("wrong password")
    page.locator("#code-word-submit").click()
    expect(page.locator("#derror-current_password")).to_have_text("The current password is not correct.")
    page.locator("#d-current_password").fill(PASSWORD)
    page.locator("#code-word-submit").click()
    expect(page.get_by_text("The code word is set.")).to_be_visible()
    expect(page.locator("#code-word-status")).to_have_text("Set (support can reset it)")
    expect(page.locator("#code-word-set")).to_have_count(0)
    page.reload()
    expect(page.locator("#code-word-status")).to_be_visible()
    expect(page.locator("#code-word-set")).to_have_count(0)


def test_changing_the_password_ends_the_other_sessions(
    server: str, page: Page, browser: Browser, e2e_db_url: str
) -> None:
    new_customer(e2e_db_url, "tomas")
    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    elsewhere = other.new_page()
    log_in(elsewhere, server, "tomas", PASSWORD)
    open_settings(page, server, "tomas")
    page.locator("#password-change").click()
    page.locator("#d-current_password").fill(PASSWORD)
    page.locator("#d-new_password").fill("short")
    page.locator("#d-confirm_password").fill("short")
    page.locator("#password-submit").click()
    expect(page.locator("#derror-new_password")).to_have_text("Use 12 to 128 characters.")
    page.locator("#d-new_password").fill("a brand new passphrase")
    page.locator("#d-confirm_password").fill("a brand new passphrase")
    page.locator("#password-submit").click()
    expect(page.get_by_text("Password changed. Other sessions were signed out: 1.")).to_be_visible()
    page.reload()
    expect(page.locator("#page-title")).to_have_text("Settings")  # this session goes on
    elsewhere.goto(f"{server}/orders")
    expect(elsewhere).to_have_url(re.compile(r"/login"))  # the other one ended
    other.close()
