"""Demo/volume data and the dashboard selector's scoping."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from introserv_app.db.session import session_scope
from introserv_app.db.tables import User
from introserv_app.domain.roles import Role
from introserv_app.domain.statuses import OrderStatus
from introserv_app.services.accounts import dashboard_summary
from introserv_app.services.billing import balance
from introserv_app.services.common.errors import PermissionDenied
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging import outbox_page
from introserv_app.tools import seed

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def scalar(engine: Engine, sql: str, **params: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text(sql), params).scalar_one())


def test_demo_seed_runs_once_and_is_realistic(engine: Engine) -> None:
    assert seed.seed_demo(engine, now=NOW) is True
    counts = (scalar(engine, "SELECT COUNT(*) FROM orders"), scalar(engine, "SELECT COUNT(*) FROM users"))
    assert seed.seed_demo(engine, now=NOW) is False  # a second run keeps the data
    assert (scalar(engine, "SELECT COUNT(*) FROM orders"), scalar(engine, "SELECT COUNT(*) FROM users")) == counts
    with session_scope(engine) as session:
        roles = {u.username: u.role for u in session.exec(select(User))}
    assert roles["demo"] == Role.CUSTOMER and roles["support"] == Role.SUPPORT and roles["admin"] == Role.ADMIN
    # all six statuses, paid-until in the past and the future, several currencies and countries
    statuses = {r[0] for r in sa.inspect(engine).bind.connect().execute(sa.text("SELECT DISTINCT status FROM orders"))}
    assert statuses == {s.value for s in OrderStatus}
    assert scalar(engine, "SELECT COUNT(*) FROM orders WHERE paid_until < :d", d=NOW.date()) > 0
    assert scalar(engine, "SELECT COUNT(*) FROM orders WHERE paid_until > :d", d=NOW.date()) > 0
    assert scalar(engine, "SELECT COUNT(DISTINCT currency) FROM orders") >= 3
    assert scalar(engine, "SELECT COUNT(DISTINCT country) FROM profiles") >= 5
    assert scalar(engine, "SELECT COUNT(*) FROM orders WHERE comment <> ''") > 0


def test_volume_seed_is_deterministic_with_gapless_invoice_numbers(engine: Engine) -> None:
    seed.ensure_demo_accounts(engine)
    seed.seed_volume(engine, customers=50, orders=2000, seed=5, now=NOW)
    with engine.connect() as conn:
        first = conn.execute(sa.text("SELECT service_name, status, price_minor FROM orders ORDER BY id")).all()
        per_year = conn.execute(sa.text("SELECT year, MIN(seq), MAX(seq), COUNT(*) FROM invoices GROUP BY year")).all()
        counters = dict(conn.execute(sa.text("SELECT year, last_seq FROM invoice_counters")).all())
        negative = conn.execute(
            sa.text("SELECT user_id FROM ledger_entries GROUP BY user_id, currency HAVING SUM(amount_minor) < 0")
        ).all()
        mixed = conn.execute(
            sa.text("SELECT o.id FROM orders o JOIN profiles p ON p.user_id = o.user_id WHERE p.currency <> o.currency")
        ).all()
    for year, lo, hi, n in per_year:
        assert lo == 1 and hi == n == counters[year], "invoice numbers must be continuous per year"
    assert negative == [] and mixed == []
    # the same seed on a fresh database gives the same data
    with engine.begin() as conn:
        for table in ("ledger_entries", "invoice_lines", "invoices", "orders", "invoice_counters"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
        volume_users = "SELECT id FROM users WHERE username LIKE 'cust%'"
        conn.execute(sa.text(f"DELETE FROM profiles WHERE user_id IN ({volume_users})"))
        conn.execute(sa.text("DELETE FROM users WHERE username LIKE 'cust%'"))
    seed.seed_volume(engine, customers=50, orders=2000, seed=5, now=NOW)
    with engine.connect() as conn:
        again = conn.execute(sa.text("SELECT service_name, status, price_minor FROM orders ORDER BY id")).all()
    assert again == first
    # more volume continues the numbering without gaps or duplicates
    seed.seed_volume(engine, customers=10, orders=500, seed=6, now=NOW)
    assert scalar(engine, "SELECT COUNT(*) FROM invoices") == 2500
    assert scalar(engine, "SELECT COUNT(DISTINCT number) FROM invoices") == 2500


def _viewer(engine: Engine, username: str) -> Viewer:
    with session_scope(engine) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        return Viewer(user_id=user.id or 0, username=user.username, role=Role(user.role), session_id=0, language="en")


def test_dashboard_is_scoped_to_the_viewer(engine: Engine) -> None:
    seed.seed_demo(engine, now=NOW)
    demo, support = _viewer(engine, "demo"), _viewer(engine, "support")
    with session_scope(engine) as session:
        mine = dashboard_summary(session=session, viewer=demo, now=NOW)
        everyone = dashboard_summary(session=session, viewer=support, now=NOW)
        demo_balance = balance(session=session, user_id=demo.user_id)
    assert sum(mine.status_counts.values()) == scalar(
        engine, "SELECT COUNT(*) FROM orders WHERE user_id = :u", u=demo.user_id
    )
    assert sum(everyone.status_counts.values()) == scalar(engine, "SELECT COUNT(*) FROM orders")
    assert not mine.scope_all and everyone.scope_all and everyone.balance is None
    assert mine.balance == demo_balance and demo_balance.minor >= 0
    own_names = {
        r[0]
        for r in sa.inspect(engine)
        .bind.connect()
        .execute(sa.text("SELECT service_name FROM orders WHERE user_id = :u"), {"u": demo.user_id})
    }
    assert {r.service_name for r in mine.next_renewals} <= own_names
    assert [r.paid_until for r in mine.next_renewals] == sorted(r.paid_until for r in mine.next_renewals)


def test_the_outbox_is_for_staff_only(engine: Engine) -> None:
    seed.ensure_demo_accounts(engine)
    with session_scope(engine) as session:
        try:
            outbox_page(session=session, viewer=_viewer(engine, "demo"))
        except PermissionDenied:
            pass
        else:
            raise AssertionError("a customer read the outbox")
        assert outbox_page(session=session, viewer=_viewer(engine, "support")).counts.keys() == {
            "pending",
            "failed",
            "sent",
        }


def test_only_staff_can_requeue_an_email_and_a_refusal_is_audited(engine: Engine) -> None:
    from introserv_app.db.tables import AuditEvent, EmailOutbox
    from introserv_app.services.messaging import retry_message

    seed.ensure_demo_accounts(engine)  # queues the demo accounts' welcome emails
    with session_scope(engine) as session:
        message = session.exec(select(EmailOutbox)).first()
        assert message is not None and message.status == "pending"
        message.status, message.attempts = "failed", 12
        message_id = message.id or 0
    with session_scope(engine) as session:
        try:
            retry_message(session=session, message_id=message_id, viewer=_viewer(engine, "demo"))
        except PermissionDenied:
            pass
        else:
            raise AssertionError("a customer re-queued an email")
    with session_scope(engine) as session:
        assert session.get(EmailOutbox, message_id).status == "failed"  # type: ignore[union-attr]
        denied = session.exec(select(AuditEvent).where(AuditEvent.action == "access.denied")).all()
        assert len(denied) == 1 and denied[0].success is False
    with session_scope(engine) as session:
        for forged in (0, -1, 2**31, 10**20):  # out of the id column's range: nothing, not a crash
            assert retry_message(session=session, message_id=forged, viewer=_viewer(engine, "support")) is False
        assert retry_message(session=session, message_id=message_id, viewer=_viewer(engine, "support"))
    with session_scope(engine) as session:
        row = session.get(EmailOutbox, message_id)
        assert row is not None and row.status == "pending" and row.attempts == 0


def test_a_refusal_stays_audited_when_the_callers_transaction_rolls_back(engine: Engine) -> None:
    from introserv_app.db.tables import AuditEvent

    seed.ensure_demo_accounts(engine)
    demo = _viewer(engine, "demo")
    try:
        with session_scope(engine) as session:  # the error leaves the scope: its transaction rolls back
            outbox_page(session=session, viewer=demo)
    except PermissionDenied:
        pass
    with session_scope(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "access.denied")).all()
    assert [e.details["target"] for e in events] == ["email.outbox"]
    assert events[0].actor_id == demo.user_id and events[0].success is False
