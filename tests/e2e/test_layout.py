"""Every page fits the window at common widths, in English and Russian: a 1280 px laptop and a 390 px phone.

The whole page never scrolls sideways; a wide table scrolls inside its own frame with the service name and the
actions column in view; the top bar stays usable. The customer's grid shows every optional column.

On the embedded default only: both modes serve the same production build of the pages, and a layout does not
depend on where the backend keeps its state (the two runs cost three minutes of `make test`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import ADMIN, CUSTOMER, OWN, log_in, sql

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("e2e_mode", ["embedded"], indirect=True)]

WIDTHS = (1280, 390)
OPTIONAL = ("comment", "batch", "id", "created_at")


def _switch_language(page: Page, name: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#language-switcher").click()
    page.get_by_role("option", name=name).click()


def _show_columns(page: Page, wanted: bool) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator("#orders-table .order-row").first).to_be_visible()
    for column in OPTIONAL:
        page.locator("#show-menu").click()
        box = page.locator(f"#show-{column}")
        if (box.get_attribute("data-state") == "checked") != wanted:
            box.click()
        page.keyboard.press("Escape")


def _fits(page: Page, server: str, path: str, width: int, ready: str = "#page-title") -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(server + path)
    expect(page.locator(ready).first).to_be_visible()
    expect(page).to_have_title(re.compile(r"^\S.* · INTROSERV$"))  # each page has its own tab title
    page.wait_for_timeout(400)  # the page's data, pushed over the socket after the title
    document = page.evaluate("document.documentElement.scrollWidth")
    assert document <= width, f"{path} is {document} px wide in a {width} px window"


@pytest.fixture
def customer_with_every_column(server: str, page: Page) -> Iterator[Page]:
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.goto(f"{server}/orders")
    _show_columns(page, True)
    try:
        yield page
    finally:  # as the other tests expect to find the account
        page.goto(f"{server}/orders")
        if page.locator("#page-title").inner_text() != "Orders":
            _switch_language(page, "English")
        _show_columns(page, False)


def test_every_customer_page_fits_at_1280_and_390_in_both_languages(
    server: str, customer_with_every_column: Page, e2e_db_url: str
) -> None:
    page = customer_with_every_column
    order_id = sql(e2e_db_url, f"SELECT o.id {OWN} ORDER BY o.id LIMIT 1")[0][0]
    ticket = sql(e2e_db_url, "SELECT t.id FROM tickets t JOIN users u ON u.id = t.user_id WHERE u.username = 'demo'")
    paths = ["/", "/orders", f"/orders/{order_id}", "/order", "/invoices", "/tickets", "/notifications", "/settings"]
    paths += ["/incidents", "/vat"]
    paths += [f"/tickets/{ticket[0][0]}"] if ticket else []
    for language, orders_title in (("English", "Orders"), ("Русский", "Заказы")):
        if language != "English":
            _switch_language(page, language)
        for width in WIDTHS:
            for path in paths:
                _fits(page, server, path, width, "#orders-table .order-row" if path == "/orders" else "#page-title")
            # the grid with every column: it scrolls in its frame, the name and the actions stay in view
            page.goto(f"{server}/orders/{order_id}")
            order_word = "Order" if language == "English" else "Заказ"
            expect(page).to_have_title(re.compile(rf"^{order_word} [a-z0-9]+ · INTROSERV$"))
            page.goto(f"{server}/orders")
            expect(page.locator("#page-title")).to_have_text(orders_title)
            expect(page).to_have_title(f"{orders_title} · INTROSERV")
            first = page.locator("#orders-table .order-row").first
            for cell in (".cell-name", ".cell-actions"):
                box = first.locator(cell).bounding_box()
                assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= width, (language, width, cell)
            # the top bar: balance, language and the user menu are inside the window
            for control in ("#top-balance", "#language-switcher", "#user-menu"):
                box = page.locator(control).bounding_box()
                assert box is not None and box["x"] + box["width"] <= width, (language, width, control)
            # a dialog fits a phone: the renewal dialog of an active order
            page.goto(f"{server}/orders?status=processed")
            first = page.locator("#orders-table .order-row").first
            first.locator(".row-actions").click()
            page.locator(".action-renew").click()
            dialog = page.get_by_role("dialog")
            expect(dialog).to_be_visible()
            box = dialog.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (language, width)
            expect(page.locator("#renew-confirm")).to_be_in_viewport()
            page.keyboard.press("Escape")
            expect(dialog).to_have_count(0)
    _switch_language(page, "English")
    expect(page.locator("#page-title")).to_have_text("Orders")


def test_every_staff_and_public_page_fits_at_1280_and_390_in_both_languages(
    server: str, page: Page, e2e_db_url: str
) -> None:
    customer = sql(e2e_db_url, "SELECT id FROM users WHERE username = 'demo'")[0][0]
    for width in WIDTHS:
        for path in ("/login", "/signup", "/forgot"):
            _fits(page, server, path, width, "form")
    log_in(page, server, ADMIN.username, ADMIN.password)
    paths = ["/staff", "/staff/orders", "/staff/customers", f"/staff/customers/{customer}", "/staff/tickets"]
    paths += [
        "/staff/tariffs",
        "/staff/outbox",
        "/staff/audit",
        "/staff/admin",
        "/staff/incidents",
        "/staff/newsletter",
    ]
    try:
        for language in ("English", "Русский"):
            if language != "English":
                _switch_language(page, language)
            for width in WIDTHS:
                for path in paths:
                    _fits(page, server, path, width)
    finally:
        _switch_language(page, "English")
