"""The support console's services on SQLite and PostgreSQL: finding customers, the customer card, staff
actions with their notifications and audit, tickets both ways, the audit log and its CSV, dashboards,
staff users and the seller settings."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col
from starlette.testclient import TestClient

from introserv_app.db.session import session_scope
from introserv_app.db.tables import (
    AuditEvent,
    EmailOutbox,
    Invoice,
    LedgerEntry,
    Notification,
    Order,
    Profile,
    Ticket,
    User,
)
from introserv_app.domain.money import Money
from introserv_app.domain.roles import Role
from introserv_app.services import billing, messaging
from introserv_app.services import support as console
from introserv_app.services.accounts import SESSION_COOKIE, authenticate, resolve_session
from introserv_app.services.billing import balance, post, vat_for_customer
from introserv_app.services.common.errors import PermissionDenied, ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.support import month_starts, spending_by_month, staff_dashboard
from tests.support.builders import PASSWORD, exchange, make_customer_with_order, make_user

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


def viewer(engine: Engine, username: str) -> Viewer:
    with session_scope(engine) as session:
        user = session.execute(sa.select(User).where(col(User.username) == username)).scalar_one()
        return Viewer(user_id=user.id or 0, username=username, role=Role(user.role), session_id=0, language="en")


@pytest.fixture
def people(engine: Engine) -> dict[str, object]:
    order_id = make_customer_with_order(engine, "bob")
    make_user(engine, "alice", email="alice@example.org")
    make_user(engine, "helper", Role.SUPPORT, email="helper@example.net")
    make_user(engine, "boss", Role.ADMIN)
    with session_scope(engine) as session:
        bob = session.get(Profile, viewer(engine, "bob").user_id)
        assert bob is not None
        bob.first_name, bob.last_name, bob.email_complaints = "Robert", "Builder", "abuse-desk@bob.example"
        session.get(User, bob.user_id).last_login_ip = "198.51.100.7"  # type: ignore[union-attr]
    return {
        "order": order_id,
        "bob": viewer(engine, "bob"),
        "alice": viewer(engine, "alice"),
        "support": viewer(engine, "helper"),
        "admin": viewer(engine, "boss"),
    }


def _denied(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        rows = session.execute(sa.select(AuditEvent).where(col(AuditEvent.action) == "access.denied")).scalars()
        return [str(e.details.get("target")) for e in rows]


def test_support_finds_a_customer_by_name_email_order_or_ip(engine: Engine, people: dict) -> None:
    support = people["support"]
    found = {}
    for query in ("bob", "ROBERT build", "alice@example", "nbob01", "198.51.100.7", "192.0.2.10", ""):
        with session_scope(engine) as session:
            rows, _, _, total = console.search_customers(session=session, viewer=support, query=query)
        found[query] = [r.username for r in rows]
        assert total == len(rows)
    assert found["bob"] == ["bob"] and found["ROBERT build"] == ["bob"] and found["alice@example"] == ["alice"]
    assert found["nbob01"] == ["bob"]  # the order's name
    assert found["198.51.100.7"] == ["bob"] and found["192.0.2.10"] == ["bob"]  # last login, the order's main IP
    assert found[""] == ["alice", "bob"]  # staff accounts are not customers
    with session_scope(engine) as session:
        assert console.search_customers(session=session, viewer=support, query="100%_")[0] == []  # LIKE escaped
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        console.search_customers(session=session, viewer=people["alice"], query="bob")
    assert _denied(engine) == ["customers.search"]


def test_the_customer_card_has_profile_balance_orders_and_history(engine: Engine, people: dict) -> None:
    bob = people["bob"]
    with session_scope(engine) as session:
        post(session=session, user_id=bob.user_id, kind="topup", amount=Money(2500, "EUR"), idem_key="t" * 20)
    with session_scope(engine) as session:
        card = console.customer_card(session=session, viewer=people["support"], user_id=bob.user_id)
    assert card.username == "bob" and card.balance == Money(2500, "EUR")
    assert [o.service_name for o in card.orders] == ["nbob01"] and card.orders_total == 1
    assert [e.kind for e in card.ledger] == ["topup"]
    with session_scope(engine) as session, pytest.raises(ServiceError, match="Customer not found"):
        console.customer_card(session=session, viewer=people["support"], user_id=people["support"].user_id)
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        console.customer_card(session=session, viewer=people["alice"], user_id=bob.user_id)


def test_balance_adjustments_post_to_the_ledger_and_never_go_negative(engine: Engine, people: dict) -> None:
    bob, support = people["bob"], people["support"]
    key = console.new_adjustment_key()
    for _ in range(2):  # a double submit posts once
        with session_scope(engine) as session:
            new = console.adjust_balance(
                session=session, viewer=support, user_id=bob.user_id, amount="12.50", reason="Goodwill", idem_key=key
            )
    assert new == Money(1250, "EUR")
    with session_scope(engine) as session, pytest.raises(ServiceError) as refused:
        console.adjust_balance(
            session=session,
            viewer=support,
            user_id=bob.user_id,
            amount="-20",
            reason="Chargeback",
            idem_key=console.new_adjustment_key(),
        )
    assert "negative" in refused.value.message
    for bad in ("0", "abc", "-", "100000.01", "1.234"):
        with session_scope(engine) as session, pytest.raises(ServiceError, match="amount"):
            console.adjust_balance(
                session=session, viewer=support, user_id=bob.user_id, amount=bad, reason="x", idem_key=key + "x"
            )
    with session_scope(engine) as session, pytest.raises(ServiceError, match="reason"):
        console.adjust_balance(
            session=session, viewer=support, user_id=bob.user_id, amount="1", reason=" ", idem_key=key
        )
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        console.adjust_balance(
            session=session, viewer=bob, user_id=bob.user_id, amount="1000", reason="free money", idem_key=key + "y"
        )
    with session_scope(engine) as session:
        assert balance(session=session, user_id=bob.user_id) == Money(1250, "EUR")
        entries = session.execute(sa.select(LedgerEntry)).scalars().all()
        assert [(e.kind, e.amount_minor, e.note, e.actor_id) for e in entries] == [
            ("adjustment", 1250, "Goodwill", support.user_id)
        ]
        events = {
            (e.action, e.success)
            for e in session.execute(sa.select(AuditEvent).where(col(AuditEvent.action).like("customer.%"))).scalars()
        }
        assert events == {("customer.adjust_balance", True), ("customer.adjust_balance", False)}
        note = session.execute(sa.select(Notification).where(col(Notification.kind) == "balance_adjusted")).scalar_one()
        assert note.params["reason"] == "Goodwill"
        mail = session.execute(sa.select(EmailOutbox)).scalar_one()
        assert mail.subject == "Your balance was adjusted by €12.50" and "Your balance is now €12.50." in mail.body_text


def test_suspend_lift_and_cancel_tell_the_customer_with_the_reason(engine: Engine, people: dict) -> None:
    support, order_id = people["support"], people["order"]
    with session_scope(engine) as session, pytest.raises(ServiceError, match="reason"):
        console.suspend_for_violation(session=session, viewer=support, order_id=order_id, reason="")
    with session_scope(engine) as session:
        console.suspend_for_violation(session=session, viewer=support, order_id=order_id, reason="Phishing site.")
    with session_scope(engine) as session:
        assert session.get(Order, order_id).status == "suspended_violation"  # type: ignore[union-attr]
        mail = session.execute(sa.select(EmailOutbox)).scalar_one()
        assert mail.to_addr == "abuse-desk@bob.example" and "Phishing site." in mail.body_text
    with session_scope(engine) as session, pytest.raises(ServiceError):  # not processed any more
        console.suspend_for_violation(session=session, viewer=support, order_id=order_id, reason="again")
    with session_scope(engine) as session:
        console.lift_suspension(session=session, viewer=support, order_id=order_id, reason="Site removed.")
    with session_scope(engine) as session:
        console.cancel_by_staff(session=session, viewer=support, order_id=order_id, reason="Fraud.")
    with session_scope(engine) as session:
        order = session.get(Order, order_id)
        assert order is not None and order.status == "cancelled" and order.cancel_reason == "Fraud."
        kinds = [n.kind for n in session.execute(sa.select(Notification).order_by(col(Notification.id))).scalars()]
        assert kinds == ["order_suspended_violation", "order_restored", "order_cancelled"]
        open_banners = session.execute(
            sa.select(Notification).where(
                col(Notification.kind) == "order_suspended_violation", col(Notification.resolved_at).is_(None)
            )
        ).all()
        assert open_banners == []
        actions = [
            e.action
            for e in session.execute(
                sa.select(AuditEvent).where(col(AuditEvent.action).like("order.%")).order_by(col(AuditEvent.id))
            ).scalars()
        ]
        assert actions == ["order.suspend_violation", "order.lift_suspension", "order.cancel_by_staff"]
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        console.cancel_by_staff(session=session, viewer=people["bob"], order_id=order_id, reason="x")


def test_account_actions_country_company_ip_code_word_and_confirmation(engine: Engine, people: dict) -> None:
    support, bob = people["support"], people["bob"]
    with session_scope(engine) as session:
        profile = session.get(Profile, bob.user_id)
        assert profile is not None
        profile.ip_restrictions, profile.code_word_hash, profile.email_confirmed = "10.0.0.0/8", "hash", False
    with session_scope(engine) as session:
        console.change_country(session=session, viewer=support, user_id=bob.user_id, country="fr", reason="Ticket #4")
    for bad in ("XX1", "", "ZZ"):
        with session_scope(engine) as session, pytest.raises(ServiceError, match="country"):
            console.change_country(session=session, viewer=support, user_id=bob.user_id, country=bad, reason="x")
    with session_scope(engine) as session, pytest.raises(ServiceError, match="individual"):
        console.verify_company(session=session, viewer=support, user_id=bob.user_id)
    with session_scope(engine) as session:
        console.clear_ip_restrictions(session=session, viewer=support, user_id=bob.user_id)
        console.reset_code_word(session=session, viewer=support, user_id=bob.user_id)
        address = console.resend_email_confirmation(session=session, viewer=support, user_id=bob.user_id)
    assert address == "bob@example.com"
    with session_scope(engine) as session:
        profile = session.get(Profile, bob.user_id)
        assert profile is not None and profile.country == "FR" and not profile.ip_restrictions
        assert profile.code_word_hash is None
        subjects = sorted(m.subject for m in session.execute(sa.select(EmailOutbox)).scalars())
        assert subjects == [
            "Confirm your email address",
            "The IP restrictions of your account were removed",
            "The code word of your account was reset",
            "The country in your profile is now France",
        ]
    with session_scope(engine) as session, pytest.raises(ServiceError, match="no IP restrictions"):
        console.clear_ip_restrictions(session=session, viewer=support, user_id=bob.user_id)


def test_tickets_go_both_ways_by_email_and_refuse_closed_and_foreign(engine: Engine, people: dict) -> None:
    bob, alice, support = people["bob"], people["alice"], people["support"]
    with session_scope(engine) as session:
        tid = messaging.create_ticket(
            session=session, viewer=bob, subject="Wrong invoice", category="complaint", message="Fix it", now=NOW
        )
    with session_scope(engine) as session:
        messaging.reply(session=session, viewer=support, ticket_id=tid, message="Fixed.", now=NOW)
    with session_scope(engine) as session:
        messaging.reply(session=session, viewer=bob, ticket_id=tid, message="Thanks", now=NOW)
    with session_scope(engine) as session:
        mails = [
            (m.to_addr, m.subject)
            for m in session.execute(sa.select(EmailOutbox).order_by(col(EmailOutbox.id))).scalars()
        ]
        ticket = session.get(Ticket, tid)
        assert ticket is not None and ticket.assigned_to == support.user_id and ticket.status == "waiting_staff"
    assert mails == [
        ("support@localhost", f"[#{tid}] Wrong invoice"),  # the new ticket to the desk
        ("abuse-desk@bob.example", f"Support answered your complaint #{tid}"),  # complaints address
        ("helper@example.net", f"[#{tid}] Wrong invoice"),  # the reply to whoever took the ticket
    ]
    with session_scope(engine) as session, pytest.raises(ServiceError, match="not found"):
        messaging.reply(session=session, viewer=alice, ticket_id=tid, message="sneaky")
    with session_scope(engine) as session, pytest.raises(ServiceError, match="not found"):
        messaging.close_ticket(session=session, viewer=alice, ticket_id=tid)
    with session_scope(engine) as session:
        messaging.close_ticket(session=session, viewer=bob, ticket_id=tid)
    with session_scope(engine) as session, pytest.raises(ServiceError, match="closed"):
        messaging.reply(session=session, viewer=support, ticket_id=tid, message="late")
    assert _denied(engine) == ["ticket.reply", "ticket.close", "ticket.reply_closed"]
    with session_scope(engine) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(EmailOutbox)).scalar_one() == 3


def test_the_queue_filters_by_status_category_age_and_assignee(engine: Engine, people: dict) -> None:
    bob, support = people["bob"], people["support"]
    ids = {}
    for name, category, days in (("old", "billing", 10), ("mid", "abuse", 2), ("new", "technical", 0)):
        with session_scope(engine) as session:
            ids[name] = messaging.create_ticket(
                session=session,
                viewer=bob,
                subject=name,
                category=category,
                message="m",
                now=NOW - timedelta(days=days),
            )
    with session_scope(engine) as session:
        messaging.assign_ticket(session=session, viewer=support, ticket_id=ids["mid"], assignee_id=support.user_id)
        with pytest.raises(ServiceError, match="staff member"):
            messaging.assign_ticket(session=session, viewer=support, ticket_id=ids["mid"], assignee_id=bob.user_id)

    def queue(**raw: str) -> list[str]:
        with session_scope(engine) as session:
            rows, *_ = messaging.staff_queue(
                session=session, viewer=support, filters=messaging.clean_filters(raw), now=NOW
            )
        return [r.subject for r in rows]

    assert queue() == ["old", "mid", "new"]  # the longest waiting first
    assert queue(category="abuse") == ["mid"]
    assert queue(age="gt7d") == ["old"] and queue(age="1to3d") == ["mid"] and queue(age="lt1d") == ["new"]
    assert queue(assigned="me") == ["mid"] and queue(assigned="none") == ["old", "new"]
    assert queue(status="answered") == [] and queue(status="nonsense") == ["old", "mid", "new"]
    with session_scope(engine) as session:
        assert messaging.open_by_age(session=session, now=NOW) == {"lt1d": 1, "1to3d": 1, "3to7d": 0, "gt7d": 1}
        with pytest.raises(PermissionDenied):
            messaging.staff_queue(session=session, viewer=bob, filters=messaging.QueueFilters())


def test_the_audit_log_filters_and_exports_csv(engine: Engine, people: dict, client: TestClient) -> None:
    support = people["support"]
    with session_scope(engine) as session:
        console.suspend_for_violation(session=session, viewer=support, order_id=people["order"], reason="=HYPERLINK(1)")
        console.lift_suspension(session=session, viewer=support, order_id=people["order"], reason="ok")
    with session_scope(engine) as session:
        outcome = authenticate(session=session, username="helper", password=PASSWORD, ip="127.0.0.1")
        token = exchange(session, outcome)

    def page(**raw: str) -> list[str]:
        with session_scope(engine) as session:
            rows, _, _ = console.audit_page(session=session, viewer=support, filters=console.clean_filters(raw))
        return [r.action for r in rows]

    assert page(customer="bob")[:2] == ["order.lift_suspension", "order.suspend_violation"]
    assert page(actor="helper", action="order.") == ["order.lift_suspension", "order.suspend_violation"]
    assert page(action="login") == ["login"]
    today = datetime.now(UTC).date()
    assert page(**{"from": (today + timedelta(days=1)).isoformat()}) == []
    for bad in ({"from": "2026-13-01"}, {"actor": "nobody"}, {"from": "2026-02-02", "to": "2026-02-01"}):
        with session_scope(engine) as session, pytest.raises(ServiceError):
            console.audit_page(session=session, viewer=support, filters=console.clean_filters(bad))

    response = client.get(
        "/staff/audit.csv?customer=bob&action=order.", headers={"cookie": f"{SESSION_COOKIE}={token}"}
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["action"] for r in rows] == ["order.lift_suspension", "order.suspend_violation"]
    assert rows[0]["actor"] == "helper" and rows[0]["customer"] == "bob" and rows[0]["created_at"].endswith("Z")
    assert rows[1]["details"].startswith("{") and '"reason": "=HYPERLINK(1)"' in rows[1]["details"]
    assert client.get("/staff/audit.csv?from=junk", headers={"cookie": f"{SESSION_COOKIE}={token}"}).status_code == 400
    with session_scope(engine) as session:
        assert (
            session.execute(
                sa.select(sa.func.count()).select_from(AuditEvent).where(col(AuditEvent.action) == "audit.export")
            ).scalar_one()
            == 1
        )


def test_dashboards_count_revenue_and_spending_by_month(engine: Engine, people: dict) -> None:
    bob = people["bob"]
    with session_scope(engine) as session:
        for i, (paid_at, net) in enumerate(((NOW - timedelta(days=40), 1000), (NOW - timedelta(days=1), 2500))):
            session.add(
                Invoice(
                    number=f"T-{i}",
                    year=2026,
                    seq=i,
                    user_id=bob.user_id,
                    status="paid",
                    currency="EUR",
                    net_minor=net,
                    gross_minor=net,
                    paid_at=paid_at,
                    issued_at=paid_at,
                )
            )
        post(session=session, user_id=bob.user_id, kind="topup", amount=Money(5000, "EUR"), idem_key="t" * 20, now=NOW)
        post(
            session=session, user_id=bob.user_id, kind="charge", amount=Money(-1200, "EUR"), idem_key="c" * 20, now=NOW
        )
        session.get(Order, people["order"]).paid_until = (NOW + timedelta(days=5)).date()  # type: ignore[union-attr]
    with session_scope(engine) as session:
        d = staff_dashboard(session=session, viewer=people["support"], now=NOW)
        spending = spending_by_month(session=session, viewer=bob, now=NOW)
    assert d.expiring_7d == 1 and d.suspended == 0
    assert [m.minor for _, m in d.revenue[-2:]] == [1000, 2500] and len(d.revenue) == 12
    assert d.revenue[0][0] == date(2025, 12, 1) and d.revenue[-1][0] == date(2026, 11, 1)
    assert [m.minor for _, m in spending] == [0] * 11 + [1200]
    assert month_starts(datetime(2026, 1, 5, tzinfo=UTC), 3) == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)]
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        staff_dashboard(session=session, viewer=bob)


def test_admins_manage_staff_users_and_seller_settings(engine: Engine, people: dict) -> None:
    admin, support = people["admin"], people["support"]
    with session_scope(engine) as session:
        uid = console.add_staff(
            session=session,
            viewer=admin,
            username="newbie",
            password="a-long-enough-pass",
            role="support",
            email="newbie@example.net",
        )
    with session_scope(engine) as session, pytest.raises(ServiceError, match=r"common|12 to 128"):
        console.add_staff(
            session=session, viewer=admin, username="x2", password="short", role="support", email="a@b.cd"
        )
    with session_scope(engine) as session, pytest.raises(ServiceError, match="your own"):
        console.set_role(session=session, viewer=admin, user_id=admin.user_id, role="support")
    with session_scope(engine) as session:
        console.set_role(session=session, viewer=admin, user_id=uid, role="admin")
    with session_scope(engine) as session:
        outcome = authenticate(session=session, username="newbie", password="a-long-enough-pass", ip="127.0.0.1")
        token = exchange(session, outcome)
    with session_scope(engine) as session:
        console.set_active(session=session, viewer=admin, user_id=uid, active=False)
    with session_scope(engine) as session:
        assert resolve_session(session=session, token=token, ip="127.0.0.1") is None  # switched off: signed out
        names = {u.username: (u.role, u.is_active) for u in console.list_staff(session=session, viewer=admin)}
    assert names["newbie"] == ("admin", False) and "bob" not in names

    with session_scope(engine) as session:
        session.get(Profile, people["bob"].user_id).country = "DE"  # type: ignore[union-attr]
    form = {
        "seller_name": "Host BV",
        "seller_address": "Main 1; Amsterdam",
        "seller_country": "de",
        "seller_vat_number": "DE811907980",
    }
    with session_scope(engine) as session:
        billing.save_seller_settings(session=session, viewer=admin, form=form)
    with session_scope(engine) as session:
        current = billing.seller_settings(session=session)
        decision, _, seller_vat = vat_for_customer(session=session, user_id=people["bob"].user_id, on=NOW)
    assert current.seller_country == "DE" and seller_vat == "DE811907980"
    assert decision.rate == 19  # bob lives in Germany now (the seller's country): German VAT
    for bad in ({"seller_country": "Q"}, {"seller_vat_number": "123"}, {"seller_name": ""}):
        with session_scope(engine) as session, pytest.raises(ServiceError):
            billing.save_seller_settings(session=session, viewer=admin, form={**form, **bad})
    for call in (
        lambda s: billing.save_seller_settings(session=s, viewer=support, form=form),
        lambda s: console.list_staff(session=s, viewer=support),
        lambda s: console.add_staff(
            session=s, viewer=support, username="evil", password="p" * 20, role="admin", email="e@x.io"
        ),
    ):
        with session_scope(engine) as session, pytest.raises(PermissionDenied, match="administrator"):
            call(session)
    assert _denied(engine) == ["seller.save", "staff_users.list", "staff_users.add"]
