"""The phone's backup route, on SQLite and PostgreSQL: "Didn't get it?" after a wait (the same way again, the other
channel, the other gateway), every attempt kept with the gateway's answer for support, the hourly limit, and one
support ticket listing the attempts once both gateways were tried."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import AuditEvent, Profile, Ticket, TicketMessage
from introserv_app.domain.roles import Role
from introserv_app.services import accounts, support
from introserv_app.services.accounts import PhoneStatus
from introserv_app.services.common.errors import PermissionDenied, ServiceError
from tests.support.builders import make_user, viewer
from tests.support.concurrency import run_concurrently

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
WAIT = timedelta(seconds=60)


class Gateway:
    """A gateway that takes the message (`works`), answers "no" or raises like a provider's API that is down."""

    def __init__(self, name: str, mode: str = "works") -> None:
        self.name, self.mode, self.sent = name, mode, []

    def _send(self, phone: str, code: str) -> bool:
        if self.mode == "raises":
            raise ConnectionError("HTTP 503 from the provider")
        self.sent.append((phone, code))
        return self.mode == "works"

    def send_sms(self, phone: str, text: str) -> bool:
        return self._send(phone, text.rsplit(" ", 1)[-1])

    def call(self, phone: str, caller_last4: str) -> bool:
        return self._send(phone, caller_last4)


@pytest.fixture(autouse=True)
def default_wait(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("INTROSERV_PHONE_RESEND_SECONDS", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def send(engine: Engine, name: str, channel: str, gateway: int, gateways: list, at: datetime) -> Any:
    with session_scope(engine) as session:
        return accounts.send_code(
            session=session, viewer=viewer(engine, name), channel=channel, gateway=gateway, gateways=gateways, now=at
        )


def refusal(engine: Engine, name: str, channel: str, gateway: int, gateways: list, at: datetime) -> ServiceError:
    with pytest.raises(ServiceError) as refused:
        send(engine, name, channel, gateway, gateways, at)
    return refused.value


def status(engine: Engine, name: str, at: datetime) -> PhoneStatus:
    with session_scope(engine) as session:
        return accounts.phone_status(session=session, viewer=viewer(engine, name), now=at)


def check(engine: Engine, name: str, code: str, at: datetime) -> None:
    with session_scope(engine) as session:
        accounts.check_code(session=session, viewer=viewer(engine, name), code=code, now=at)


def open_ticket(engine: Engine, name: str, at: datetime) -> tuple[int, bool]:
    with session_scope(engine) as session:
        return accounts.open_phone_ticket(session=session, viewer=viewer(engine, name), now=at)


def test_didnt_get_it_opens_after_the_wait_and_the_latest_code_counts(engine: Engine) -> None:
    make_user(engine, "alice")
    one, two = Gateway("one"), Gateway("two")
    assert send(engine, "alice", "sms", 0, [one, two], NOW).sent
    early = refusal(engine, "alice", "sms", 0, [one, two], NOW + timedelta(seconds=20))
    assert early.message == accounts.MSG_WAIT and early.values == {"seconds": 40}
    assert status(engine, "alice", NOW + timedelta(seconds=20)).wait_seconds == 40
    # the same refusal through the other gateway or channel: the wait is the customer's, not the gateway's
    assert refusal(engine, "alice", "call", 1, [one, two], NOW + timedelta(seconds=59)).message == accounts.MSG_WAIT
    assert len(one.sent) == 1 and two.sent == []
    first_code = one.sent[-1][1]

    # switch SMS -> call on the same gateway
    assert send(engine, "alice", "call", 0, [one, two], NOW + WAIT).sent
    call_code = one.sent[-1][1]
    assert len(call_code) == 4
    after = status(engine, "alice", NOW + WAIT)
    assert (after.last_channel, after.last_gateway, after.wait_seconds, after.code_pending) == ("call", 0, 60, True)
    # then the other gateway, by SMS
    assert send(engine, "alice", "sms", 1, [one, two], NOW + 2 * WAIT).sent
    latest = two.sent[-1][1]
    assert len(latest) == 6
    for old in {first_code, call_code} - {latest}:  # older codes are replaced by the new one
        with pytest.raises(ServiceError) as replaced:
            check(engine, "alice", old, NOW + 2 * WAIT)
        assert replaced.value.message == accounts.MSG_WRONG_CODE
    check(engine, "alice", latest, NOW + 2 * WAIT + timedelta(seconds=5))  # the second gateway's code verifies
    with session_scope(engine) as session:
        assert session.get(Profile, viewer(engine, "alice").user_id).phone_verified_at is not None  # type: ignore[union-attr]
    assert refusal(engine, "alice", "sms", 0, [one, two], NOW + 3 * WAIT).message == "This number is already verified."


def test_the_wait_is_a_setting(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTROSERV_PHONE_RESEND_SECONDS", "5")
    get_settings.cache_clear()
    assert accounts.resend_wait() == timedelta(seconds=5)
    make_user(engine, "alice")
    gw = Gateway("one")
    send(engine, "alice", "sms", 0, [gw, gw], NOW)
    assert refusal(engine, "alice", "sms", 0, [gw, gw], NOW + timedelta(seconds=4)).values == {"seconds": 1}
    assert send(engine, "alice", "sms", 0, [gw, gw], NOW + timedelta(seconds=5)).sent


def test_every_attempt_is_kept_with_the_gateways_answer_for_support(engine: Engine) -> None:
    uid = make_user(engine, "alice")
    make_user(engine, "helper", role=Role.SUPPORT)
    down, refusing, up = Gateway("sms-down", "raises"), Gateway("says-no", "refuses"), Gateway("backup")
    assert not send(engine, "alice", "sms", 0, [down, up], NOW).sent
    # a failed send is retried at once (no wait), e.g. through the other gateway
    assert not send(engine, "alice", "call", 1, [down, refusing], NOW + timedelta(seconds=1)).sent
    assert send(engine, "alice", "call", 1, [down, up], NOW + timedelta(seconds=2)).sent
    seen = status(engine, "alice", NOW + timedelta(seconds=3))
    assert [(a.gateway, a.gateway_name, a.channel, a.outcome) for a in seen.attempts] == [
        (1, "backup", "call", "accepted"),
        (1, "says-no", "call", "failed"),
        (0, "sms-down", "sms", "failed"),
    ]
    assert seen.attempts[0].error == ""
    assert seen.attempts[1].error == "the gateway reported a failure"
    assert seen.attempts[2].error == "ConnectionError: HTTP 503 from the provider"
    with session_scope(engine) as session:
        lines = support.customer_phone_attempts(session=session, viewer=viewer(engine, "helper"), user_id=uid)
    assert [(a.at, a.gateway_name, a.outcome, a.error) for a in lines] == [
        (a.at, a.gateway_name, a.outcome, a.error) for a in seen.attempts
    ]
    assert lines[0].at == NOW + timedelta(seconds=2) and lines[0].phone == "+4930123456"
    make_user(engine, "bob")
    with session_scope(engine) as session, pytest.raises(PermissionDenied):  # customers do not read this
        support.customer_phone_attempts(session=session, viewer=viewer(engine, "bob"), user_id=uid)
    with session_scope(engine) as session:
        failed = session.exec(
            select(AuditEvent).where(AuditEvent.action == "settings.phone_code", AuditEvent.success.is_(False))  # type: ignore[attr-defined]
        ).all()
    assert {e.details["gateway"] for e in failed} == {"sms-down", "says-no"}


def test_a_ticket_only_after_both_gateways_lists_the_attempts_once(engine: Engine) -> None:
    uid = make_user(engine, "alice")
    one, two = Gateway("one"), Gateway("two", "raises")
    send(engine, "alice", "sms", 0, [one, two], NOW)
    send(engine, "alice", "call", 0, [one, two], NOW + WAIT)
    assert not status(engine, "alice", NOW + 2 * WAIT).ticket_ready  # one gateway, two channels: not yet
    with pytest.raises(ServiceError) as early:
        open_ticket(engine, "alice", NOW + 2 * WAIT)
    assert early.value.message == accounts.MSG_TICKET_NOT_YET
    with session_scope(engine) as session:
        assert session.exec(select(Ticket)).all() == []
    assert not send(engine, "alice", "sms", 1, [one, two], NOW + 2 * WAIT).sent
    ready = status(engine, "alice", NOW + 2 * WAIT)
    assert ready.ticket_ready and ready.ticket_id is None

    ticket_id, created = open_ticket(engine, "alice", NOW + 3 * WAIT)
    assert created
    again, created_again = open_ticket(engine, "alice", NOW + 4 * WAIT)
    assert (again, created_again) == (ticket_id, False)
    assert status(engine, "alice", NOW + 4 * WAIT).ticket_id == ticket_id
    with session_scope(engine) as session:
        tickets = session.exec(select(Ticket)).all()
        assert [(t.id, t.user_id, t.subject) for t in tickets] == [
            (ticket_id, uid, "Phone verification failed: +4930123456")
        ]
        body = session.exec(select(TicketMessage.body).where(TicketMessage.ticket_id == ticket_id)).one()
        audits = session.exec(select(AuditEvent).where(AuditEvent.action == "settings.phone_ticket")).all()
    lines = body.splitlines()[1:]
    assert lines == [
        "2026-11-23 12:00:00 · 1 (one) · SMS · accepted",
        "2026-11-23 12:01:00 · 1 (one) · call · accepted",
        "2026-11-23 12:02:00 · 2 (two) · SMS · failed",
    ]
    assert "HTTP 503" not in body  # the provider's error text is for support's customer page, not the customer
    assert "+4930123456" in body.splitlines()[0]
    assert [(a.subject_user_id, a.details["ticket"], a.details["created"]) for a in audits] == [
        (uid, ticket_id, True),
        (uid, ticket_id, False),
    ]


def test_attempts_older_than_a_day_or_to_another_number_do_not_make_a_ticket(engine: Engine) -> None:
    uid = make_user(engine, "alice")
    gw = Gateway("one")
    send(engine, "alice", "sms", 0, [gw, gw], NOW - timedelta(hours=25))
    send(engine, "alice", "sms", 1, [gw, gw], NOW)
    assert not status(engine, "alice", NOW).ticket_ready
    send(engine, "alice", "sms", 0, [gw, gw], NOW + WAIT)
    assert status(engine, "alice", NOW + WAIT).ticket_ready
    with session_scope(engine) as session:
        session.get(Profile, uid).phone = "+4930999999"  # type: ignore[union-attr]
    fresh = status(engine, "alice", NOW + 2 * WAIT)
    assert not fresh.ticket_ready and fresh.attempts == []
    with pytest.raises(ServiceError):
        open_ticket(engine, "alice", NOW + 2 * WAIT)


def test_codes_per_hour_are_limited_across_gateways(engine: Engine) -> None:
    make_user(engine, "alice")
    one, two = Gateway("one"), Gateway("two", "refuses")
    times = [NOW + i * WAIT for i in range(accounts.SENDS_PER_HOUR)]
    for i, at in enumerate(times):  # failed sends count too
        send(engine, "alice", "sms", i % 2, [one, two], at)
    limited = refusal(engine, "alice", "sms", 0, [one, two], NOW + timedelta(minutes=30))
    assert limited.message == accounts.MSG_TOO_MANY_SENDS
    assert limited.values == {"minutes": 30}  # the first of the five is an hour old at 13:00
    seen = status(engine, "alice", NOW + timedelta(minutes=30))
    assert seen.limited and seen.wait_seconds == 30 * 60
    assert refusal(engine, "alice", "call", 1, [one, two], NOW + timedelta(minutes=59, seconds=30)).values == {
        "minutes": 1
    }
    assert send(engine, "alice", "sms", 0, [one, two], NOW + timedelta(hours=1, seconds=1)).sent


def test_another_customer_neither_sees_nor_shares_the_attempts(engine: Engine) -> None:
    make_user(engine, "alice")
    make_user(engine, "bob")
    gw = Gateway("one")
    send(engine, "alice", "sms", 0, [gw, gw], NOW)
    send(engine, "alice", "sms", 1, [gw, gw], NOW + WAIT)
    alice_code = gw.sent[-1][1]
    bob = status(engine, "bob", NOW + WAIT)
    assert bob.attempts == [] and not bob.ticket_ready and bob.wait_seconds == 0 and not bob.code_pending
    with pytest.raises(ServiceError) as no_ticket:
        open_ticket(engine, "bob", NOW + WAIT)
    assert no_ticket.value.message == accounts.MSG_TICKET_NOT_YET
    with pytest.raises(ServiceError):
        check(engine, "bob", alice_code, NOW + WAIT)  # alice's code is not bob's
    assert send(engine, "bob", "sms", 0, [gw, gw], NOW + WAIT).sent  # alice's wait is not bob's
    ticket_id, _ = open_ticket(engine, "alice", NOW + 2 * WAIT)
    assert status(engine, "bob", NOW + 2 * WAIT).ticket_id is None
    assert status(engine, "alice", NOW + 2 * WAIT).ticket_id == ticket_id


def test_many_tabs_at_once_send_one_code_and_get_five_guesses(engine: Engine) -> None:
    make_user(engine, "alice")
    gateway = Gateway("one")
    sends = run_concurrently(6, lambda _: send(engine, "alice", "sms", 0, [gateway, Gateway("two")], NOW))
    assert len(gateway.sent) == 1  # the wait and the hourly limit are read under a lock, not raced past
    assert sum(1 for s in sends if not isinstance(s, Exception)) == 1
    code = gateway.sent[0][1]
    wrong = "000000" if code != "000000" else "111111"
    guesses = run_concurrently(8, lambda _: check(engine, "alice", wrong, NOW + timedelta(seconds=5)))
    messages = sorted(str(g.message) for g in guesses if isinstance(g, ServiceError))
    assert messages == ["The code is not correct."] * 5 + ["Too many wrong codes; ask for a new one."] * 3
    with pytest.raises(ServiceError):  # even the right code: the five guesses are used up
        check(engine, "alice", code, NOW + timedelta(seconds=6))
