"""Two-factor sign-in (issue 19, item 3): the authenticator app is on only after a correct code, a code works
once, recovery codes work once each, wrong codes are throttled like passwords, support removes the factor only
right after a successful caller check."""

from __future__ import annotations

import threading
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from introserv_app.db.session import session_scope
from introserv_app.db.tables import AuditEvent, EmailOutbox, RecoveryCode, TotpFactor
from introserv_app.domain.roles import Role
from introserv_app.services import accounts, support
from introserv_app.services.accounts._rules import SettingsInvalid
from introserv_app.services.common.errors import ServiceError
from tests.support.builders import PASSWORD, T0, exchange, make_user, session_token, viewer
from tests.support.handlers import app_db, call, events_of, handler_of, state_for  # noqa: F401 - app_db: fixture

IP = "198.51.100.20"


def _enable(engine: Engine, username: str = "alice") -> tuple[pyotp.TOTP, list[str]]:
    who = viewer(engine, username)
    with session_scope(engine) as session:
        setup = accounts.start_totp(session=session, viewer=who, now=T0)
    assert setup.qr_svg.startswith("data:image/svg+xml") and setup.secret in setup.uri
    totp = pyotp.TOTP(setup.secret)
    with pytest.raises(SettingsInvalid), session_scope(engine) as session:  # a wrong code switches nothing on
        accounts.enable_totp(session=session, viewer=who, code="000000" if totp.at(T0) != "000000" else "111111",
                             now=T0)  # fmt: skip
    with session_scope(engine) as session:
        assert not accounts.has_second_factor(session, who.user_id)
        codes = accounts.enable_totp(session=session, viewer=who, code=totp.at(T0), now=T0)
    assert len(codes) == accounts.RECOVERY_CODES == len(set(codes))
    return totp, codes


def _password(engine: Engine, now=T0, username: str = "alice") -> accounts.LoginOutcome:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        return accounts.authenticate(session=session, username=username, password=PASSWORD, ip=IP, now=now)


def _code(engine: Engine, challenge: str, code: str, now=T0) -> accounts.LoginOutcome:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        return accounts.second_step(session=session, challenge=challenge, code=code, ip=IP, now=now)


def test_sign_in_asks_for_a_code_that_works_once(engine: Engine) -> None:
    make_user(engine)
    totp, _ = _enable(engine)
    with session_scope(engine) as session:
        stored = session.get(TotpFactor, viewer(engine, "alice").user_id)
        assert stored is not None and totp.secret not in stored.secret_encrypted  # encrypted at rest
    later = T0 + timedelta(minutes=1)
    first = _password(engine, later)
    assert not first.ok and first.challenge and first.ticket is None  # no session from the password alone
    done = _code(engine, first.challenge, totp.at(later), later)
    assert done.ok and done.ticket
    with session_scope(engine) as session:
        assert exchange(session, done, ip=IP, now=later)
    # The same code again (a replay inside its 30-second window), in a new sign-in: refused.
    second = _password(engine, later + timedelta(seconds=5))
    again = _code(engine, second.challenge or "", totp.at(later), later + timedelta(seconds=5))
    assert not again.ok and again.error == accounts.MSG_WRONG_SECOND_FACTOR
    # The next step's code passes; a code from ten minutes ago does not.
    assert not _code(engine, second.challenge or "", totp.at(later - timedelta(minutes=10)), later).ok
    assert _code(
        engine, second.challenge or "", totp.at(later + timedelta(seconds=30)), later + timedelta(seconds=30)
    ).ok


def test_recovery_codes_work_once_each_and_can_be_replaced_with_the_password(engine: Engine) -> None:
    make_user(engine)
    _, codes = _enable(engine)
    now = T0 + timedelta(minutes=2)
    challenge = _password(engine, now).challenge or ""
    assert _code(engine, challenge, codes[0].upper().replace("-", " "), now).ok  # typed loosely
    challenge = _password(engine, now).challenge or ""
    assert not _code(engine, challenge, codes[0], now).ok  # used
    who = viewer(engine, "alice")
    with session_scope(engine) as session:
        assert accounts.security_view(session=session, viewer=who).recovery_codes_left == 9
    with pytest.raises(SettingsInvalid), session_scope(engine) as session:
        accounts.regenerate_recovery_codes(session=session, viewer=who, password="wrong")
    with session_scope(engine) as session:
        fresh = accounts.regenerate_recovery_codes(session=session, viewer=who, password=PASSWORD)
    assert not _code(engine, challenge, codes[1], now).ok  # the old set is gone
    assert _code(engine, challenge, fresh[0], now).ok
    with session_scope(engine) as session:
        stored = [r.code_hash for r in session.exec(select(RecoveryCode))]
        assert all(c.replace("-", "") not in h for c in fresh for h in stored)


def test_concurrent_uses_of_one_recovery_code_let_exactly_one_through(engine: Engine) -> None:
    make_user(engine)
    _, codes = _enable(engine)
    now = T0 + timedelta(minutes=3)
    challenges = [_password(engine, now).challenge or "" for _ in range(6)]
    results: list[bool] = []
    barrier = threading.Barrier(len(challenges))

    def use(challenge: str) -> None:
        barrier.wait()
        try:
            results.append(_code(engine, challenge, codes[3], now).ok)
        except Exception:  # noqa: BLE001 - SQLite's "database is locked" is a refusal too
            results.append(False)

    threads = [threading.Thread(target=use, args=(c,)) for c in challenges]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 1, results


def test_wrong_codes_are_throttled_and_end_the_attempt(engine: Engine) -> None:
    make_user(engine)
    totp, _ = _enable(engine)
    now = T0 + timedelta(minutes=5)
    challenge = _password(engine, now).challenge or ""
    outcomes = [_code(engine, challenge, f"{n:06d}", now) for n in range(5) if f"{n:06d}" != totp.at(now)]
    assert all(not o.ok for o in outcomes)
    assert outcomes[-1].restart and outcomes[-1].error == accounts.MSG_CODE_TRIES
    # The five failures count as failed sign-ins of the account: the password step must now wait.
    throttled = _password(engine, now + timedelta(seconds=1))
    assert not throttled.ok and throttled.retry_after and throttled.challenge is None
    # An expired or foreign challenge goes nowhere.
    assert _code(engine, "not-a-challenge-" + "x" * 20, totp.at(now), now).restart
    late = _password(engine, now + timedelta(hours=1))
    expired = _code(engine, late.challenge or "", totp.at(now + timedelta(hours=1, minutes=6)),
                    now + timedelta(hours=1, minutes=6))  # fmt: skip
    assert expired.restart


def test_turning_it_off_needs_the_password(engine: Engine) -> None:
    make_user(engine)
    _enable(engine)
    who = viewer(engine, "alice")
    with pytest.raises(SettingsInvalid), session_scope(engine) as session:
        accounts.disable_totp(session=session, viewer=who, password="wrong")
    with session_scope(engine) as session:
        accounts.disable_totp(session=session, viewer=who, password=PASSWORD)
    outcome = _password(engine, T0 + timedelta(minutes=9))
    assert outcome.ok and outcome.ticket and outcome.challenge is None


def test_support_removes_a_second_factor_only_after_a_caller_check(engine: Engine) -> None:
    uid = make_user(engine, "alice", email="alice@example.com")
    make_user(engine, "helpdesk", role=Role.SUPPORT)
    _enable(engine)
    with session_scope(engine) as session:
        accounts.set_code_word(session=session, viewer=viewer(engine, "alice"), word="Blue Pelican", password=PASSWORD)
    staff = viewer(engine, "helpdesk")
    with pytest.raises(ServiceError) as refused, session_scope(engine) as session:
        support.remove_second_factor(session=session, viewer=staff, user_id=uid)
    assert "caller" in refused.value.message
    with session_scope(engine) as session:
        assert not support.verify_caller(session=session, viewer=staff, user_id=uid, secret="code_word", said="nope")
    with pytest.raises(ServiceError), session_scope(engine) as session:  # a failed check is not enough
        support.remove_second_factor(session=session, viewer=staff, user_id=uid)
    with session_scope(engine) as session:
        assert support.verify_caller(session=session, viewer=staff, user_id=uid, secret="code_word",
                                     said="Blue Pelican")  # fmt: skip
    with session_scope(engine) as session:
        support.remove_second_factor(session=session, viewer=staff, user_id=uid)
    with session_scope(engine) as session:
        assert not accounts.has_second_factor(session, uid)
        assert session.exec(select(EmailOutbox).where(EmailOutbox.to_addr == "alice@example.com")).first()
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "security.second_factor_removed")).one()


def test_required_staff_2fa_sends_staff_without_one_to_set_it_up(
    app_db: Engine,  # noqa: F811 - the fixture imported below
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from starlette.testclient import TestClient

    from introserv_app.config import get_settings
    from introserv_app.state.session import SessionState
    from introserv_app.state.staff import CustomerSearchState
    from introserv_app.web import routes

    make_user(app_db, "helper", Role.SUPPORT)
    token = session_token(app_db, "helper")
    monkeypatch.setenv("INTROSERV_STAFF_2FA", "required")
    get_settings.cache_clear()
    monkeypatch.setattr(routes, "session_scope", lambda: session_scope(app_db))
    try:
        _, state = state_for(SessionState, token, "/staff")
        scripts = " ".join(str(e.payload) for e in events_of(call(state, handler_of(SessionState, "check_staff"))))
        assert "/settings#two-factor" in scripts and "two-factor authentication first" in scripts
        # Not only the page: every staff handler and the staff routes refuse too.
        _, search = state_for(CustomerSearchState, token, "/staff/customers")
        refused = " ".join(str(e.payload) for e in events_of(call(search, handler_of(CustomerSearchState, "load"))))
        assert "two-factor authentication first" in refused and search.rows == []
        with TestClient(routes.build_api(), base_url="http://localhost:3000") as client:
            answer = client.get("/staff/audit.csv", headers={"Cookie": f"introserv_session={token}"})
            assert answer.status_code == 403 and "two-factor" in answer.text
        _enable(app_db, "helper")
        token = session_token_with_code(app_db, "helper")
        _, state = state_for(SessionState, token, "/staff")
        assert events_of(call(state, handler_of(SessionState, "check_staff"))) == []
        with TestClient(routes.build_api(), base_url="http://localhost:3000") as client:
            assert client.get("/staff/audit.csv", headers={"Cookie": f"introserv_session={token}"}).status_code == 200
    finally:
        monkeypatch.delenv("INTROSERV_STAFF_2FA")
        get_settings.cache_clear()


def session_token_with_code(engine: Engine, username: str) -> str:
    """Sign in with the password and a recovery code, as the login page does."""
    with session_scope(engine) as session:
        outcome = accounts.authenticate(session=session, username=username, password=PASSWORD, ip=IP)
    assert outcome.challenge
    with session_scope(engine) as session:
        codes = accounts.regenerate_recovery_codes(session=session, viewer=viewer(engine, username), password=PASSWORD)
    done = _code(engine, outcome.challenge, codes[0], now=None)
    with session_scope(engine) as session:
        token = exchange(session, done, ip=IP)
    assert token
    return token
