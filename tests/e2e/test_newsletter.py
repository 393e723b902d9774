"""A newsletter from the staff page to a subscriber's mailbox, and out again with the mail's one-click link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import CUSTOMER, SUPPORT, demo_id, log_in, sign_out, sql
from tests.support.smtp import Mailbox

pytestmark = pytest.mark.e2e


def test_staff_send_a_newsletter_and_the_customer_unsubscribes_from_its_link(
    server: str, page: Page, e2e_db_url: str
) -> None:
    customer = demo_id(e2e_db_url)
    sql(e2e_db_url, "UPDATE profiles SET newsletter = TRUE, email_confirmed = TRUE WHERE user_id = ?", customer)
    address = sql(e2e_db_url, "SELECT email FROM profiles WHERE user_id = ?", customer)[0][0]
    subject = "Helsinki is open"

    log_in(page, server, SUPPORT.username, SUPPORT.password)
    page.goto(f"{server}/staff/newsletter")
    expect(page.locator("#page-title")).to_have_text("Newsletter")
    page.locator("#newsletter-subject_en").fill(subject)
    page.locator("#newsletter-subject_ru").fill("Открылась площадка в Хельсинки")
    page.locator("#newsletter-body_en").fill("Dedicated servers in Helsinki from today.")
    page.locator("#newsletter-body_ru").fill("Выделенные серверы в Хельсинки с сегодняшнего дня.")
    page.locator("#newsletter-save").click()
    expect(page.locator("#preview-subject-en")).to_have_text(subject)
    expect(page.locator("#preview-body-ru")).to_have_text("Выделенные серверы в Хельсинки с сегодняшнего дня.")
    row = page.locator(".newsletter-row", has_text=subject)
    row.locator(".newsletter-send").click()
    subscribers = page.locator("#newsletter-subscribers").inner_text()
    expect(page.locator("#newsletter-confirm-text")).to_contain_text(f"to {subscribers} subscribers")
    page.locator("#newsletter-confirm").click()
    expect(page.locator("[data-sonner-toast]", has_text="The newsletter is queued")).to_be_visible()
    expect(row.locator(".newsletter-recipients")).to_have_text(subscribers)
    sign_out(page)

    with Mailbox() as mailbox:
        for _ in range(20):  # the sender takes a few newsletter mails a run, after the service mails
            mailbox.deliver(e2e_db_url)
            mails = [m for m in mailbox.inbox.messages if address in (m.get("To") or "") and m.get("List-Unsubscribe")]
            if mails:
                break
        [mail] = mails
        [text] = [t for t in mailbox.text_to(address) if "Helsinki" in t]
    header = mail["List-Unsubscribe"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(r"https?://\S+/unsubscribe/\S+", text)
    assert link is not None and header == f"<{link.group(0)}>"

    page.goto(link.group(0))  # from the mail, not signed in
    expect(page.locator("#unsubscribe-question")).to_be_visible()
    assert sql(e2e_db_url, "SELECT newsletter FROM profiles WHERE user_id = ?", customer)[0][0] in (True, 1)
    page.locator("#unsubscribe-confirm").click()
    expect(page.locator("#unsubscribe-result")).to_have_text(
        "You are unsubscribed from the newsletter. You can subscribe again in Settings."
    )
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.goto(f"{server}/settings")
    expect(page.locator("#f-newsletter")).not_to_be_checked()
    audited = "SELECT count(*) FROM audit_events WHERE action = 'newsletter.unsubscribe' AND actor_id = ?"
    assert sql(e2e_db_url, audited, customer) == [(1,)]
