"""The orders grid in a real browser: what the page shows is compared with the database itself."""

from __future__ import annotations

import csv
import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import CUSTOMER, OWN, SUPPORT, log_in, open_orders, sql

pytestmark = pytest.mark.e2e

NAMES = "#orders-table .cell-name"


def names(db_url: str, where: str = "", order: str = "o.created_at DESC, o.id DESC", limit: int = 25, offset: int = 0):
    rows = sql(db_url, f"SELECT o.service_name {OWN} {where} ORDER BY {order} LIMIT {limit} OFFSET {offset}")
    return [r[0] for r in rows]


def test_filter_by_status_sort_change_page_and_go_back(server: str, page: Page, e2e_db_url: str) -> None:
    open_orders(page, server)
    total = sql(e2e_db_url, f"SELECT count(*) {OWN}")[0][0]
    assert total > 25
    expect(page.locator(NAMES)).to_have_text(names(e2e_db_url))
    expect(page.locator("#orders-range")).to_have_text(f"1–25 of {total}")
    page.locator("#page-next").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(NAMES)).to_have_text(names(e2e_db_url, offset=25))
    page.go_back()
    expect(page.locator(NAMES)).to_have_text(names(e2e_db_url))

    page.locator("#filter-status-processed").click()
    expect(page).to_have_url(re.compile(r"status=processed(&|$)"))
    page.locator("#filter-status-suspended_nonpayment").click()
    expect(page).to_have_url(re.compile(r"status=processed%2Csuspended_nonpayment"))
    chosen = "AND o.status IN ('processed', 'suspended_nonpayment')"
    expect(page.locator(NAMES)).to_have_text(names(e2e_db_url, chosen))
    expect(page.locator("#orders-table .order-row.row-cancelled")).to_have_count(0)

    page.locator("#sort-paid_until").click()
    expect(page).to_have_url(re.compile(r"sort=paid_until&dir=asc"))
    by_paid = "o.paid_until IS NULL, o.paid_until ASC, o.id ASC"
    expect(page.locator(NAMES)).to_have_text(names(e2e_db_url, chosen, by_paid))
    page.locator("#sort-paid_until").click()
    expect(page).to_have_url(re.compile(r"sort=paid_until(?!&dir)"))
    by_paid_desc = "o.paid_until IS NULL, o.paid_until DESC, o.id DESC"
    expect(page.locator(NAMES)).to_have_text(names(e2e_db_url, chosen, by_paid_desc))
    # the URL is the view: a reload shows the same rows
    page.reload()
    expect(page.locator(NAMES)).to_have_text(names(e2e_db_url, chosen, by_paid_desc))
    page.locator("#clear-filters").click()
    expect(page.locator("#orders-range")).to_have_text(f"1–25 of {total}")


def test_search_finds_by_comment_ip_and_tariff(server: str, page: Page, e2e_db_url: str) -> None:
    open_orders(page, server)
    for term in ("backup", "185.", "storage"):
        like = f"%{term}%"
        where = (
            "AND (lower(o.service_name) LIKE ? OR lower(o.main_ip) LIKE ? OR lower(o.comment) LIKE ?"
            " OR lower(t.name) LIKE ?)"
        )
        rows = sql(
            e2e_db_url, f"SELECT o.service_name {OWN} {where} ORDER BY o.created_at DESC, o.id DESC", *[like] * 4
        )
        assert 0 < len(rows) <= 25, term
        page.locator("#orders-search").fill(term)
        expect(page).to_have_url(re.compile(rf"q={re.escape(term)}"))
        expect(page.locator(NAMES)).to_have_text([r[0] for r in rows])
    page.locator("#orders-search").fill("no-such-order-anywhere")
    expect(page.locator("#orders-empty")).to_contain_text("No orders match these filters.")


def test_a_column_chosen_in_the_show_menu_stays_after_reload(server: str, page: Page) -> None:
    open_orders(page, server)
    expect(page.locator("#sort-id")).to_have_count(0)
    page.locator("#show-menu").click()
    page.locator("#show-id").click()
    expect(page.locator("#sort-id")).to_be_visible()
    page.keyboard.press("Escape")
    page.reload()
    expect(page.locator("#orders-table .cell-id").first).to_be_visible()
    # and after a new login in another browser
    other = page.context.browser.new_context()  # type: ignore[union-attr]
    try:
        fresh = other.new_page()
        open_orders(fresh, server)
        expect(fresh.locator("#sort-id")).to_be_visible()
    finally:
        other.close()
    page.locator("#show-menu").click()
    page.locator("#show-id").click()
    expect(page.locator("#sort-id")).to_have_count(0)


def test_select_rows_across_pages(server: str, page: Page, e2e_db_url: str) -> None:
    total = sql(e2e_db_url, f"SELECT count(*) {OWN}")[0][0]
    open_orders(page, server)
    page.locator("#show-menu").click()
    page.locator("#show-batch").click()
    page.keyboard.press("Escape")
    page.locator("#select-page").click()
    expect(page.locator("#selected-count")).to_have_text("25")
    page.locator("#select-all-matching").click()
    expect(page.locator("#selected-count")).to_have_text(str(total))
    page.locator("#page-next").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    boxes = page.locator("#orders-table .row-select")
    expect(boxes).to_have_count(total - 25)
    for i in range(total - 25):
        expect(boxes.nth(i)).to_have_attribute("data-state", "checked")
    boxes.first.click()
    expect(page.locator("#selected-count")).to_have_text(str(total - 1))
    page.locator("#clear-selection").click()
    expect(page.locator("#selection-bar")).to_have_count(0)
    page.locator("#show-menu").click()
    page.locator("#show-batch").click()


def test_csv_download_has_exactly_the_filtered_orders(server: str, page: Page, e2e_db_url: str) -> None:
    open_orders(page, server, "?status=processed,cancelled&sort=paid_until&dir=asc")
    expect(page.locator("#orders-range")).to_contain_text("1–25 of")
    with page.expect_download() as download:
        page.locator("#export-csv").click()
    path = download.value.path()
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    expected = sql(
        e2e_db_url,
        f"SELECT o.id, o.service_name {OWN} AND o.status IN ('processed', 'cancelled') "
        "ORDER BY o.paid_until IS NULL, o.paid_until ASC, o.id ASC",
    )
    assert len(expected) > 25  # more than the visible page
    assert [(int(r["id"]), r["service_name"]) for r in rows] == expected
    assert set(rows[0]) == {
        "id", "created_at", "service_name", "tariff", "main_ip", "paid_until", "status", "price", "currency", "comment"
    }  # fmt: skip
    expect(page.locator("#export-progress-text")).to_contain_text(str(len(expected)))


def test_a_comment_is_edited_inline_and_shown_as_plain_text(server: str, page: Page, e2e_db_url: str) -> None:
    open_orders(page, server, "?sort=service_name&dir=asc")
    page.locator("#show-menu").click()
    page.locator("#show-comment").click()
    page.keyboard.press("Escape")
    first = page.locator("#orders-table .order-row").first
    first.locator(".comment-edit").click()
    text = "<script>alert(1)</script> =1+1"
    page.locator("#comment-input").fill(f"  {text}  ")
    page.locator("#comment-save").click()
    expect(first.locator(".comment-text")).to_have_text(text)
    stored = sql(e2e_db_url, f"SELECT o.comment {OWN} ORDER BY o.service_name LIMIT 1")[0][0]
    assert stored == text
    page.reload()
    expect(page.locator("#orders-table .order-row").first.locator(".comment-text")).to_have_text(text)
    page.locator("#show-menu").click()
    page.locator("#show-comment").click()


DOCUMENTED_FILTERS = ["filter-group-name", "filter-group-paid_from", "filter-group-status"]


def test_filters_follow_the_documents_order_and_the_shown_columns(server: str, page: Page, e2e_db_url: str) -> None:
    open_orders(page, server)
    group_ids = "els => els.map(e => e.id)"
    groups = page.locator("#filter-panel .filter-group")
    # service name, date (paid until), status; comment, ID and the creation date only with their columns
    expect(groups).to_have_count(3)
    assert groups.evaluate_all(group_ids) == DOCUMENTED_FILTERS
    expect(page.locator("#filter-comment")).to_have_count(0)
    for column in ("comment", "id", "created_at"):
        page.locator("#show-menu").click()
        page.locator(f"#show-{column}").click()
        page.keyboard.press("Escape")
    expect(groups).to_have_count(6)
    assert groups.evaluate_all(group_ids) == [
        *DOCUMENTED_FILTERS,
        "filter-group-comment",
        "filter-group-ids",
        "filter-group-created_from",
    ]
    page.locator("#filter-comment").fill("backup")
    page.locator("#apply-filters").click()
    expect(page).to_have_url(re.compile(r"comment=backup"))
    # hiding the column keeps its filter visible while it filters the view, and "Clear all" clears everything
    page.locator("#show-menu").click()
    page.locator("#show-comment").click()
    page.keyboard.press("Escape")
    expect(page.locator("#filter-comment")).to_have_value("backup")
    page.locator("#filter-status-processed").click()
    expect(page).to_have_url(re.compile(r"status=processed"))
    page.locator("#clear-filters").click()
    expect(page).not_to_have_url(re.compile(r"comment=|status="))
    expect(page.locator("#filter-comment")).to_have_count(0)
    for column in ("id", "created_at"):  # as the user found it
        page.locator("#show-menu").click()
        page.locator(f"#show-{column}").click()
        page.keyboard.press("Escape")
    expect(groups).to_have_count(3)


def test_support_staff_see_every_customer_and_filter_by_customer(server: str, page: Page, e2e_db_url: str) -> None:
    log_in(page, server, SUPPORT.username, SUPPORT.password)
    page.get_by_role("link", name="All orders").click()
    expect(page.locator("#page-title")).to_have_text("All orders")
    total = sql(e2e_db_url, "SELECT count(*) FROM orders")[0][0]
    expect(page.locator("#orders-range")).to_have_text(f"1–25 of {total:,}")
    expect(page.locator("#sort-customer")).to_be_visible()
    # the same filters in the same order as the customer's grid, the customer filter last
    expect(page.locator("#filter-panel .filter-group")).to_have_count(4)
    groups = page.locator("#filter-panel .filter-group").evaluate_all("els => els.map(e => e.id)")
    assert groups == [*DOCUMENTED_FILTERS, "filter-group-customer"]
    page.locator("#filter-customer").fill("demo")
    page.locator("#apply-filters").click()
    expect(page).to_have_url(re.compile(r"customer=demo"))
    own = sql(e2e_db_url, f"SELECT count(*) {OWN}")[0][0]
    expect(page.locator("#orders-range")).to_have_text(f"1–25 of {own}")
    expect(page.locator("#orders-table .cell-customer").first).to_have_text("demo")


def test_a_customer_cannot_open_the_staff_grid(server: str, page: Page) -> None:
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.goto(f"{server}/staff/orders")
    expect(page.locator("#page-title")).to_have_text("Dashboard")
    expect(page.locator("#sort-customer")).to_have_count(0)
