"""The phone's backup route in the browser: a code by SMS, "Didn't get it?" after the wait (3 s here:
INTROSERV_PHONE_RESEND_SECONDS in conftest) through the other gateway, a support ticket that lists the attempts,
the code of the second gateway verifies the number, and support sees the attempts on the customer page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from introserv_app.db.session import create_db_engine, session_scope
from introserv_app.db.tables import Profile
from introserv_app.services.accounts import create_user
from tests.support.browser import SUPPORT, log_in, sign_out, sql

pytestmark = pytest.mark.e2e
PASSWORD = "phone-e2e-passphrase"
PHONE = "+420212345678"


def new_customer(db: str, name: str) -> int:
    engine = create_db_engine(db)
    with session_scope(engine) as session:
        user = create_user(
            session=session, username=name, password=PASSWORD, email_addr=f"{name}@example.com", send_welcome=False
        )
        profile = session.get(Profile, user.id)
        assert profile is not None
        profile.first_name, profile.last_name, profile.country = "Pia", "Dvorak", "CZ"
        profile.phone, profile.city, profile.address = PHONE, "Praha", "Národní 1"
        uid = user.id or 0
    engine.dispose()
    return uid


def test_didnt_get_it_other_gateway_then_a_ticket(server: str, page: Page, e2e_db_url: str) -> None:
    uid = new_customer(e2e_db_url, "pia")
    log_in(page, server, "pia", PASSWORD)
    page.goto(f"{server}/settings")
    expect(page.locator("#page-title")).to_have_text("Settings")
    page.locator("#phone-verify").click()
    page.locator("#phone-sms").click()
    expect(page.locator("#phone-notice")).to_contain_text(f"We sent a code by SMS to {PHONE} (gateway 1)")
    # the countdown first, then "Didn't get it?"
    expect(page.locator("#phone-wait")).to_contain_text(re.compile(r"You can ask again in \d s"))
    expect(page.locator("#phone-other-gateway")).to_have_count(0)
    expect(page.locator("#phone-ticket")).to_have_count(0)
    expect(page.locator("#phone-didnt-get-it")).to_contain_text("Didn't get it?", timeout=15_000)
    expect(page.locator("#phone-switch")).to_have_text("Call me instead")
    page.locator("#phone-other-gateway").click()
    expect(page.locator("#phone-notice")).to_contain_text("(gateway 2)")
    expect(page.locator("#phone-attempts .phone-attempt")).to_have_count(2)
    expect(page.locator("#phone-wait")).to_be_visible()  # a new wait after the new code
    code = re.search(r"the code is (\d{6})", page.locator("#phone-notice").inner_text())
    assert code is not None
    assert sql(
        e2e_db_url,
        "SELECT gateway, gateway_name, channel, outcome FROM phone_verifications WHERE user_id = ? ORDER BY id",
        uid,
    ) == [(0, "console-1", "sms", "accepted"), (1, "console-2", "sms", "accepted")]

    # both gateways tried: a ticket, once
    page.locator("#phone-ticket").click()
    expect(page.locator("#phone-notice")).to_contain_text(re.compile(r"Ticket #\d+ is open"))
    link = page.locator("#phone-ticket-link")
    expect(link).to_be_visible()
    expect(page.locator("#phone-ticket")).to_have_count(0)
    tickets = sql(e2e_db_url, "SELECT id, subject FROM tickets WHERE user_id = ?", uid)
    assert [s for _, s in tickets] == [f"Phone verification failed: {PHONE}"]
    body = sql(e2e_db_url, "SELECT body FROM ticket_messages WHERE ticket_id = ?", tickets[0][0])[0][0]
    assert " · 1 (console-1) · SMS · accepted" in body and " · 2 (console-2) · SMS · accepted" in body

    # the second gateway's code verifies the number
    page.locator("#phone-code").fill(code.group(1))
    page.locator("#phone-check").click()
    expect(page.get_by_text("Your phone number is verified.")).to_be_visible()
    expect(page.locator("#phone-status")).to_be_visible()

    page.goto(f"{server}/tickets")
    expect(page.get_by_text(f"Phone verification failed: {PHONE}")).to_be_visible()
    page.get_by_text(f"Phone verification failed: {PHONE}").click()
    expect(page.get_by_text("(time UTC · gateway · channel · outcome)", exact=False)).to_be_visible()

    # support sees the attempts on the customer page
    sign_out(page)
    log_in(page, server, SUPPORT.username, SUPPORT.password)
    page.goto(f"{server}/staff/customers/{uid}")
    rows = page.locator("#customer-phone-attempts .phone-attempt-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("SMS · 2 (console-2)")
    expect(rows.last).to_contain_text("SMS · 1 (console-1)")
    expect(rows.first).to_contain_text("accepted")
