"""Lifecycle notifications in the browser: the suspension banner in the Orders tab and on the dashboard,
and a notice support posts from the order page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from introserv_app.db.session import create_db_engine
from introserv_app.services.jobs import lifecycle
from tests.support.browser import SUPPORT, first_processed, log_in, open_orders, sql

pytestmark = pytest.mark.e2e


def test_suspension_banner_on_orders_and_dashboard_and_a_support_notice(
    server: str, page: Page, browser: Browser, e2e_db_url: str
) -> None:
    oid, name, _ = first_processed(e2e_db_url)
    lapsed = (datetime.now(UTC) - timedelta(days=10)).date().isoformat()
    sql(e2e_db_url, "UPDATE orders SET paid_until = ? WHERE id = ?", lapsed, oid)
    engine = create_db_engine(e2e_db_url)
    try:
        report = lifecycle.run(engine=engine)
    finally:
        engine.dispose()
    assert report.suspended >= 1
    assert sql(e2e_db_url, "SELECT status FROM orders WHERE id = ?", oid)[0][0] == "suspended_nonpayment"

    title = f"Order {name} is suspended for non-payment"
    open_orders(page, server)
    banner = page.locator(".notification-banner.banner-critical", has_text=title)
    expect(banner).to_be_visible()
    expect(banner.locator(".banner-dismiss")).to_have_count(0)  # critical: stays until resolved
    page.goto(f"{server}/")
    expect(page.locator("#page-title")).to_have_text("Dashboard")
    expect(page.locator(".notification-banner.banner-critical", has_text=title)).to_be_visible()

    # support posts a notice about another order from its order page
    other_id, other_name, _ = first_processed(e2e_db_url)
    staff_context = browser.new_context(viewport={"width": 1400, "height": 900})
    staff = staff_context.new_page()
    try:
        log_in(staff, server, SUPPORT.username, SUPPORT.password)
        staff.goto(f"{server}/orders/{other_id}")
        expect(staff.locator("#staff-actions")).to_be_visible()
        staff.locator("#notice-text").fill("Planned maintenance tonight at 02:00 UTC.")
        staff.locator("#notice-send").click()
        expect(staff.get_by_text("The notice was sent to the customer.")).to_be_visible()
    finally:
        staff_context.close()
    assert (
        sql(e2e_db_url, "SELECT count(*) FROM email_outbox WHERE subject = ?", f"Notice about order {other_name}")[0][0]
        == 1
    )

    page.goto(f"{server}/orders")
    notice = page.locator(".notification-banner", has_text=f"Notice about order {other_name}")
    expect(notice).to_contain_text("Planned maintenance tonight")
    notice.locator(".banner-dismiss").click()
    expect(notice).to_have_count(0)
    page.reload()
    expect(page.locator(".notification-banner.banner-critical", has_text=title)).to_be_visible()
    expect(page.locator(".notification-banner", has_text=f"Notice about order {other_name}")).to_have_count(0)

    # the list keeps everything
    page.goto(f"{server}/notifications")
    expect(page.locator("#notifications-table")).to_contain_text(title)
    expect(page.locator("#notifications-table")).to_contain_text(f"Notice about order {other_name}")
