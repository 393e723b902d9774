"""The support console in the browser: finding a customer, acting on an order, tickets both ways, and a
customer who gets nothing from any staff page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.support.browser import ADMIN, CUSTOMER, OWN, SUPPORT, log_in, sql

STAFF_PAGES = (
    "/staff",
    "/staff/customers",
    "/staff/customers/1",
    "/staff/orders",
    "/staff/tickets",
    "/staff/audit",
    "/staff/admin",
    "/staff/outbox",
    "/staff/tariffs",
)
#: Elements only staff pages have (none of them may appear for a customer).
STAFF_ELEMENTS = (
    "#customers-table",
    "#customer-actions",
    "#queue-table",
    "#audit-table",
    "#staff-table",
    "#outbox-table",
    "#revenue-chart",
    "#staff-actions",
)


@pytest.fixture
def staff(browser: Browser) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    log_in(page, SERVER[0], SUPPORT.username, SUPPORT.password)
    yield page
    context.close()


SERVER: list[str] = [""]


@pytest.fixture(autouse=True)
def _server(server: str) -> None:
    SERVER[0] = server


def _demo_order(db: str, status: str, offset: int = 0) -> tuple[int, str]:
    row = sql(
        db,
        f"SELECT o.id, o.service_name {OWN} AND o.status = ? AND o.cancel_mode IS NULL "
        f"ORDER BY o.service_name DESC LIMIT 1 OFFSET {offset}",
        status,
    )
    return row[0][0], row[0][1]


def test_support_finds_a_customer_marks_an_order_processed_and_the_customer_sees_it(
    server: str, page: Page, staff: Page, e2e_db_url: str
) -> None:
    # the demo customer's newest paid order, as it is right after payment: processing, no main IP yet
    oid, name = _demo_order(e2e_db_url, "processed")
    sql(e2e_db_url, "UPDATE orders SET status = 'processing', main_ip = NULL WHERE id = ?", oid)
    expect(staff.locator("#page-title")).to_have_text("Support dashboard")
    expect(staff.locator("#revenue-chart")).to_be_visible()
    staff.get_by_role("link", name="Customers").click()
    staff.locator("#customer-search").fill(name)  # found by the order's name
    staff.locator("#customer-search-go").click()
    expect(staff).to_have_url(re.compile(r"/staff/customers\?q="))
    staff.locator(f"#customer-link-{CUSTOMER.username}").click()
    expect(staff.locator("#customer-username")).to_have_text(CUSTOMER.username)
    expect(staff.locator("#customer-orders")).to_be_visible()
    staff.goto(f"{server}/orders/{oid}")
    staff.locator("#deliver-ip").fill("192.0.2.77")
    staff.locator("#deliver-order").click()
    expect(staff.get_by_text("The order is marked processed; the customer was told.")).to_be_visible()

    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.goto(f"{server}/orders/{oid}")
    expect(page.locator("#order-timeline")).to_contain_text("Delivered")
    expect(page.get_by_text("192.0.2.77")).to_be_visible()
    page.goto(f"{server}/notifications")
    expect(page.locator("#notifications-table")).to_contain_text(f"Order {name} is ready")

    # the action is in the audit log, filtered by the customer
    staff.goto(f"{server}/staff/audit?customer={CUSTOMER.username}&action=order.deliver")
    expect(staff.locator("#audit-table")).to_contain_text("order.deliver")
    expect(staff.locator("#audit-table")).to_contain_text("192.0.2.77")


def test_support_suspends_for_a_violation_and_the_customer_sees_the_banner(
    server: str, page: Page, staff: Page, e2e_db_url: str
) -> None:
    oid, name = _demo_order(e2e_db_url, "processed", offset=1)
    staff.goto(f"{server}/orders/{oid}")
    staff.locator("#action-suspend").click()
    staff.locator("#action-suspend-confirm").click()  # no reason: refused, the dialog stays
    expect(staff.locator("#action-suspend-dialog")).to_contain_text("Give a reason")
    assert sql(e2e_db_url, "SELECT status FROM orders WHERE id = ?", oid)[0][0] == "processed"
    staff.locator("#suspend-reason").fill("Outgoing spam reported by abuse desk.")
    staff.locator("#action-suspend-confirm").click()
    expect(staff.get_by_text("The order is suspended; the customer sees a banner and got an email.")).to_be_visible()
    assert sql(e2e_db_url, "SELECT status FROM orders WHERE id = ?", oid)[0][0] == "suspended_violation"

    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.goto(f"{server}/orders")
    banner = page.locator(".notification-banner.banner-critical", has_text=f"Order {name} is suspended for a violation")
    expect(banner).to_contain_text("Outgoing spam reported by abuse desk.")
    expect(banner.locator(".banner-dismiss")).to_have_count(0)

    staff.reload()
    staff.locator("#action-lift").click()
    staff.locator("#lift-reason").fill("Customer removed the compromised script.")
    staff.locator("#action-lift-confirm").click()
    expect(staff.get_by_text("The suspension is lifted; the customer was told.")).to_be_visible()
    page.reload()
    expect(page.locator(".notification-banner", has_text=f"Order {name} is active again")).to_be_visible()
    expect(banner).to_have_count(0)


def test_a_ticket_goes_back_and_forth(server: str, page: Page, staff: Page, e2e_db_url: str) -> None:
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.goto(f"{server}/tickets")
    page.locator("#new-ticket").click()
    page.locator("#ticket-subject").fill("Invoice sent to the wrong company name")
    page.locator("#ticket-category").select_option("complaint")
    page.locator("#ticket-message").fill("Please reissue it for ACME GmbH.")
    page.locator("#ticket-submit").click()
    expect(page).to_have_url(re.compile(r"/tickets/\d+$"))
    tid = int(page.url.rpartition("/")[2])

    staff.goto(f"{server}/staff/tickets?category=complaint")
    staff.locator(f"#queue-ticket-{tid}").click()
    expect(staff.locator(".ticket-message")).to_contain_text("Please reissue it for ACME GmbH.")
    staff.locator("#ticket-reply").fill("Done: the corrected invoice is in your Invoices tab.")
    staff.locator("#ticket-send").click()
    expect(staff.locator(".ticket-message")).to_have_count(2)
    expect(staff.locator("#ticket-assign")).to_have_value(SUPPORT.username)  # who answers takes the ticket

    page.reload()
    expect(page.locator(".ticket-message").nth(1)).to_contain_text("the corrected invoice")
    expect(page.locator("#ticket-status")).to_contain_text("Answered")
    # the answer was mailed to the complaints address
    subject = f"Support answered your complaint #{tid}"
    assert sql(e2e_db_url, "SELECT count(*) FROM email_outbox WHERE subject = ?", subject)[0][0] == 1
    page.locator("#ticket-reply").fill("Thank you!")
    page.locator("#ticket-send").click()
    expect(page.locator(".ticket-message")).to_have_count(3)

    staff.reload()
    expect(staff.locator(".ticket-message").nth(2)).to_contain_text("Thank you!")
    staff.locator("#ticket-close").click()
    expect(staff.locator("#ticket-closed")).to_be_visible()
    page.reload()
    expect(page.locator("#ticket-closed")).to_be_visible()
    expect(page.locator("#ticket-reply")).to_have_count(0)


def test_a_customer_gets_nothing_from_any_staff_page(server: str, page: Page) -> None:
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    for path in STAFF_PAGES:
        page.goto(f"{server}{path}")
        expect(page.locator("#page-title")).to_have_text("Dashboard")
        expect(page).to_have_url(re.compile(r"/$"))
        for selector in STAFF_ELEMENTS:
            expect(page.locator(selector)).to_have_count(0)
    response = page.request.get(f"{server}/staff/audit.csv")
    assert response.status == 403


def test_support_cannot_open_the_admin_page_but_an_admin_can(server: str, staff: Page, browser: Browser) -> None:
    staff.goto(f"{server}/staff/admin")
    expect(staff.locator("#staff-table")).to_have_count(0)
    expect(staff.get_by_text("Only an administrator can do this.")).to_be_visible()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        admin = context.new_page()
        log_in(admin, server, ADMIN.username, ADMIN.password)
        admin.goto(f"{server}/staff/admin")
        expect(admin.locator("#staff-table")).to_contain_text(SUPPORT.username)
    finally:
        context.close()
