"""A customer runs the account alone (issue 19): sign up, confirm the address from the mail the panel sends
over SMTP, order; forget the password, reset it from the mail, and the session left open elsewhere is gone."""

from __future__ import annotations

import json
import re
import time
import uuid
import zipfile

import pyotp
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import SUPPORT, create_customer, log_in, sign_out, sql
from tests.support.smtp import Mailbox

PASSWORD = "a-long-enough-passphrase"


def _link(body: str, path: str) -> str:
    found = re.search(rf"https?://\S+{re.escape(path)}\?\w+=[A-Za-z0-9_-]+", body)
    assert found, body
    return found.group(0)


def test_sign_up_confirm_the_address_from_the_mail_and_order(server: str, page: Page, e2e_db_url: str) -> None:
    name = f"new-{uuid.uuid4().hex[:8]}"
    address = f"{name}@example.com"
    page.goto(f"{server}/login")
    page.locator("#to-signup").click()
    expect(page).to_have_url(re.compile(r"/signup$"))
    page.locator("#f-username").fill(name)
    page.locator("#f-email").fill(address)
    page.locator("#f-password").fill("short")
    page.locator("#f-confirm").fill("short")
    page.locator("#signup-submit").click()
    expect(page.locator("#error-password")).to_be_visible()  # a clear message per field, nothing created
    expect(page.locator("#error-country")).to_be_visible()
    assert sql(e2e_db_url, "SELECT count(*) FROM users WHERE username = ?", name) == [(0,)]
    page.locator("#f-password").fill(PASSWORD)
    page.locator("#f-confirm").fill(PASSWORD)
    page.locator("#f-country").select_option("DE")
    page.locator("#signup-submit").click()
    expect(page.locator("#signup-done")).to_contain_text(address)

    with Mailbox() as mailbox:
        mailbox.deliver(e2e_db_url)
        [mail] = mailbox.text_to(address)
    link = _link(mail, "/settings/confirm-email")
    # Signed in before confirming: the banner, and no order yet.
    log_in(page, server, name, PASSWORD)
    expect(page.locator("#confirm-email-banner")).to_contain_text(address)
    page.goto(f"{server}/order")
    page.locator('.catalog-item[data-tariff="VPS S (1 vCPU, 2 GB)"] .catalog-order').click()
    page.locator("#order-confirm").click()
    expect(page.get_by_text("Confirm your email address first", exact=False).first).to_be_visible()
    page.keyboard.press("Escape")  # close the order dialog
    assert sql(e2e_db_url, "SELECT count(*) FROM orders o JOIN users u ON u.id = o.user_id WHERE u.username = ?",
               name) == [(0,)]  # fmt: skip

    page.goto(link)
    expect(page).to_have_url(re.compile(r"/settings/?\?email=confirmed"))
    page.goto(server + "/")
    expect(page.locator("#page-title")).to_be_visible()
    expect(page.locator("#confirm-email-banner")).to_have_count(0)
    page.goto(f"{server}/order")
    page.locator('.catalog-item[data-tariff="VPS S (1 vCPU, 2 GB)"] .catalog-order').click()
    page.locator("#order-confirm").click()
    expect(page).to_have_url(re.compile(r"/invoices\?order=\d+&status=unpaid"))
    assert sql(e2e_db_url, "SELECT p.country FROM profiles p JOIN users u ON u.id = p.user_id WHERE u.username = ?",
               name) == [("DE",)]  # fmt: skip


def test_forgot_reset_from_the_mail_and_the_old_session_is_gone(
    server: str, browser: Browser, page: Page, e2e_db_url: str
) -> None:
    name = f"forgetful-{uuid.uuid4().hex[:8]}"
    address = f"{name}@example.com"
    create_customer(e2e_db_url, name, address, PASSWORD)
    elsewhere = browser.new_context()  # the session left open on another computer
    try:
        other = elsewhere.new_page()
        log_in(other, server, name, PASSWORD)

        page.goto(f"{server}/login")
        page.locator("#to-forgot").click()
        page.locator("#f-email").fill(address.upper())
        page.locator("#forgot-submit").click()
        expect(page.locator("#forgot-done")).to_be_visible()
        page.goto(f"{server}/forgot")  # an unknown address gets the same answer
        expect(page.locator("#forgot-card[data-ready=true]")).to_be_visible()  # the tab's state has arrived
        expect(page.locator("#forgot-done")).to_have_count(0)  # and the form is back
        page.locator("#f-email").fill(f"nobody-{name}@example.com")
        page.locator("#forgot-submit").click()
        expect(page.locator("#forgot-done")).to_be_visible()

        with Mailbox() as mailbox:
            mailbox.deliver(e2e_db_url)
            [mail] = [m for m in mailbox.text_to(address) if "/reset?" in m]  # (and the welcome mail)
            assert mailbox.text_to(f"nobody-{name}@example.com") == []
        page.goto(_link(mail, "/reset"))
        expect(page.locator("#reset-username")).to_contain_text(name)
        page.locator("#f-new_password").fill("new-passphrase-for-" + name)
        page.locator("#f-confirm").fill("new-passphrase-for-" + name)
        page.locator("#reset-submit").click()
        expect(page.locator("#reset-done")).to_be_visible()
        page.goto(_link(mail, "/reset"))  # used once
        expect(page.locator("#reset-error")).to_be_visible()

        other.goto(f"{server}/orders")
        expect(other).to_have_url(re.compile(r"/login"))
        log_in(page, server, name, "new-passphrase-for-" + name)
        expect(page.locator("#page-title")).to_be_visible()
    finally:
        elsewhere.close()


def test_two_factor_with_an_authenticator_app_and_a_recovery_code(server: str, page: Page, e2e_db_url: str) -> None:
    name = f"careful-{uuid.uuid4().hex[:8]}"
    create_customer(e2e_db_url, name, f"{name}@example.com", PASSWORD)
    log_in(page, server, name, PASSWORD)
    page.goto(f"{server}/settings")
    page.locator("#tf-start").click()
    expect(page.locator("#tf-qr")).to_be_visible()
    totp = pyotp.TOTP(page.locator("#tf-secret").inner_text().strip())
    page.locator("#tf-code").fill("000000" if totp.now() != "000000" else "111111")
    page.locator("#tf-enable").click()
    expect(page.locator("#tf-error")).to_be_visible()  # a wrong code turns nothing on
    used = totp.now()
    page.locator("#tf-code").fill(used)
    page.locator("#tf-enable").click()
    expect(page.locator("#tf-codes .recovery-code")).to_have_count(10)
    codes = page.locator("#tf-codes .recovery-code").all_inner_texts()
    page.locator("#tf-codes-done").click()
    expect(page.locator("#tf-status")).to_be_visible()
    sign_out(page)

    def password_step() -> None:
        page.goto(f"{server}/login")
        page.get_by_label("Username").fill(name)
        page.get_by_label("Password").fill(PASSWORD)
        page.locator("#login-submit").click()
        expect(page.locator("#code")).to_be_visible()

    password_step()
    page.locator("#code").fill(codes[0])
    page.locator("#code-submit").click()
    expect(page.locator("#page-title")).to_be_visible()
    page.goto(f"{server}/settings")
    expect(page.locator("#tf-left")).to_have_text("9")
    sign_out(page)

    password_step()
    page.locator("#code").fill(codes[0])  # used once already
    page.locator("#code-submit").click()
    expect(page.locator("#login-error")).to_be_visible()
    deadline = time.monotonic() + 35
    while totp.now() == used and time.monotonic() < deadline:  # the code used to turn it on works only once
        time.sleep(1)
    page.locator("#code").fill(totp.now())
    page.locator("#code-submit").click()
    expect(page.locator("#page-title")).to_be_visible()


def _virtual_authenticator(page: Page) -> None:
    """Chromium's virtual authenticator (DevTools protocol): a platform passkey with user verification."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def test_a_passkey_as_second_factor_and_then_alone(server: str, page: Page, e2e_db_url: str) -> None:
    name = f"keyed-{uuid.uuid4().hex[:8]}"
    create_customer(e2e_db_url, name, f"{name}@example.com", PASSWORD)
    _virtual_authenticator(page)
    log_in(page, server, name, PASSWORD)
    page.goto(f"{server}/settings")
    page.locator("#passkey-name").fill("Test laptop")
    page.locator("#passkey-add").click()
    expect(page.locator("#tf-codes .recovery-code")).to_have_count(10)  # the first second factor
    page.locator("#tf-codes-done").click()
    expect(page.locator(".passkey-row")).to_have_count(1)
    expect(page.locator(".passkey-row")).to_contain_text("Test laptop")
    sign_out(page)

    page.goto(f"{server}/login")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("#login-submit").click()
    page.locator("#code-passkey").click()
    expect(page.locator("#page-title")).to_be_visible()
    assert sql(
        e2e_db_url,
        "SELECT s.second_factor FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE u.username = ? AND s.token_hash IS NOT NULL ORDER BY s.id DESC LIMIT 1",
        name,
    ) == [("passkey",)]

    page.goto(f"{server}/settings")
    page.locator("#passwordless-toggle").click()
    page.locator("#pk-password").fill(PASSWORD)
    page.locator("#pk-confirm").click()
    expect(page.locator("#passwordless-status")).to_contain_text("is on")
    sign_out(page)
    page.locator("#passkey-sign-in").click()  # no username, no password
    expect(page.locator("#page-title")).to_be_visible()
    page.goto(f"{server}/settings")
    expect(page.locator("#sessions .session-row")).to_have_count(1)


def test_support_checks_a_caller_and_removes_the_second_factor(
    server: str, browser: Browser, page: Page, e2e_db_url: str
) -> None:
    name = f"lostphone-{uuid.uuid4().hex[:8]}"
    create_customer(e2e_db_url, name, f"{name}@example.com", PASSWORD)
    uid = sql(e2e_db_url, "SELECT id FROM users WHERE username = ?", name)[0][0]
    customer = browser.new_context()
    try:  # the customer sets a code word and an authenticator app in Settings
        own = customer.new_page()
        log_in(own, server, name, PASSWORD)
        own.goto(f"{server}/settings")
        own.locator("#code-word-set").click()
        own.locator("#d-code_word").fill("Blue Pelican")
        own.locator("#d-current_password").fill(PASSWORD)
        own.locator("#code-word-submit").click()
        expect(own.locator("#code-word-status")).to_be_visible()
        own.locator("#tf-start").click()
        totp = pyotp.TOTP(own.locator("#tf-secret").inner_text().strip())
        own.locator("#tf-code").fill(totp.now())
        own.locator("#tf-enable").click()
        own.locator("#tf-codes-done").click()
        expect(own.locator("#tf-status")).to_be_visible()
        # ... and downloads the data
        with own.expect_download() as download:
            own.locator("#my-data").click()
        with zipfile.ZipFile(download.value.path()) as archive:
            files = {n.split("/", 1)[1] for n in archive.namelist()}
            assert {"profile.json", "orders.csv", "sign_ins.json"} <= files
            assert json.loads(archive.read(f"introserv-{name}/profile.json"))["username"] == name
    finally:
        customer.close()

    log_in(page, server, SUPPORT.username, SUPPORT.password)
    page.goto(f"{server}/staff/customers/{uid}")
    expect(page.locator("#customer-username")).to_have_text(name)  # the card has loaded
    page.locator("#action-remove_second_factor").click()
    page.locator("#action-remove_second_factor-confirm").click()  # no caller check yet: refused
    expect(page.locator("#action-remove_second_factor-dialog")).to_contain_text("Check the caller first")
    page.keyboard.press("Escape")
    # (the dialog keeps the focus until it has closed: typing before that would go into the dialog)
    expect(page.locator("#action-remove_second_factor-dialog")).to_have_count(0)
    page.locator("#caller-secret").select_option("code_word")
    page.locator("#caller-said").fill("Red Pelican")
    page.locator("#caller-check").click()
    expect(page.locator("#caller-outcome")).to_have_text("Does not match.")
    page.locator("#caller-said").fill("Blue Pelican")
    page.locator("#caller-check").click()
    expect(page.locator("#caller-outcome")).to_contain_text("Matches")
    page.locator("#action-remove_second_factor").click()
    page.locator("#action-remove_second_factor-confirm").click()
    expect(page.locator("#action-remove_second_factor")).to_have_count(0)
    assert sql(e2e_db_url, "SELECT count(*) FROM totp_factors WHERE user_id = ?", uid) == [(0,)]
    checks = sql(
        e2e_db_url,
        "SELECT success FROM audit_events WHERE action = 'support.caller_check' AND subject_user_id = ? ORDER BY id",
        uid,
    )
    assert [bool(c[0]) for c in checks] == [False, True]
