"""Scale-out mode only (two workers, state in Redis, PostgreSQL): a session across workers, and faults.

The fault tests restart this machine's PostgreSQL and Redis for real (the servers the scale-out panel
uses) and always leave them running: PostgreSQL with `pg_ctlcluster`, Redis with `redis-cli shutdown`
and the start command from the design guide.
"""

from __future__ import annotations

import re
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect

from bench import local_services
from tests.support.browser import (
    CUSTOMER,
    PROCESSED_BY_NAME,
    SUPPORT,
    first_processed,
    log_in,
    open_orders,
    select_in_grid,
    sql,
)
from tests.support.databases import REDIS_URL
from tests.support.sockets import open_socket

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("e2e_mode", ["scaleout"], indirect=True)]

UNAVAILABLE = re.compile("temporarily unavailable")
RECOVERY_LIMIT = 30.0  # seconds after the database is back


def worker_of(page: Page) -> str:
    node = page.locator("[data-worker]").first
    expect(node).to_have_attribute("data-worker", re.compile(r".+:\d+"))
    return node.get_attribute("data-worker") or ""


def reload_until_another_worker(page: Page, first: str, tries: int = 40) -> str:
    """Reload the tab (same Reflex token: sessionStorage survives) until its socket lands elsewhere."""
    for _ in range(tries):
        page.reload()
        expect(page.locator("#page-title")).to_be_visible()
        now = worker_of(page)
        if now != first:
            return now
    pytest.fail(f"{tries} reloads all landed on worker {first}: is the panel running several workers?")


def test_a_session_keeps_its_selection_when_the_next_event_lands_on_another_worker(
    server: str, page: Page, e2e_db_url: str
) -> None:
    names = [first_processed(e2e_db_url, k)[1] for k in (1, 2)]
    open_orders(page, server, PROCESSED_BY_NAME)
    select_in_grid(page, names)
    expect(page.locator("#selected-count")).to_have_text("2")
    first = worker_of(page)

    second = reload_until_another_worker(page, first)

    assert second != first
    # The selection was made on one worker and lives in Redis; the other worker continues it.
    expect(page.locator("#selected-count")).to_have_text("2")
    page.locator("#renew-selected").click()
    items = page.locator(".renew-item")
    expect(items).to_have_count(2)
    for name in names:
        expect(items.filter(has_text=name)).to_have_count(1)
    page.keyboard.press("Escape")
    expect(items).to_have_count(0)
    # Events keep landing on the new worker with the same signed-in session.
    page.locator("#orders-search").fill(names[0])
    expect(page.locator("#orders-table .cell-name")).to_have_text([names[0]])
    expect(page.locator("#user-menu")).to_contain_text(CUSTOMER.username)


# ---------------------------------------------------------------- faults


@contextmanager
def postgres_stopped() -> Iterator[None]:
    try:
        local_services.stop_postgres()
    except local_services.LocalServiceError as exc:
        pytest.fail(f"the fault tests restart the local PostgreSQL: {exc}", pytrace=False)
    try:
        yield
    finally:
        local_services.start_postgres()


def restart_redis() -> None:
    local_services.restart_redis(REDIS_URL)


def _open_ticket(page: Page, server: str, subject: str) -> int:
    page.goto(f"{server}/tickets")
    page.locator("#new-ticket").click()
    page.locator("#ticket-subject").fill(subject)
    page.locator("#ticket-message").fill("Opened before the database restart.")
    page.locator("#ticket-submit").click()
    expect(page).to_have_url(re.compile(r"/tickets/\d+$"))
    return int(page.url.rpartition("/")[2])


def test_a_postgres_restart_says_unavailable_loses_no_write_and_recovers(
    server: str, page: Page, e2e_db_url: str
) -> None:
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    tid = _open_ticket(page, server, "Network latency from Frankfurt")
    expect(page.locator(".ticket-message")).to_have_count(1)
    text = "Written while the database was restarting."
    page.locator("#ticket-reply").fill(text)

    with postgres_stopped():
        page.locator("#ticket-send").click()
        toast = page.locator("[data-sonner-toast]", has_text=UNAVAILABLE)
        expect(toast).to_be_visible()
        expect(page.locator(".ticket-message")).to_have_count(1)  # the page does not pretend it was sent
        expect(page.locator("#ticket-reply")).to_have_value(text)  # the text is kept for the retry
    back = time.monotonic()

    # The same button again, as a customer would, until it goes through (the panel is not restarted).
    while page.locator(".ticket-message").count() < 2:
        assert time.monotonic() - back < RECOVERY_LIMIT, "the panel did not recover within 30 s of the database"
        page.locator("#ticket-send").click()
        page.wait_for_timeout(1000)
    expect(page.locator(".ticket-message")).to_have_count(2)
    expect(page.locator(".ticket-message").nth(1)).to_contain_text(text)
    # Exactly once: the failed attempt left nothing behind, the retry wrote one row.
    assert sql(e2e_db_url, "SELECT count(*) FROM ticket_messages WHERE ticket_id = ? AND body = ?", tid, text) == [(1,)]
    # Page loads work again too.
    page.goto(f"{server}/orders")
    expect(page.locator("#page-title")).to_have_text("Orders")


def test_a_redis_restart_loses_no_data_and_leaks_no_session(
    server: str, page: Page, browser: Browser, e2e_db_url: str
) -> None:
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.goto(f"{server}/orders")
    expect(page.locator("#page-title")).to_have_text("Orders")
    staff_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    staff = staff_ctx.new_page()
    try:
        log_in(staff, server, SUPPORT.username, SUPPORT.password)
        staff.goto(f"{server}/staff/tickets")
        orders_before = sql(e2e_db_url, "SELECT count(*) FROM orders")[0][0]

        restart_redis()

        # Reloading is allowed to be needed; after it each tab is its own user again, with the data intact.
        for tab, who in ((page, CUSTOMER.username), (staff, SUPPORT.username)):
            tab.reload()
            expect(tab.locator("#page-title")).to_be_visible()
            expect(tab.locator("#user-menu")).to_contain_text(who)
        expect(page.locator("#page-title")).to_have_text("Orders")
        assert sql(e2e_db_url, "SELECT count(*) FROM orders")[0][0] == orders_before
        # The session cookie (in the database) still signs the customer in; a write goes through.
        tid = _open_ticket(page, server, "After the state store restarted")
        assert sql(e2e_db_url, "SELECT count(*) FROM tickets WHERE id = ?", tid) == [(1,)]
    finally:
        staff_ctx.close()


def test_the_websocket_and_the_routes_accept_only_the_panels_origin(server: str) -> None:
    assert open_socket(server, "origin-check-own", origin=server, settle=0) is not None
    assert open_socket(server, "origin-check-evil", origin="https://evil.example", settle=0) is None
    own = urllib.request.Request(f"{server}/healthz", headers={"Origin": server})  # noqa: S310
    with urllib.request.urlopen(own, timeout=10) as resp:  # noqa: S310 - our own test server
        assert resp.headers.get("access-control-allow-origin") == server
    foreign = urllib.request.Request(f"{server}/healthz", headers={"Origin": "https://evil.example"})  # noqa: S310
    with urllib.request.urlopen(foreign, timeout=10) as resp:  # noqa: S310
        assert resp.headers.get("access-control-allow-origin") is None
