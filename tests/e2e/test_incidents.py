"""Incidents in the browser: support opens one for a tariff of the demo customer (after the preview of who it reaches),
the customer sees its banner in the Orders tab and on the dashboard, in English and in Russian, support resolves it
and the customer sees the resolution, in the banner and on the incident's page."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import CUSTOMER, OWN, SUPPORT, log_in, sql

pytestmark = pytest.mark.e2e


def _switch(page: Page, name: str) -> None:
    page.locator("#language-switcher").click()
    page.get_by_role("option", name=name).click()


def test_an_incident_banner_appears_and_resolves(server: str, page: Page, browser: Browser, e2e_db_url: str) -> None:
    live = f"SELECT t.id, t.name {OWN} AND o.status <> 'cancelled' ORDER BY o.id LIMIT 1"
    tariff_id, tariff = sql(e2e_db_url, live)[0]
    tag = uuid.uuid4().hex[:6]
    title_en, title_ru = f"Network outage {tag}", f"Сбой сети {tag}"

    staff_context = browser.new_context(viewport={"width": 1400, "height": 900})
    staff = staff_context.new_page()
    try:
        log_in(staff, server, SUPPORT.username, SUPPORT.password)
        staff.goto(f"{server}/staff/incidents")
        expect(staff.locator("#page-title")).to_have_text("Incidents")
        staff.locator("#incident-new").click()
        staff.locator("#incident-title-en").fill(title_en)
        staff.locator("#incident-title-ru").fill(title_ru)
        staff.locator("#incident-body-en").fill(f"Servers of the {tariff} tariff cannot be reached.")
        staff.locator("#incident-body-ru").fill("Серверы этого тарифа недоступны.")
        staff.locator("#incident-severity").select_option("critical")
        staff.locator("#incident-scope").select_option("tariffs")
        staff.locator(f"input[name='tariff-{tariff_id}']").check()
        staff.locator("#incident-preview-button").click()
        expect(staff.locator("#incident-preview")).to_contain_text("This incident reaches")
        staff.locator("#incident-confirm").click()
        expect(staff.get_by_text("The incident is open")).to_be_visible()
        card = staff.locator(".incident-card", has_text=title_en)
        expect(card).to_contain_text("Ongoing")
        incident_id = card.get_attribute("data-incident")
        assert incident_id
        mails = sql(e2e_db_url, "SELECT count(*) FROM email_outbox WHERE subject = ?", f"Incident: {title_en}")
        assert mails[0][0] >= 1

        log_in(page, server, CUSTOMER.username, CUSTOMER.password)
        page.goto(f"{server}/orders")
        expect(page.locator("#page-title")).to_have_text("Orders")
        banner = page.locator(".incident-banner.banner-critical.incident-open", has_text=title_en)
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("cannot be reached")
        page.goto(f"{server}/")
        expect(page.locator("#page-title")).to_have_text("Dashboard")
        expect(page.locator(".incident-banner", has_text=title_en)).to_be_visible()
        _switch(page, "Русский")
        expect(page.locator(".incident-banner", has_text=title_ru)).to_contain_text("Серверы этого тарифа недоступны.")
        _switch(page, "English")
        expect(page.locator(".incident-banner", has_text=title_en)).to_be_visible()

        staff.reload()
        card = staff.locator(".incident-card", has_text=title_en)
        card.locator(".incident-resolve").click()
        staff.locator("#incident-text-en").fill("A faulty switch was replaced; every server is back.")
        staff.locator("#incident-text-ru").fill("Неисправный коммутатор заменён; все серверы снова работают.")
        staff.locator("#incident-action-send").click()
        expect(staff.get_by_text("The incident is resolved")).to_be_visible()
        expect(staff.locator(".incident-card", has_text=title_en)).to_contain_text("Resolved")
    finally:
        staff_context.close()

    page.goto(f"{server}/orders")
    resolved = page.locator(".incident-banner.incident-resolved", has_text=title_en)
    expect(resolved).to_contain_text("A faulty switch was replaced")
    expect(page.locator(".incident-banner.incident-open", has_text=title_en)).to_have_count(0)
    resolved.locator(".incident-link").click()
    expect(page).to_have_url(f"{server}/incidents/{incident_id}")
    expect(page.locator(".incident-card")).to_contain_text("A faulty switch was replaced")
    page.goto(f"{server}/incidents")
    expect(page.locator("#incidents-list")).to_contain_text(title_en)
