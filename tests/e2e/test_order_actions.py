"""Renewing and cancelling from the orders grid, in a real browser, checked against the database."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import OWN, PROCESSED_BY_NAME, first_processed, open_orders, row_of, select_in_grid, sql

pytestmark = pytest.mark.e2e


def test_renew_one_order_from_its_actions_menu(server: str, page: Page, e2e_db_url: str) -> None:
    oid, name, paid_until = first_processed(e2e_db_url)
    invoices_before = sql(e2e_db_url, "SELECT count(*) FROM invoices")[0][0]
    open_orders(page, server, PROCESSED_BY_NAME)
    row_of(page, name).locator(".row-actions").click()
    page.get_by_role("menuitem", name="Renew order").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(name)
    expect(page.locator("#renew-total")).to_have_text(re.compile(r"€\d"))
    page.locator("#renew-confirm").click()
    expect(dialog).to_have_count(0)
    expect(page.locator("[data-sonner-toast]", has_text=re.compile(r"Invoice \d{4}-\d{6}"))).to_be_visible()
    assert sql(e2e_db_url, "SELECT count(*) FROM invoices")[0][0] == invoices_before + 1
    new_paid = sql(e2e_db_url, "SELECT paid_until FROM orders WHERE id = ?", oid)[0][0]
    paid = sql(e2e_db_url, "SELECT status FROM invoices ORDER BY id DESC LIMIT 1")[0][0]
    # paid from the balance when it covered the total, otherwise an unpaid invoice and no change yet
    assert (paid == "paid" and new_paid > paid_until) or (paid == "unpaid" and new_paid == paid_until)


def test_batch_renew_three_orders_with_different_periods(server: str, page: Page, e2e_db_url: str) -> None:
    names = [first_processed(e2e_db_url, k)[1] for k in (1, 2, 3)]
    open_orders(page, server, PROCESSED_BY_NAME)
    select_in_grid(page, names)
    expect(page.locator("#selected-count")).to_have_text("3")
    page.locator("#renew-selected").click()
    items = page.locator(".renew-item")
    expect(items).to_have_count(3)
    for index, months in ((1, "3"), (2, "12")):
        items.nth(index).get_by_role("combobox").click()
        page.get_by_role("option", name=months, exact=True).click()
        expect(items.nth(index).get_by_role("combobox")).to_have_text(months)
    page.locator("#renew-confirm").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("[data-sonner-toast]", has_text=re.compile(r"Invoice \d{4}-\d{6}"))).to_be_visible()
    lines = sql(
        e2e_db_url,
        "SELECT o.service_name, l.period_months FROM invoice_lines l JOIN orders o ON o.id = l.order_id "
        "WHERE l.invoice_id = (SELECT max(id) FROM invoices) ORDER BY l.id",
    )
    assert sorted(lines) == sorted(zip(names, [1, 3, 12], strict=True))
    page.locator("#show-menu").click()
    page.locator("#show-batch").click()


def test_batch_renewal_lists_what_cannot_be_renewed_and_renews_the_others(
    server: str, page: Page, e2e_db_url: str
) -> None:
    renewable = [first_processed(e2e_db_url, k)[1] for k in (5, 6)]
    gone = sql(e2e_db_url, f"SELECT o.service_name {OWN} AND o.status = 'cancelled' ORDER BY o.service_name LIMIT 1")
    gone_name = gone[0][0]
    invoices_before = sql(e2e_db_url, "SELECT count(*) FROM invoices")[0][0]
    open_orders(page, server, "?status=processed,cancelled&sort=service_name&dir=asc&size=100")
    select_in_grid(page, [*renewable, gone_name])
    expect(page.locator("#selection-limit")).to_have_text("(up to 1,000 at once)")
    page.locator("#renew-selected").click()
    refused = page.locator("#renew-refused")
    expect(refused).to_contain_text("1 of the selected orders cannot be renewed now:")
    expect(refused.locator(".renew-refused")).to_have_text(f"{gone_name} — A cancelled order cannot be renewed.")
    expect(page.locator(".renew-item")).to_have_count(2)
    expect(page.locator("#renew-confirm")).to_have_text("Renew the other 2")
    # one click drops the cancelled order from the selection; the dialog keeps the other two
    page.locator("#renew-drop-refused").click()
    expect(refused).to_have_count(0)
    expect(page.locator("#selected-count")).to_have_text("2")
    expect(page.locator("#renew-confirm")).to_have_text(re.compile("Pay from balance|Create invoice"))
    page.locator("#renew-confirm").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("[data-sonner-toast]", has_text=re.compile(r"Invoice \d{4}-\d{6}"))).to_be_visible()
    assert sql(e2e_db_url, "SELECT count(*) FROM invoices")[0][0] == invoices_before + 1
    lines = sql(
        e2e_db_url,
        "SELECT o.service_name FROM invoice_lines l JOIN orders o ON o.id = l.order_id "
        "WHERE l.invoice_id = (SELECT max(id) FROM invoices)",
    )
    assert sorted(r[0] for r in lines) == sorted(renewable)
    hide_batch_column(page)


def test_renew_the_others_in_one_click(server: str, page: Page, e2e_db_url: str) -> None:
    renewable = first_processed(e2e_db_url, 7)[1]
    gone = sql(e2e_db_url, f"SELECT o.service_name {OWN} AND o.status = 'cancelled' ORDER BY o.service_name LIMIT 1")
    open_orders(page, server, "?status=processed,cancelled&sort=service_name&dir=asc&size=100")
    select_in_grid(page, [renewable, gone[0][0]])
    page.locator("#renew-selected").click()
    page.locator("#renew-confirm").filter(has_text="Renew the other 1").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("[data-sonner-toast]", has_text=re.compile(r"Invoice \d{4}-\d{6}"))).to_be_visible()
    lines = sql(
        e2e_db_url,
        "SELECT o.service_name FROM invoice_lines l JOIN orders o ON o.id = l.order_id "
        "WHERE l.invoice_id = (SELECT max(id) FROM invoices)",
    )
    assert [r[0] for r in lines] == [renewable]
    hide_batch_column(page)


def hide_batch_column(page: Page) -> None:  # as the next test expects to find it
    page.locator("#show-menu").click()
    page.locator("#show-batch").click()
    page.keyboard.press("Escape")


def test_cancel_at_period_end_then_withdraw(server: str, page: Page, e2e_db_url: str) -> None:
    oid, name, _ = first_processed(e2e_db_url, 4)
    open_orders(page, server, PROCESSED_BY_NAME)
    row_of(page, name).locator(".row-actions").click()
    page.get_by_role("menuitem", name="Cancel order").click()
    page.locator("#cancel-reason").fill("Moving to a bigger server")
    page.locator("#cancel-confirm").click()
    expect(page.get_by_text("The order will be cancelled at the end of its paid period.")).to_be_visible()
    assert sql(e2e_db_url, "SELECT status, cancel_mode, cancel_reason FROM orders WHERE id = ?", oid)[0] == (
        "processed",
        "period_end",
        "Moving to a bigger server",
    )
    row_of(page, name).locator(".row-actions").click()
    page.get_by_role("menuitem", name="Withdraw the cancellation").click()
    expect(page.get_by_text("The cancellation is withdrawn.")).to_be_visible()
    assert sql(e2e_db_url, "SELECT cancel_mode FROM orders WHERE id = ?", oid)[0] == (None,)
