"""The REST API on SQLite and PostgreSQL: keys and their scopes, IP lists and the account's IP restrictions,
scoping to the key's owner (another customer's things are 404 like unknown ids), idempotent renewals under
concurrency, rate limits (in memory and shared through Redis by two workers), bad input, translations, the CLI."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.testclient import TestClient

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import ApiKey, AuditEvent, Invoice, Order, Profile, TariffPlan, Ticket
from introserv_app.db.types import utcnow
from introserv_app.domain.grid import parse_grid_query
from introserv_app.domain.roles import Role
from introserv_app.services import apikeys, billing, messaging, orders, servers
from introserv_app.services.common.errors import PermissionDenied
from introserv_app.tools.bmc_sim import SimulatedServer, free_port
from introserv_app.web.api import api_mount, build_rest_api
from introserv_app.web.api._limits import Limiter, MemoryLimiter, RedisLimiter
from tests.support.billing import fund, who
from tests.support.builders import PASSWORD, make_user, viewer
from tests.support.concurrency import run_concurrently

REDIS_URL = "redis://127.0.0.1:6379/0"


def api(engine: Engine, limiter: Limiter | None = None, ip: str = "203.0.113.7") -> TestClient:
    app = Starlette(routes=[api_mount(build_rest_api(lambda: session_scope(engine), limiter or MemoryLimiter()))])
    return TestClient(app, base_url="http://localhost:3000", client=(ip, 50000), raise_server_exceptions=False)


def new_key(engine: Engine, username: str, *scopes: str, ip_list: str = "", expires: object = None) -> str:
    with session_scope(engine) as session:
        return apikeys.create_key_for(
            session=session, username=username, name="script", scopes=list(scopes), ip_list=ip_list, expires=expires
        ).secret


def bearer(key: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **extra}


def audit_actions(engine: Engine, action: str) -> list[dict[str, object]]:
    with session_scope(engine) as session:
        rows = session.execute(sa.select(AuditEvent.details).where(AuditEvent.action == action)).all()
    return [r[0] or {} for r in rows]


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Generous limits for the tests that do not test limits."""
    monkeypatch.setenv("INTROSERV_API_PER_KEY_PER_MINUTE", "10000")
    monkeypatch.setenv("INTROSERV_API_PER_IP_PER_MINUTE", "10000")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_key_sees_its_owner_orders_as_the_grid_does_and_pages_with_links(
    engine: Engine, shop: dict[str, int], limits: None
) -> None:
    key = new_key(engine, "fin", "read")
    client = api(engine)
    r = client.get("/api/v1/orders?size=25&sort=paid_until&dir=asc&status=processed,processing", headers=bearer(key))
    assert r.status_code == 200, r.text
    query, _ = parse_grid_query({"size": "25", "sort": "paid_until", "dir": "asc", "status": "processed,processing"})
    with session_scope(engine) as session:
        page = orders.orders_page(session=session, viewer=who(shop), query=query)
    body = r.json()
    assert [o["id"] for o in body["items"]] == [row.id for row in page.rows]
    assert body["total"] == page.total == 3
    assert shop["foreign"] not in [o["id"] for o in body["items"]]
    assert body["items"][0]["price"] == {"amount": "4.00", "minor": 400, "currency": "EUR"}
    assert 'rel="first"' in r.headers["link"] and r.headers["x-total-count"] == "3"
    # The grid's own messages for what it ignores.
    r = client.get("/api/v1/orders?created_from=yesterday", headers=bearer(key, **{"Accept-Language": "ru"}))
    assert r.status_code == 200 and r.json()["warnings"] and "2025-09-03" in r.json()["warnings"][0]
    # Paging: two a page is not a size the grid offers; 25/50/100 are, and Link names next/last.
    with session_scope(engine) as session:
        some_tariff = session.execute(sa.select(TariffPlan.id)).scalars().first()
    for n in range(30):
        with session_scope(engine) as session:
            session.add(
                Order(
                    user_id=shop["user"],
                    service_name=f"bulk{n}",
                    tariff_id=some_tariff,
                    status="processed",
                    price_minor=100,
                    currency="EUR",
                )
            )
    r = client.get("/api/v1/orders", headers=bearer(key))
    assert r.json()["pages"] == 2 and 'rel="next"' in r.headers["link"] and "page=2" in r.headers["link"]
    assert len(client.get("/api/v1/orders?page=2", headers=bearer(key)).json()["items"]) == 37 - 25


def test_another_customers_things_are_404_exactly_like_unknown_ids(
    engine: Engine, shop: dict[str, int], limits: None
) -> None:
    key = new_key(engine, "fin", "read", "billing", "tickets", "servers")
    client = api(engine)
    other = viewer(engine, "other")
    with session_scope(engine) as session:
        ticket = messaging.create_ticket(
            session=session, viewer=other, subject="Mine", category="billing", message="private text"
        )
        tariff_id = session.execute(sa.select(TariffPlan.id)).scalars().first()
        invoice_id = billing.place_order(
            session=session, viewer=other, tariff_id=tariff_id, months=1, idem_key="other-order-0000001"
        ).invoice_id
    unknown = 2_000_000_000
    pairs = [
        ("GET", f"/api/v1/orders/{shop['foreign']}", f"/api/v1/orders/{unknown}", None),
        ("GET", f"/api/v1/invoices/{invoice_id}", f"/api/v1/invoices/{unknown}", None),
        ("GET", f"/api/v1/invoices/{invoice_id}/pdf", f"/api/v1/invoices/{unknown}/pdf", None),
        ("GET", f"/api/v1/tickets/{ticket}", f"/api/v1/tickets/{unknown}", None),
        ("POST", f"/api/v1/tickets/{ticket}/replies", f"/api/v1/tickets/{unknown}/replies", {"message": "hi"}),
        ("POST", f"/api/v1/orders/{shop['foreign']}/cancel", f"/api/v1/orders/{unknown}/cancel", {"mode": "immediate"}),
        ("PUT", f"/api/v1/orders/{shop['foreign']}/comment", f"/api/v1/orders/{unknown}/comment", {"comment": "x"}),
        ("GET", f"/api/v1/servers/{shop['foreign']}/power", f"/api/v1/servers/{unknown}/power", None),
    ]
    for method, theirs, missing, body in pairs:
        a = client.request(method, theirs, headers=bearer(key), json=body)
        b = client.request(method, missing, headers=bearer(key), json=body)
        assert a.status_code == b.status_code == 404, (theirs, a.text)
        assert a.headers["content-type"] == "application/problem+json"
        assert a.json()["detail"] == b.json()["detail"]
    # Renewing theirs with one of mine: refused as a whole, nothing renewed.
    r = client.post(
        "/api/v1/orders/renew",
        headers=bearer(key, **{"Idempotency-Key": "k-1"}),
        json={"items": [{"order_id": shop["active"], "months": 1}, {"order_id": shop["foreign"], "months": 1}]},
    )
    assert r.status_code == 404
    with session_scope(engine) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Invoice)).scalar_one() == 1
        assert session.get(Ticket, ticket).status == "open"  # type: ignore[union-attr]
    # The other customer's thread never leaked into a list either.
    assert all(t["id"] != ticket for t in client.get("/api/v1/tickets", headers=bearer(key)).json()["items"])


def test_scopes_ip_lists_expiry_and_revocation(engine: Engine, shop: dict[str, int], limits: None) -> None:
    read_only = new_key(engine, "fin", "read")
    client = api(engine)
    renew = {"items": [{"order_id": shop["active"], "months": 1}]}
    r = client.post("/api/v1/orders/renew", headers=bearer(read_only, **{"Idempotency-Key": "abc"}), json=renew)
    assert r.status_code == 403 and "billing" in r.json()["detail"]
    tickets_only = new_key(engine, "fin", "tickets")
    assert client.get("/api/v1/orders", headers=bearer(tickets_only)).status_code == 403
    assert client.get("/api/v1/tickets", headers=bearer(tickets_only)).status_code == 200
    assert [d["reason"] for d in audit_actions(engine, "api_key.refused")] == ["scope billing", "scope read"]
    # The key's IP list.
    office = new_key(engine, "fin", "read", ip_list="198.51.100.0/24")
    assert client.get("/api/v1/balance", headers=bearer(office)).status_code == 403
    assert api(engine, ip="198.51.100.20").get("/api/v1/balance", headers=bearer(office)).status_code == 200
    # The account's own IP restrictions apply to every key.
    with session_scope(engine) as session:
        session.get(Profile, shop["user"]).ip_restrictions = "192.0.2.0/24"  # type: ignore[union-attr]
    assert client.get("/api/v1/balance", headers=bearer(read_only)).status_code == 403
    assert api(engine, ip="198.51.100.20").get("/api/v1/balance", headers=bearer(office)).status_code == 403
    assert api(engine, ip="192.0.2.9").get("/api/v1/balance", headers=bearer(read_only)).status_code == 200
    reasons = [d["reason"] for d in audit_actions(engine, "api_key.refused")]
    assert reasons.count("key ip list") == 1 and reasons.count("account ip restrictions") == 2
    with session_scope(engine) as session:
        session.get(Profile, shop["user"]).ip_restrictions = ""  # type: ignore[union-attr]
    # Expired, revoked, unknown, wrong secret, no key: 401.
    soon = new_key(engine, "fin", "read", expires=(utcnow().date() + timedelta(days=1)).isoformat())
    assert client.get("/api/v1/balance", headers=bearer(soon)).status_code == 200
    with session_scope(engine) as session:
        row = session.execute(sa.select(ApiKey).where(ApiKey.prefix == soon[:12])).scalar_one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        assert row.last_used_ip == "203.0.113.7" and row.last_used_at is not None
    with session_scope(engine) as session:
        apikeys.revoke_by_prefix(session=session, prefix=read_only[:12])
    for key in (soon, read_only, read_only[:-2] + "xx", "isk_00000000_nothing", "garbage"):
        r = client.get("/api/v1/balance", headers=bearer(key))
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer"), key
    assert client.get("/api/v1/balance").status_code == 401
    reasons = [d["reason"] for d in audit_actions(engine, "api_key.refused")]
    assert {"expired", "revoked", "wrong secret"} <= set(reasons)


def test_twenty_concurrent_renewals_with_one_idempotency_key_renew_once(
    engine: Engine, shop: dict[str, int], limits: None
) -> None:
    fund(engine, shop["user"], 100_000)
    key = new_key(engine, "fin", "read", "billing")
    body = {"items": [{"order_id": shop["active"], "months": 1}, {"order_id": shop["active2"], "months": 3}]}

    def attempt(_: int) -> tuple[int, str]:
        r = api(engine).post(
            "/api/v1/orders/renew", headers=bearer(key, **{"Idempotency-Key": "nightly-2026-12"}), json=body
        )
        return r.status_code, r.text

    results = run_concurrently(20, attempt)
    assert all(isinstance(r, tuple) and r[0] == 200 for r in results), results
    answers = {json.loads(r[1])["invoice_number"] for r in results}  # type: ignore[index]
    assert len(answers) == 1
    with session_scope(engine) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Invoice)).scalar_one() == 1
        paid = session.execute(sa.select(Invoice.status)).scalar_one()
    assert paid == "paid"
    client = api(engine)
    # A repeat later returns the first answer; another key is another renewal; no header is refused.
    again = client.post(
        "/api/v1/orders/renew", headers=bearer(key, **{"Idempotency-Key": "nightly-2026-12"}), json=body
    )
    assert again.json() == json.loads(results[0][1])  # type: ignore[index]
    r = client.post("/api/v1/orders/renew", headers=bearer(key), json=body)
    assert r.status_code == 422 and "Idempotency-Key" in r.json()["detail"]
    assert audit_actions(engine, "order.renew") and len(audit_actions(engine, "order.renew")) == 1


def test_rate_limits_per_key_and_per_address(
    engine: Engine, shop: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTROSERV_API_PER_KEY_PER_MINUTE", "5")
    monkeypatch.setenv("INTROSERV_API_PER_IP_PER_MINUTE", "8")
    get_settings.cache_clear()
    try:
        key, second = new_key(engine, "fin", "read"), new_key(engine, "fin", "read")
        client = api(engine)
        codes = [client.get("/api/v1/balance", headers=bearer(key)).status_code for _ in range(6)]
        assert codes == [200] * 5 + [429]
        r = client.get("/api/v1/balance", headers=bearer(key, **{"Accept-Language": "ru"}))
        assert 1 <= int(r.headers["retry-after"]) <= 60 and "Слишком много" in r.json()["detail"]
        # Refusals count against the key too (a read key renewing: 403, 403, ..., then 429).
        reader = new_key(engine, "fin", "read")
        shared = MemoryLimiter()
        renew = {"items": [{"order_id": shop["active"], "months": 1}]}
        codes = [
            api(engine, shared, ip=f"192.0.2.{n}")
            .post("/api/v1/orders/renew", headers=bearer(reader, **{"Idempotency-Key": "r"}), json=renew)
            .status_code
            for n in range(7)
        ]
        assert codes == [403] * 5 + [429] * 2
        # Another key from the same address: the address's limit (8) is reached with its 2nd request.
        assert client.get("/api/v1/balance", headers=bearer(second)).status_code == 200
        assert client.get("/api/v1/balance", headers=bearer(second)).status_code == 429
        # Two workers sharing Redis count together.
        namespace = f"test:{uuid.uuid4().hex}"
        workers = [api(engine, RedisLimiter(REDIS_URL, namespace), ip=f"198.51.100.{n}") for n in (1, 2)]
        third = new_key(engine, "fin", "read")
        codes = [workers[n % 2].get("/api/v1/balance", headers=bearer(third)).status_code for n in range(6)]
        assert codes == [200] * 5 + [429]
        # Not shared in memory: each worker of the embedded default counts its own.
        fourth = new_key(engine, "fin", "read")
        alone = [api(engine, MemoryLimiter(), ip=f"192.0.2.{n}") for n in (1, 2)]
        assert {alone[n % 2].get("/api/v1/balance", headers=bearer(fourth)).status_code for n in range(6)} == {200}
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(
    ("method", "path", "body", "extra"),
    [
        ("POST", "/api/v1/tickets", b'{"subject": "a", ', {}),  # malformed JSON
        ("POST", "/api/v1/tickets", json.dumps({"subject": 5, "category": [], "message": None}).encode(), {}),
        ("POST", "/api/v1/orders/renew", json.dumps({"items": [{"order_id": 10**30, "months": 1}]}).encode(), {}),
        ("POST", "/api/v1/orders/renew", json.dumps({"items": [{"order_id": 1, "months": 2}]}).encode(), {}),
        ("POST", "/api/v1/orders/renew", b'{"items": [{"order_id": 1e400, "months": 1}]}', {}),
        (
            "POST",
            "/api/v1/tickets",
            json.dumps({"subject": "a", "category": "billing", "message": "b", "x": 1}).encode(),
            {},
        ),
        (
            "POST",
            "/api/v1/tickets",
            json.dumps({"subject": "a", "category": "billing", "message": "m" * 1_000_000}).encode(),
            {},
        ),
        ("PUT", "/api/v1/orders/1/comment", json.dumps({"comment": "é" * 1_000_000}, ensure_ascii=False).encode(), {}),
        ("GET", "/api/v1/orders/99999999999999999999", b"", {}),
        ("GET", "/api/v1/orders?page=-1&size=abc", b"", {}),
        ("GET", "/api/v1/orders?q=" + "a" * 5000, b"", {}),
        ("GET", "/api/v1/invoices?issued_to=9999-12-31", b"", {}),
        ("POST", "/api/v1/orders/renew", b"[]", {"Idempotency-Key": "x" * 500}),
    ],
)
def test_bad_input_is_a_422_problem_never_a_500(
    engine: Engine, shop: dict[str, int], limits: None, method: str, path: str, body: bytes, extra: dict[str, str]
) -> None:
    key = new_key(engine, "fin", "read", "billing", "tickets")
    r = api(engine).request(
        method, path, content=body or None, headers=bearer(key, **{"Content-Type": "application/json", **extra})
    )
    assert r.status_code == 422, r.text[:300]
    problem = r.json()
    assert r.headers["content-type"] == "application/problem+json"
    assert problem["status"] == 422 and problem["detail"] and len(r.content) < 10_000  # the input is not echoed


def test_oversized_bodies_unknown_routes_and_refusals_in_russian(
    engine: Engine, shop: dict[str, int], limits: None
) -> None:
    key = new_key(engine, "fin", "read", "billing", "tickets")
    client = api(engine)
    r = client.post("/api/v1/tickets", content=b"{" + b" " * (3 * 1024 * 1024) + b"}", headers=bearer(key))
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/nothing", headers=bearer(key)).status_code == 404
    assert client.delete("/api/v1/orders", headers=bearer(key)).status_code == 405
    # The services' own refusals, translated: cancelling a cancelled order; a ticket with no subject.
    ru = {"Accept-Language": "de;q=0.9, ru;q=0.8, en;q=0.1"}
    r = client.post(f"/api/v1/orders/{shop['gone']}/cancel", headers=bearer(key, **ru), json={"mode": "immediate"})
    assert r.status_code == 422 and r.headers["content-language"] == "ru"
    assert any("а" <= ch <= "я" for ch in r.json()["detail"])
    r = client.post("/api/v1/tickets", headers=bearer(key), json={"subject": "", "category": "billing", "message": "x"})
    assert r.status_code == 422 and "subject" in r.json()["detail"].lower()


def test_the_same_services_as_the_pages_comment_cancel_withdraw_tickets_invoices(
    engine: Engine, shop: dict[str, int], limits: None
) -> None:
    fund(engine, shop["user"], 100_000)
    key = new_key(engine, "fin", "read", "billing", "tickets")
    client = api(engine)
    h = bearer(key)
    assert client.put(f"/api/v1/orders/{shop['active']}/comment", headers=h, json={"comment": " db-1 "}).json() == {
        "comment": "db-1"
    }
    assert (
        client.post(f"/api/v1/orders/{shop['active']}/cancel", headers=h, json={"mode": "period_end"}).status_code
        == 200
    )
    one = client.get(f"/api/v1/orders/{shop['active']}", headers=h).json()
    assert one["cancel_pending"] and one["comment"] == "db-1" and one["history"]
    assert client.post(f"/api/v1/orders/{shop['active']}/cancel/withdraw", headers=h).status_code == 200
    assert not client.get(f"/api/v1/orders/{shop['active']}", headers=h).json()["cancel_pending"]
    # Order from the catalog, pay its invoice from the balance (idempotent), read it and its PDF.
    tariff = client.get("/api/v1/catalog", headers=h).json()[0]
    placed = client.post(
        "/api/v1/orders",
        headers=bearer(key, **{"Idempotency-Key": "order-1"}),
        json={"tariff_id": tariff["id"], "months": 1},
    )
    assert placed.status_code == 201, placed.text
    invoice_id = placed.json()["invoice_id"]
    for _ in range(2):
        paid = client.post(f"/api/v1/invoices/{invoice_id}/pay", headers=bearer(key, **{"Idempotency-Key": "pay-1"}))
        assert paid.status_code == 200 and paid.json()["paid"] is True
    listed = client.get("/api/v1/invoices?status=paid", headers=h).json()
    assert [i["id"] for i in listed["items"]] == [invoice_id]
    assert client.get(f"/api/v1/invoices/{invoice_id}", headers=h).json()["status"] == "paid"
    pdf = client.get(f"/api/v1/invoices/{invoice_id}/pdf", headers=h)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    ledger = client.get("/api/v1/ledger", headers=h).json()["items"]
    assert [e["kind"] for e in ledger] == ["charge", "topup"]
    balance = client.get("/api/v1/balance", headers=h).json()["balance"]
    assert balance["minor"] == 100_000 + ledger[0]["amount"]["minor"]
    # Tickets: open about an order, reply, read, close; a closed ticket takes no reply.
    created = client.post(
        "/api/v1/tickets",
        headers=h,
        json={"subject": "Disk", "category": "technical", "message": "SMART errors", "order_id": shop["active"]},
    )
    tid = created.json()["id"]
    assert client.post(f"/api/v1/tickets/{tid}/replies", headers=h, json={"message": "More logs"}).status_code == 200
    thread = client.get(f"/api/v1/tickets/{tid}", headers=h).json()
    assert [m["body"] for m in thread["messages"]] == ["SMART errors", "More logs"]
    assert thread["ticket"]["order_id"] == shop["active"]
    assert client.post(f"/api/v1/tickets/{tid}/close", headers=h).status_code == 200
    assert client.post(f"/api/v1/tickets/{tid}/replies", headers=h, json={"message": "again"}).status_code == 422


def test_keys_create_list_revoke_staff_view_and_cli(
    engine: Engine,
    db_url: str,
    shop: dict[str, int],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from introserv_app.__main__ import main

    fin = viewer(engine, "fin")
    with session_scope(engine) as session:
        made = apikeys.create_key(
            session=session,
            viewer=fin,
            name="backup script",
            scopes=["read", "billing"],
            ip_list="10.0.0.0/8\n192.0.2.1",
            expires=str(date.today() + timedelta(days=30)),
            password=PASSWORD,
        )
    assert made.secret.startswith(made.prefix + "_") and len(made.secret) > 50
    with session_scope(engine) as session:
        row = session.get(ApiKey, made.id)
        assert row is not None and made.secret not in (row.secret_hash, row.prefix) and row.scopes == "read billing"
        lines = apikeys.api_keys(session=session, viewer=fin)
    assert [(k.prefix, k.scopes) for k in lines] == [(made.prefix, ("read", "billing"))]
    # Bad forms: every field says what is wrong (the password too); nothing saved. A list is no IP list.
    with session_scope(engine) as session, pytest.raises(apikeys.KeyFormInvalid) as bad:
        apikeys.create_key(
            session=session,
            viewer=fin,
            name="",
            scopes=["admin"],
            ip_list="10.0.0.300",
            expires="2020-01-01",
            password="wrong",
        )
    assert set(bad.value.fields) == {"name", "scopes", "ip_list", "expires", "password"}
    for odd in (["198.51.100.0/24"], 5, {"a": 1}):
        with session_scope(engine) as session, pytest.raises(apikeys.KeyFormInvalid) as bad:
            apikeys.create_key(session=session, viewer=fin, name="x", scopes=["read"], ip_list=odd, password=PASSWORD)
        assert set(bad.value.fields) == {"ip_list"}
    with session_scope(engine) as session, pytest.raises(apikeys.KeyFormInvalid) as bad:
        apikeys.create_key(session=session, viewer=fin, name="x", scopes=["read"])
    assert set(bad.value.fields) == {"password"}
    # Staff see a customer's keys and revoke them; staff cannot own keys; another customer cannot revoke.
    make_user(engine, "helpdesk", role=Role.SUPPORT)
    staff, other = viewer(engine, "helpdesk"), viewer(engine, "other")
    with session_scope(engine) as session:
        assert [k.prefix for k in apikeys.api_keys(session=session, viewer=staff, user_id=shop["user"])] == [
            made.prefix
        ]
        with pytest.raises(PermissionDenied):
            apikeys.api_keys(session=session, viewer=other, user_id=shop["user"])
    with session_scope(engine) as session, pytest.raises(Exception, match="staff"):
        apikeys.create_key(session=session, viewer=staff, name="x", scopes=["read"])
    with session_scope(engine) as session, pytest.raises(Exception, match="not found"):
        apikeys.revoke_key(session=session, viewer=other, key_id=made.id)
    with session_scope(engine) as session, pytest.raises(Exception, match="not found"):  # staff: on the owner's page
        apikeys.revoke_key(session=session, viewer=staff, key_id=made.id, owner_id=shop["other"])
    with session_scope(engine) as session:
        assert apikeys.revoke_key(session=session, viewer=staff, key_id=made.id, owner_id=shop["user"]) == made.prefix
    events = audit_actions(engine, "api_key.create") + audit_actions(engine, "api_key.revoke")
    assert [e["prefix"] for e in events] == [made.prefix, made.prefix]
    assert all(made.secret not in json.dumps(e) for e in events)
    # The CLI prints the key once; revoke by prefix; clear errors.
    monkeypatch.setenv("INTROSERV_DB_URL", db_url)
    get_settings.cache_clear()
    try:
        assert main(["api-key", "create", "--user", "fin", "--scope", "read", "--ip", "10.1.0.0/16"]) == 0
        printed = capsys.readouterr().out.strip()
        assert printed.startswith("isk_") and "\n" not in printed
        assert api(engine, ip="10.1.2.3").get("/api/v1/balance", headers=bearer(printed)).status_code == 200
        assert main(["api-key", "revoke", printed[:12]]) == 0
        assert api(engine, ip="10.1.2.3").get("/api/v1/balance", headers=bearer(printed)).status_code == 401
        assert main(["api-key", "create", "--user", "helpdesk", "--scope", "read"]) == 1
        assert "customer accounts" in capsys.readouterr().err
        assert main(["api-key", "revoke", "isk_nothing0"]) == 1
    finally:
        get_settings.cache_clear()


def test_server_power_and_sensors_through_the_api(
    engine: Engine, shop: dict[str, int], limits: None, tmp_path: Path
) -> None:
    """A dedicated server with a simulated BMC (ipmi_sim): a `servers` key reads its power and sensors and switches
    it on through the same service as the order page (history, audit); a key without the scope is refused."""
    password = "api-Bmc-3"
    sim = SimulatedServer(free_port("udp"), free_port("tcp"), "admin", password, tmp_path / "bmc").start()
    try:
        with session_scope(engine) as session:
            tariff = TariffPlan(
                code="ded-api", name="Dedicated E3", product_type="dedicated", currency="EUR", prices_minor={"1": 6900}
            )
            session.add(tariff)
            session.flush()
            order = Order(
                user_id=shop["user"],
                service_name="dedapi",
                tariff_id=tariff.id or 0,
                status="processed",
                price_minor=6900,
                currency="EUR",
            )
            session.add(order)
            session.flush()
            order_id = order.id or 0
        make_user(engine, "helpdesk", role=Role.SUPPORT)
        form = servers.ControllerForm(host="127.0.0.1", port=sim.port, username="admin", password=password)
        servers.assign_controller(
            viewer=viewer(engine, "helpdesk"), order_id=order_id, form=form, scope=lambda: session_scope(engine)
        )
        key, read_only = new_key(engine, "fin", "servers"), new_key(engine, "fin", "read")
        client = api(engine)
        assert client.get(f"/api/v1/servers/{order_id}/power", headers=bearer(key)).json() == {"power": "off"}
        assert client.get(f"/api/v1/servers/{order_id}/power", headers=bearer(read_only)).status_code == 403
        done = client.post(f"/api/v1/servers/{order_id}/power", headers=bearer(key), json={"action": "power_on"})
        assert done.status_code == 200 and done.json() == {"action": "power_on"}
        assert sim.state()["power"] == "on"
        sensors = client.get(f"/api/v1/servers/{order_id}/sensors", headers=bearer(key)).json()
        assert sensors["power"] == "on" and any(s["unit"] == "RPM" for s in sensors["sensors"])
        # Not a server's order: the panel's reason; another customer's: 404.
        r = client.get(f"/api/v1/servers/{shop['active']}/power", headers=bearer(key))
        assert r.status_code == 422 and r.json()["detail"]
        assert client.get(f"/api/v1/servers/{shop['foreign']}/power", headers=bearer(key)).status_code == 404
        with session_scope(engine) as session:
            history = servers.server_history(session=session, order_id=order_id)
        assert [h.action for h in history] == ["power_on"] and history[0].actor == "fin"
    finally:
        sim.stop()
