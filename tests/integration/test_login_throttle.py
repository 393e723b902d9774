"""Sign-in throttling that slows attackers without locking owners out (issue 17, item 4).

Each case is one of the attacks the review found: a guesser at one account from one address, a password
spray from an office's NAT address, a distributed guesser, a stolen device cookie, and the owner who must
never be locked out by any of them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import AuditEvent
from introserv_app.services.accounts import (
    FIRST_DELAY_SECONDS,
    MSG_INVALID,
    MSG_THROTTLED,
    LoginOutcome,
    device_cookie_value,
)
from tests.support.builders import PASSWORD, exchange, login, make_user

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
OWNER_IP = "198.51.100.7"
OFFICE_NAT = "203.0.113.50"


def s(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def device_of(engine: Engine, user_id: int, now: datetime = T0) -> str:
    """The device cookie a browser gets when it signs in (as /auth/complete sets it)."""
    outcome = login(engine, "alice", PASSWORD, ip=OWNER_IP, now=now)
    with session_scope(engine) as session:
        assert exchange(session, outcome, ip=OWNER_IP, now=now)
    return device_cookie_value(user_id=user_id, now=now)


def fail_times(engine: Engine, n: int, *, username: str = "alice", ip: str = OFFICE_NAT, start: float = 0) -> None:
    for i in range(n):
        outcome = login(engine, username, "wrong-password", ip=ip, now=s(start + i))
        assert outcome.error == MSG_INVALID, outcome


def throttled(outcome: LoginOutcome) -> bool:
    return not outcome.ok and outcome.error == MSG_THROTTLED


def test_one_address_guessing_one_account_waits_longer_after_each_failure_but_is_never_locked(engine: Engine) -> None:
    make_user(engine)
    limit = get_settings().login_max_failures_per_account
    fail_times(engine, limit, ip=OFFICE_NAT)
    # the limit is reached: the next attempt waits 30 s (the right password is not even checked)
    first = login(engine, "alice", PASSWORD, ip=OFFICE_NAT, now=s(limit))
    assert throttled(first) and first.retry_after is not None
    assert FIRST_DELAY_SECONDS - limit <= first.retry_after <= FIRST_DELAY_SECONDS
    # after the wait one more attempt is allowed; another failure doubles the wait
    after_wait = s(limit - 1 + FIRST_DELAY_SECONDS + 1)
    assert login(engine, "alice", "wrong-password", ip=OFFICE_NAT, now=after_wait).error == MSG_INVALID
    second = login(engine, "alice", PASSWORD, ip=OFFICE_NAT, now=after_wait + timedelta(seconds=1))
    assert throttled(second) and second.retry_after is not None
    assert 2 * FIRST_DELAY_SECONDS - 2 <= second.retry_after <= 2 * FIRST_DELAY_SECONDS
    # the waits never exceed the window, and after a wait the owner's right password works: no hard lock
    window = get_settings().login_window_seconds
    t = after_wait
    for _ in range(12):
        blocked = login(engine, "alice", "wrong-password", ip=OFFICE_NAT, now=t)
        assert blocked.retry_after is None or blocked.retry_after <= window
        t += timedelta(seconds=(blocked.retry_after or 0) + 1)
    assert login(engine, "alice", PASSWORD, ip=OFFICE_NAT, now=t + timedelta(seconds=window + 1)).ok


def test_an_attackers_failures_from_elsewhere_do_not_stop_the_owner(engine: Engine) -> None:
    make_user(engine)
    limit = get_settings().login_max_failures_per_account
    fail_times(engine, limit, ip="192.0.2.66")
    for i in range(20):  # and keeps hammering
        assert throttled(login(engine, "alice", "wrong-password", ip="192.0.2.66", now=s(limit + i)))
    assert login(engine, "alice", PASSWORD, ip=OWNER_IP, now=s(60)).ok


def test_a_password_spray_from_an_office_nat_slows_the_address_but_not_browsers_that_signed_in_before(
    engine: Engine,
) -> None:
    alice = make_user(engine, "alice")
    make_user(engine, "bob")
    device = device_of(engine, alice)
    limit = get_settings().login_max_failures_per_ip
    for i in range(limit):  # one guess at each of many names, from the office's one public address
        assert login(engine, f"user{i}", "Winter2026!", ip=OFFICE_NAT, now=s(i)).error == MSG_INVALID
    # a colleague who never signed in from this browser waits ...
    assert throttled(login(engine, "bob", PASSWORD, ip=OFFICE_NAT, now=s(limit)))
    # ... the owner's browser with its device cookie does not, from the same address ...
    assert login(engine, "alice", PASSWORD, ip=OFFICE_NAT, now=s(limit), device=device).ok
    # ... and other addresses are not affected
    assert login(engine, "bob", PASSWORD, ip="198.51.100.99", now=s(limit)).ok


def test_a_distributed_guesser_slows_new_browsers_for_the_account_but_never_the_owners(engine: Engine) -> None:
    alice = make_user(engine)
    device = device_of(engine, alice)
    limit = get_settings().login_max_failures_per_account_any_ip
    for i in range(limit):
        outcome = login(engine, "alice", "guess", ip=f"10.{i // 250}.{i % 250}.1", now=s(i))
        assert outcome.error == MSG_INVALID
    assert throttled(login(engine, "alice", PASSWORD, ip="192.0.2.200", now=s(limit)))
    assert login(engine, "alice", PASSWORD, ip="192.0.2.200", now=s(limit), device=device).ok


def test_a_stolen_device_cookie_gets_only_a_few_guesses(engine: Engine) -> None:
    alice = make_user(engine)
    device = device_of(engine, alice)
    limit = get_settings().login_max_failures_per_account
    for i in range(limit):
        assert login(engine, "alice", "guess", ip="192.0.2.7", now=s(i), device=device).error == MSG_INVALID
    assert throttled(login(engine, "alice", PASSWORD, ip="192.0.2.8", now=s(limit), device=device))
    # the owner's other browsers (no cookie, their own address) are not held back by it
    assert login(engine, "alice", PASSWORD, ip=OWNER_IP, now=s(limit)).ok


def test_only_a_genuine_device_cookie_of_this_account_is_trusted(engine: Engine) -> None:
    alice = make_user(engine, "alice")
    bob = make_user(engine, "bob")
    genuine = device_of(engine, alice)
    for i in range(get_settings().login_max_failures_per_ip):
        login(engine, f"user{i}", "x-wrong-x", ip=OFFICE_NAT, now=s(i))
    someone_elses = device_cookie_value(user_id=bob, now=T0)
    forged = genuine[:-1] + ("0" if genuine[-1] != "0" else "1")
    expired = device_cookie_value(user_id=alice, now=T0 - timedelta(days=366))
    for cookie in (someone_elses, forged, expired, "garbage", "1.2.3.4", "x" * 5000):
        assert throttled(login(engine, "alice", PASSWORD, ip=OFFICE_NAT, now=s(30), device=cookie)), cookie
    assert login(engine, "alice", PASSWORD, ip=OFFICE_NAT, now=s(30), device=genuine).ok


def test_the_audit_log_shows_the_attack(engine: Engine) -> None:
    alice = make_user(engine)
    device = device_of(engine, alice)
    limit = get_settings().login_max_failures_per_account
    fail_times(engine, limit, ip=OFFICE_NAT)
    login(engine, "alice", "wrong-password", ip=OWNER_IP, now=s(1), device=device)
    login(engine, "alice", PASSWORD, ip=OFFICE_NAT, now=s(limit))
    with session_scope(engine) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.subject_key == "alice").order_by(col(AuditEvent.id))
        ).all()
    failures = [e for e in events if e.action == "login" and not e.success]
    assert len(failures) == limit + 1
    assert all(e.subject_user_id == alice and e.details["reason"] == "wrong_password" for e in failures)
    assert [e.ip for e in failures].count(OFFICE_NAT) == limit
    assert [e.details.get("device") for e in failures if e.ip == OWNER_IP] == [device.split(".")[1]]
    refusal = events[-1]
    assert refusal.action == "login.throttled" and refusal.ip == OFFICE_NAT
    assert refusal.details["scope"] == "account_ip" and refusal.details["retry_after"] > 0


def test_staff_see_the_attack_on_the_customer(engine: Engine) -> None:
    from introserv_app.services.accounts import sign_in_attempts

    make_user(engine)
    with session_scope(engine) as session:
        calm = sign_in_attempts(session=session, username="alice", now=s(600))
    assert calm.failures_7d == 0 and not calm.under_attack and calm.last_failure_at is None
    limit = get_settings().login_max_failures_per_account
    fail_times(engine, limit, ip=OFFICE_NAT)
    fail_times(engine, 2, ip="192.0.2.9", start=100)
    assert throttled(login(engine, "alice", "wrong-password", ip=OFFICE_NAT, now=s(limit)))
    login(engine, "alice", "wrong-password", ip="192.0.2.9", now=s(-8 * 86400))  # too old to count
    with session_scope(engine) as session:
        seen = sign_in_attempts(session=session, username="alice", now=s(600))
    assert seen.under_attack
    assert (seen.failures_24h, seen.failures_7d, seen.throttled_7d, seen.addresses_7d) == (limit + 2, limit + 2, 1, 2)
    assert seen.top_addresses == [(OFFICE_NAT, limit), ("192.0.2.9", 2)]
    assert seen.last_failure_ip == "192.0.2.9" and seen.last_failure_at == s(101)
