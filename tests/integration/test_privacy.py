"""Privacy (issue 19, item 6): "Download my data" streams a zip of the customer's own data (no secrets, nobody
else's); "Close my account" asks support; staff close it: sessions end, personal fields are anonymised,
invoices and the ledger stay."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from introserv_app.db.session import session_scope
from introserv_app.db.tables import AuditEvent, Invoice, LedgerEntry, Profile, Ticket, User
from introserv_app.db.types import utcnow
from introserv_app.domain.money import Money
from introserv_app.domain.roles import Role
from introserv_app.services import accounts, billing, messaging, support
from introserv_app.services.accounts._rules import SettingsInvalid
from introserv_app.services.common.errors import ServiceError
from tests.support.builders import PASSWORD, make_customer_with_order, make_user, session_token, viewer


def _zip(client: TestClient, token: str | None) -> zipfile.ZipFile | int:
    client.cookies.clear()
    headers = {"Cookie": f"introserv_session={token}"} if token else {}
    response = client.get("/account/my-data.zip", headers=headers)
    if response.status_code != 200:
        return response.status_code
    assert response.headers["content-type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_download_my_data_has_everything_of_mine_and_nothing_else(engine: Engine, client: TestClient) -> None:
    make_customer_with_order(engine, "bob")
    make_customer_with_order(engine, "eve")
    bob = viewer(engine, "bob")
    with session_scope(engine) as session:
        accounts.set_code_word(session=session, viewer=bob, word="Blue Pelican", password=PASSWORD)
        billing.post(session=session, user_id=bob.user_id, kind="topup", amount=Money(1234, "EUR"),
                     idem_key="privacy-topup-0001")  # fmt: skip
        messaging.create_ticket(session=session, viewer=bob, subject="=HYPERLINK(1)", category="billing",
                                message="Hello from Bob")  # fmt: skip
    assert _zip(client, None) == 401
    archive = _zip(client, session_token(engine, "bob"))
    assert isinstance(archive, zipfile.ZipFile)
    names = {n.split("/", 1)[1] for n in archive.namelist()}
    assert {"profile.json", "orders.csv", "orders.json", "invoices.csv", "ledger.json", "tickets.csv",
            "ticket_messages.json", "notifications.json", "sign_ins.csv", "sessions.json"} <= names  # fmt: skip
    read = {n.split("/", 1)[1]: archive.read(n) for n in archive.namelist()}
    profile = json.loads(read["profile.json"])
    assert profile["username"] == "bob" and profile["code_word_set"] is True
    everything = b"".join(read.values())
    assert b"nbob01" in everything and b"neve01" not in everything and b"eve" not in read["orders.json"]
    assert b"Blue Pelican" not in everything and b"argon2" not in everything and b"token_hash" not in everything
    assert [row["amount_minor"] for row in json.loads(read["ledger.json"])] == [1234]
    tickets = list(csv.DictReader(io.StringIO(read["tickets.csv"].decode("utf-8-sig"))))
    assert tickets[0]["subject"] == "'=HYPERLINK(1)"  # a spreadsheet does not run it
    assert json.loads(read["ticket_messages.json"])[0]["body"] == "Hello from Bob"
    assert any(row["action"] == "login" for row in json.loads(read["sign_ins.json"]))


def test_closing_an_account_is_a_request_then_a_staff_action(engine: Engine) -> None:
    uid = make_user(engine, "alice", email="alice@example.com")
    make_user(engine, "helpdesk", role=Role.SUPPORT)
    token = session_token(engine, "alice")
    with session_scope(engine) as session:
        billing.post(session=session, user_id=uid, kind="topup", amount=Money(500, "EUR"), idem_key="close-topup-00001")
        vat, _, _ = billing.vat_for_customer(session=session, user_id=uid, on=utcnow())
        billing.issue_invoice(session=session, user_id=uid, lines=[billing.Line("Service", Money(400, "EUR"))],
                              vat=vat, customer_country="DE")  # fmt: skip
    alice = viewer(engine, "alice")
    with pytest.raises(SettingsInvalid), session_scope(engine) as session:
        accounts.request_closure(session=session, viewer=alice, password="wrong", reason="moving on")
    with session_scope(engine) as session:
        ticket = accounts.request_closure(session=session, viewer=alice, password=PASSWORD, reason="moving on")
    with pytest.raises(ServiceError), session_scope(engine) as session:  # once while it is open
        accounts.request_closure(session=session, viewer=alice, password=PASSWORD, reason="again")
    with session_scope(engine) as session:
        assert session.get(Ticket, ticket) is not None
        assert session.get(User, uid).is_active  # type: ignore[union-attr] - nothing closed by the customer alone
    with pytest.raises(ServiceError), session_scope(engine) as session:
        support.close_account(session=session, viewer=alice, user_id=uid)
    with session_scope(engine) as session:
        support.close_account(session=session, viewer=viewer(engine, "helpdesk"), user_id=uid)
    with session_scope(engine) as session:
        user, profile = session.get(User, uid), session.get(Profile, uid)
        assert user is not None and profile is not None
        assert not user.is_active and user.username == f"closed-{uid}"
        assert profile.email == "" and profile.first_name == "" and profile.phone is None
        assert profile.code_word_hash is None
        assert accounts.resolve_session(session=session, token=token) is None
        assert session.exec(select(LedgerEntry).where(LedgerEntry.user_id == uid)).all()  # kept
        invoice = session.exec(select(Invoice).where(Invoice.user_id == uid)).one()
        document = billing.invoice_document(session=session, viewer=viewer(engine, "helpdesk"), invoice_id=invoice.id,
                                            lang="en")  # fmt: skip
        assert document.customer_name == "Test Alice" and "Alexanderplatz 1" in document.customer_address
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "account.closed")).one()
    with session_scope(engine) as session:
        assert not accounts.authenticate(session=session, username="alice", password=PASSWORD, ip="1.2.3.4").ok
