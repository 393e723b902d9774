"""API keys in the browser: the demo customer creates a key in Settings (a form error first), copies it from the
one-time notice, a script lists the customer's orders with it over HTTP, Settings then shows its last use, support
sees it on the customer's page, and once the customer revokes it the script is refused."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import CUSTOMER, SUPPORT, log_in, sign_out, sql

pytestmark = pytest.mark.e2e


def script_call(server: str, path: str, key: str, body: dict | None = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    """What a customer's script does: one HTTP request with the key, the JSON answer."""
    headers = {"Authorization": f"Bearer {key}", "Accept-Language": "en", "Idempotency-Key": "e2e-1"}
    if body is None:
        response = httpx.get(f"{server}{path}", headers=headers, timeout=30)
    else:
        response = httpx.post(f"{server}{path}", headers=headers, json=body, timeout=30)
    return response.status_code, response.json()


def test_a_customer_creates_a_key_a_script_lists_orders_with_it_and_revoking_stops_it(
    server: str, page: Page, e2e_db_url: str
) -> None:
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.goto(f"{server}/settings")
    card = page.locator("#api-keys")
    expect(card).to_contain_text("No API keys yet.")
    page.locator("#api-key-name").fill("nightly renewals")
    page.locator("#api-key-create").click()
    expect(page.locator("#api-key-error-scopes")).to_have_text("Choose at least one scope.")
    page.locator("#api-key-scope-read").check()
    page.locator("#api-key-create").click()
    expect(page.locator("#api-key-error-password")).to_be_visible()  # a key outlives the session: password first
    page.locator("#api-key-password").fill(CUSTOMER.password)
    page.locator("#api-key-create").click()
    secret = page.locator("#api-key-secret")
    expect(secret).to_contain_text("isk_")
    key = secret.inner_text().strip()
    expect(page.locator("#api-key-new")).to_contain_text("shown only once")
    expect(page.locator(".api-key-row")).to_have_count(1)
    expect(page.locator(".api-key-row")).to_contain_text(key[:12])

    status, body = script_call(server, "/api/v1/orders?size=100&sort=id&dir=asc", key)
    assert status == 200, body
    expected = sql(
        e2e_db_url,
        "SELECT o.id FROM orders o JOIN users u ON u.id = o.user_id WHERE u.username = ? ORDER BY o.id LIMIT 100",
        CUSTOMER.username,
    )
    assert [o["id"] for o in body["items"]] == [r[0] for r in expected]
    assert body["total"] >= len(expected) > 0
    # A read-only key: renewing is refused, with the panel's message.
    renew = {"items": [{"order_id": expected[0][0], "months": 1}]}
    status, problem = script_call(server, "/api/v1/orders/renew", key, renew)
    assert status == 403 and "billing" in problem["detail"]

    page.locator("#api-key-done").click()
    expect(page.locator("#api-key-secret")).to_have_count(0)
    page.reload()
    expect(page.locator(".api-key-row")).to_contain_text("127.0.0.1")  # last used from

    sign_out(page)
    log_in(page, server, SUPPORT.username, SUPPORT.password)
    [(uid,)] = sql(e2e_db_url, "SELECT id FROM users WHERE username = ?", CUSTOMER.username)
    page.goto(f"{server}/staff/customers/{uid}")
    expect(page.locator("#customer-api-keys")).to_contain_text(key[:12])
    expect(page.locator("#customer-api-keys")).not_to_contain_text(key[13:])
    sign_out(page)

    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.goto(f"{server}/settings")
    page.locator(".api-key-revoke").click()
    expect(page.get_by_text(f"API key {key[:12]} revoked")).to_be_visible()
    expect(page.locator(".api-key-row")).to_contain_text("Revoked")
    status, problem = script_call(server, "/api/v1/orders", key)
    assert status == 401 and problem["detail"] == "The API key is missing, unknown, revoked or expired."
