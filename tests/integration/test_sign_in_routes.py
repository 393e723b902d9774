"""The sign-in exchange and sign-out routes: bound to the browser that signed in, same-origin only, and a
sign-out that ends the session on the server (issue 17, items 2 and 3)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from introserv_app.db.session import session_scope
from introserv_app.domain.validation import safe_next
from introserv_app.services.accounts import (
    DEVICE_COOKIE,
    LOGIN_BINDING_COOKIE,
    SESSION_COOKIE,
    LoginOutcome,
    authenticate,
    resolve_session,
)
from tests.support.builders import PASSWORD, make_user

OWN = "http://localhost:3000"
SAME_ORIGIN = {"Origin": OWN, "Sec-Fetch-Site": "same-origin"}


def _signed_in_form(engine: Engine) -> LoginOutcome:
    """What the login form's event gives the browser that submitted it: a ticket and its binding."""
    with session_scope(engine) as session:
        outcome = authenticate(session=session, username="alice", password=PASSWORD, ip="127.0.0.1")
    assert outcome.ticket and outcome.binding
    return outcome


def _exchange(client: TestClient, ticket: str, binding: str | None, headers: dict[str, str] | None = None, **form: str):
    client.cookies.clear()
    sent = {**(SAME_ORIGIN if headers is None else headers)}
    if binding is not None:
        sent["Cookie"] = f"{LOGIN_BINDING_COOKIE}={binding}"
    return client.post("/auth/complete", data={"ticket": ticket, **form}, headers=sent, follow_redirects=False)


def _set_cookies(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie")}


def _session_of(response) -> str:  # type: ignore[no-untyped-def]
    return _set_cookies(response)[SESSION_COOKIE].split(";")[0].split("=", 1)[1]


def _valid(engine: Engine, token: str) -> bool:
    with session_scope(engine) as session:
        return resolve_session(session=session, token=token) is not None


def test_the_browser_that_signed_in_gets_httponly_strict_session_and_device_cookies(
    engine: Engine, client: TestClient
) -> None:
    make_user(engine)
    outcome = _signed_in_form(engine)
    response = _exchange(client, outcome.ticket or "", outcome.binding, next="/orders")
    assert response.status_code == 303 and response.headers["location"] == "/orders"
    cookies = _set_cookies(response)
    for name in (SESSION_COOKIE, DEVICE_COOKIE):
        assert "HttpOnly" in cookies[name] and "SameSite=strict" in cookies[name] and "Path=/" in cookies[name]
    assert "Max-Age=0" in cookies[LOGIN_BINDING_COOKIE]  # the binding is used up
    assert response.headers["cache-control"] == "no-store"
    assert _valid(engine, _session_of(response))


def test_a_second_client_with_the_ticket_but_not_the_browsers_binding_gets_nothing(
    engine: Engine, client: TestClient
) -> None:
    make_user(engine)
    outcome = _signed_in_form(engine)
    # The attacker's own sign-in handed to someone else (login CSRF), or a ticket read from a log: no binding.
    for binding in (None, "", "guessed-binding", (outcome.binding or "")[:-1]):
        stolen = _exchange(client, outcome.ticket or "", binding)
        assert stolen.status_code == 303 and stolen.headers["location"] == "/login?failed=1"
        assert SESSION_COOKIE not in _set_cookies(stolen)
    # ... and the browser that signed in still completes its sign-in
    own = _exchange(client, outcome.ticket or "", outcome.binding)
    assert own.headers["location"] == "/" and _valid(engine, _session_of(own))


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://other.localhost:3000"},
        {"Origin": "null"},
    ],
)
def test_a_cross_site_exchange_is_refused_even_with_the_binding(
    engine: Engine, client: TestClient, headers: dict[str, str]
) -> None:
    make_user(engine)
    outcome = _signed_in_form(engine)
    refused = _exchange(client, outcome.ticket or "", outcome.binding, headers=headers)
    assert refused.headers["location"] == "/login?failed=1" and SESSION_COOKIE not in _set_cookies(refused)


def test_the_exchange_is_a_post_single_use_and_forged_tickets_fail(engine: Engine, client: TestClient) -> None:
    make_user(engine)
    outcome = _signed_in_form(engine)
    assert client.get("/auth/complete", params={"ticket": outcome.ticket}).status_code == 405
    assert _exchange(client, outcome.ticket or "", outcome.binding).headers["location"] == "/"
    again = _exchange(client, outcome.ticket or "", outcome.binding)
    assert again.headers["location"] == "/login?failed=1" and SESSION_COOKIE not in _set_cookies(again)
    forged = _exchange(client, "x" * 5000, "y" * 5000)
    assert forged.headers["location"] == "/login?failed=1"
    oversized = client.post(
        "/auth/complete",
        content=b"ticket=" + b"x" * 100_000,
        headers={**SAME_ORIGIN, "Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert oversized.headers["location"] == "/login?failed=1"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil", "javascript:alert(1)", "/ok\r\nSet-Cookie: x=1"]
)
def test_no_open_redirect_after_login(engine: Engine, client: TestClient, target: str) -> None:
    make_user(engine)
    outcome = _signed_in_form(engine)
    response = _exchange(client, outcome.ticket or "", outcome.binding, next=target)
    assert response.headers["location"] == "/"
    assert safe_next("/staff/outbox") == "/staff/outbox"


def _signed_in(engine: Engine, client: TestClient) -> str:
    outcome = _signed_in_form(engine)
    return _session_of(_exchange(client, outcome.ticket or "", outcome.binding))


def _export_status(client: TestClient, token: str) -> int:
    client.cookies.clear()
    return client.get("/export/orders.csv", headers={"Cookie": f"{SESSION_COOKIE}={token}"}).status_code


def test_sign_out_revokes_the_session_a_copied_cookie_is_refused_afterwards(engine: Engine, client: TestClient) -> None:
    make_user(engine)
    token = _signed_in(engine, client)
    assert _export_status(client, token) == 200
    client.cookies.clear()
    out = client.post(
        "/auth/logout", headers={**SAME_ORIGIN, "Cookie": f"{SESSION_COOKIE}={token}"}, follow_redirects=False
    )
    assert out.headers["location"] == "/login"
    deleted = _set_cookies(out)[SESSION_COOKIE]
    assert f'{SESSION_COOKIE}=""' in deleted and "Max-Age=0" in deleted
    # the replayed cookie no longer signs anyone in
    assert not _valid(engine, token)
    assert _export_status(client, token) == 401


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("GET", SAME_ORIGIN),  # a link or an <img> on any site
        ("GET", {}),
        ("POST", {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}),  # a form on another site
        ("POST", {"Sec-Fetch-Site": "cross-site"}),
    ],
)
def test_a_get_or_another_site_signs_nobody_out(
    engine: Engine, client: TestClient, method: str, headers: dict[str, str]
) -> None:
    make_user(engine)
    token = _signed_in(engine, client)
    client.cookies.clear()
    response = client.request(
        method, "/auth/logout", headers={**headers, "Cookie": f"{SESSION_COOKIE}={token}"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert SESSION_COOKIE not in _set_cookies(response)
    assert _valid(engine, token) and _export_status(client, token) == 200
