"""Login, sessions, throttling and logout against a real database."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import ALL_TABLES, AuditEvent, UserSession
from introserv_app.domain.roles import Role
from introserv_app.services.accounts import (
    MSG_EMPTY,
    MSG_INVALID,
    MSG_THROTTLED,
    authenticate,
    complete_login,
    logout,
    password_check,
    resolve_session,
    run_check,
    token_hash,
    verdict,
)
from tests.support.builders import PASSWORD, T0, exchange, login, make_user


def full_login(engine: Engine, username: str = "alice", now: datetime = T0) -> str:
    outcome = login(engine, username, PASSWORD, now=now)
    assert outcome.ok and outcome.ticket
    with session_scope(engine) as session:
        token = exchange(session, outcome, ip="198.51.100.7", now=now)
    assert token
    return token


def viewer(engine: Engine, token: str | None, now: datetime):
    with session_scope(engine) as session:
        return resolve_session(session=session, token=token, now=now)


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in ALL_TABLES.sorted_tables
        }


def test_login_gives_a_256_bit_token_stored_only_as_a_hash(engine: Engine) -> None:
    make_user(engine)
    token = full_login(engine)
    assert len(token) >= 43  # 32 random bytes, url-safe base64
    with session_scope(engine) as session:
        rows = session.exec(select(UserSession)).all()
        assert [r.token_hash for r in rows] == [token_hash(token)]
        assert rows[0].ticket_hash is None
    v = viewer(engine, token, T0 + timedelta(minutes=1))
    assert v is not None and v.username == "alice" and v.role is Role.CUSTOMER


def test_each_login_gets_a_new_token_and_tickets_are_single_use(engine: Engine) -> None:
    make_user(engine)
    outcome = login(engine, "alice", PASSWORD)
    assert outcome.ticket
    with session_scope(engine) as session:
        first = exchange(session, outcome, ip="", now=T0)
    with session_scope(engine) as session:
        assert exchange(session, outcome, ip="", now=T0) is None
    second = full_login(engine)
    assert first and second and first != second


def test_a_ticket_is_worth_nothing_without_the_binding_of_the_browser_that_signed_in(engine: Engine) -> None:
    make_user(engine)
    outcome = login(engine, "alice", PASSWORD)
    assert outcome.ticket and outcome.binding and outcome.ticket != outcome.binding
    for binding in ("", "x", outcome.ticket, (outcome.binding or "")[::-1]):
        with session_scope(engine) as session:
            assert complete_login(session=session, ticket=outcome.ticket, binding=binding, ip="", now=T0) is None
    with session_scope(engine) as session:
        done = complete_login(session=session, ticket=outcome.ticket, binding=outcome.binding, ip="", now=T0)
    assert done is not None and viewer(engine, done.token, T0) is not None


def test_a_ticket_expires_after_a_minute(engine: Engine) -> None:
    make_user(engine)
    outcome = login(engine, "alice", PASSWORD)
    with session_scope(engine) as session:
        assert exchange(session, outcome, ip="", now=T0 + timedelta(seconds=61)) is None


def test_the_login_forms_way_verifies_the_password_apart_and_decides_the_same(engine: Engine) -> None:
    """The form checks the password on a worker thread first (`password_check`, `run_check`), then signs in with
    that verdict: the same outcomes as one `authenticate`, and nothing is verified for an attempt it refuses."""
    make_user(engine)

    def form(username: str, password: str, now: datetime = T0):  # type: ignore[no-untyped-def]
        with session_scope(engine) as session:
            check = password_check(session=session, username=username, password=password, ip="198.51.100.7", now=now)
        ok = None if check is None else run_check(check)
        with session_scope(engine) as session, verdict(check, ok):
            outcome = authenticate(session=session, username=username, password=password, ip="198.51.100.7", now=now)
        return check, outcome

    check, right = form("alice", PASSWORD)
    assert check is not None and right.ok and right.ticket
    _, wrong = form("alice", "not-the-password")
    unknown_check, unknown = form("nobody", "not-the-password")
    assert unknown_check is not None and unknown_check.password_hash != check.password_hash  # the stand-in hash
    assert not wrong.ok and wrong.error == unknown.error == MSG_INVALID
    assert form("alice", "")[0] is None and form("alice", "")[1].error == MSG_EMPTY
    for _ in range(6):  # enough failures from this address for the throttle
        form("alice", "guess")
    throttled_check, throttled = form("alice", PASSWORD)
    assert throttled_check is None and throttled.error == MSG_THROTTLED  # no argon2 work for a throttled attempt


def test_unknown_user_and_wrong_password_get_the_same_message(engine: Engine) -> None:
    make_user(engine)
    wrong = login(engine, "alice", "not-the-password")
    unknown = login(engine, "nobody", "not-the-password")
    assert not wrong.ok and not unknown.ok
    assert wrong.error == unknown.error == MSG_INVALID
    with session_scope(engine) as session:
        reasons = [e.details["reason"] for e in session.exec(select(AuditEvent).where(AuditEvent.action == "login"))]
    assert sorted(reasons) == ["unknown_user", "wrong_password"]


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "", MSG_EMPTY),
        ("   ", "x", MSG_EMPTY),
        ("alice", "", MSG_EMPTY),
        ("a" * 1_000_000, "b" * 1_000_000, MSG_INVALID),
        ("alice", "p" * 1_000_000, MSG_INVALID),
        ("' OR '1'='1' --", "' OR '1'='1' --", MSG_INVALID),
        ("alice'; DROP TABLE users; --", "x", MSG_INVALID),
        ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", MSG_INVALID),
        ("Ünïcødé😀", "пароль-пароль-пароль", MSG_INVALID),
        ("\x00\x1b[31m", "\r\n", MSG_INVALID),
    ],
)
def test_bad_login_input_writes_only_the_audit_event(
    engine: Engine, username: str, password: str, message: str
) -> None:
    make_user(engine)
    before = row_counts(engine)
    outcome = login(engine, username, password)
    assert not outcome.ok and outcome.error == message
    after = row_counts(engine)
    assert after.pop("audit_events") == before.pop("audit_events") + 1
    assert after == before
    with session_scope(engine) as session:
        event = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()  # type: ignore[union-attr]
        assert event is not None and len(event.subject_key or "") <= 64


def test_idle_and_absolute_expiry(engine: Engine) -> None:
    make_user(engine)
    settings = get_settings()
    token = full_login(engine)
    idle = timedelta(minutes=settings.session_idle_minutes)
    # activity keeps the session alive ...
    t = T0
    for _ in range(5):
        t += idle - timedelta(minutes=1)
        assert viewer(engine, token, t) is not None
    # ... until it is idle too long
    assert viewer(engine, token, t + idle + timedelta(seconds=1)) is None
    # absolute expiry even with constant activity
    token2 = full_login(engine)
    t = T0
    while t < T0 + timedelta(hours=settings.session_absolute_hours) - timedelta(minutes=5):
        t += timedelta(minutes=10)
        viewer(engine, token2, t)
    assert viewer(engine, token2, T0 + timedelta(hours=settings.session_absolute_hours)) is None


def test_logout_revokes_the_session(engine: Engine) -> None:
    make_user(engine)
    token = full_login(engine)
    with session_scope(engine) as session:
        logout(session=session, token=token, now=T0)
    assert viewer(engine, token, T0) is None
    assert viewer(engine, "forged-token", T0) is None
    assert viewer(engine, None, T0) is None
    assert viewer(engine, "x" * 5000, T0) is None


def test_inactive_user_cannot_log_in(engine: Engine) -> None:
    user_id = make_user(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE users SET is_active = :f WHERE id = :i"), {"f": False, "i": user_id})
    assert login(engine, "alice", PASSWORD).error == MSG_INVALID


def test_a_hash_with_older_argon2_parameters_is_upgraded_at_the_next_sign_in(engine: Engine) -> None:
    from argon2 import PasswordHasher

    from introserv_app.db.tables import User
    from introserv_app.services.accounts._passwords import needs_rehash, verify_password

    uid = make_user(engine)
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE users SET password_hash = :h WHERE id = :i"), {"h": old, "i": uid})
    assert needs_rehash(old)
    assert not login(engine, "alice", "a-wrong-password").ok  # a failed attempt changes nothing
    with session_scope(engine) as session:
        assert session.get(User, uid).password_hash == old  # type: ignore[union-attr]
    assert login(engine, "alice", PASSWORD).ok
    with session_scope(engine) as session:
        upgraded = session.get(User, uid).password_hash  # type: ignore[union-attr]
    assert upgraded != old and not needs_rehash(upgraded) and verify_password(upgraded, PASSWORD)
    assert login(engine, "alice", PASSWORD, now=T0 + timedelta(minutes=1)).ok  # and the new hash works
