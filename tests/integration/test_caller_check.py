"""Support checks what a caller says against the code word or call password (issue 19, item 5): only
"matches" or "does not match", at most 5 checks per customer per hour, every check audited; customers
cannot use it. Support sends a reset link to the account's own address, and invitations."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from introserv_app.db.session import session_scope
from introserv_app.db.tables import AuditEvent, EmailOutbox
from introserv_app.domain.roles import Role
from introserv_app.services import accounts, support
from introserv_app.services.common.errors import PermissionDenied, ServiceError
from tests.support.builders import PASSWORD, make_user, viewer


def _check(engine: Engine, who: str, uid: int, secret: object, said: object) -> bool:
    with session_scope(engine) as session:
        return support.verify_caller(session=session, viewer=viewer(engine, who), user_id=uid, secret=secret, said=said)


def test_a_caller_check_answers_only_whether_it_matches_five_times_an_hour(engine: Engine) -> None:
    uid = make_user(engine, "alice")
    make_user(engine, "helpdesk", role=Role.SUPPORT)
    with session_scope(engine) as session:
        accounts.set_code_word(session=session, viewer=viewer(engine, "alice"), word="Blue Pelican", password=PASSWORD)
    with pytest.raises(ServiceError) as unset:  # no call password yet
        _check(engine, "helpdesk", uid, "call_password", "anything")
    assert "has not set" in unset.value.message
    for bad_secret, said in (("password_hash", "Blue Pelican"), ("code_word", "x" * 100_000), ("code_word", "")):
        with pytest.raises(ServiceError):  # refused before any check: not counted
            _check(engine, "helpdesk", uid, bad_secret, said)
    assert _check(engine, "helpdesk", uid, "code_word", "Blue Pelican") is True
    assert _check(engine, "helpdesk", uid, "code_word", "  Blue Pelican ") is True
    assert _check(engine, "helpdesk", uid, "code_word", "blue pelican") is False
    assert _check(engine, "helpdesk", uid, "code_word", "Red Pelican") is False
    assert _check(engine, "helpdesk", uid, "code_word", "Blue Pelican") is True
    with pytest.raises(ServiceError) as limited:  # the sixth within the hour, even with the right word
        _check(engine, "helpdesk", uid, "code_word", "Blue Pelican")
    assert "5 checks" in limited.value.message
    with session_scope(engine) as session:
        checks = session.exec(select(AuditEvent).where(AuditEvent.action == "support.caller_check")).all()
        assert [c.success for c in checks] == [True, True, False, False, True]
        assert all(c.details == {"secret": "code_word"} for c in checks)  # what was said is never stored
        refused = session.exec(select(AuditEvent).where(AuditEvent.action == "support.caller_check_refused")).all()
        assert len(refused) == 1


def test_customers_cannot_check_callers_or_send_reset_links(engine: Engine) -> None:
    uid = make_user(engine, "alice")
    make_user(engine, "mallory")
    for call in (
        lambda s, v: support.verify_caller(session=s, viewer=v, user_id=uid, secret="code_word", said="guess"),
        lambda s, v: support.send_password_reset(session=s, viewer=v, user_id=uid),
        lambda s, v: support.invite_customer(session=s, viewer=v, email="friend@example.com"),
    ):
        with pytest.raises(PermissionDenied), session_scope(engine) as session:
            call(session, viewer(engine, "mallory"))


def test_the_call_password_is_changed_only_with_the_account_password_and_checked(engine: Engine) -> None:
    uid = make_user(engine, "alice")
    make_user(engine, "helpdesk", role=Role.SUPPORT)
    with pytest.raises(accounts.SettingsInvalid), session_scope(engine) as session:
        accounts.set_call_password(session=session, viewer=viewer(engine, "alice"), word="orange", password="nope")
    with session_scope(engine) as session:
        accounts.set_call_password(session=session, viewer=viewer(engine, "alice"), word="orange", password=PASSWORD)
    assert _check(engine, "helpdesk", uid, "call_password", "orange") is True


def test_support_sends_reset_links_and_invitations_to_addresses_only(engine: Engine) -> None:
    uid = make_user(engine, "alice", email="alice@example.com")
    make_user(engine, "helpdesk", role=Role.SUPPORT)
    with session_scope(engine) as session:
        staff = viewer(engine, "helpdesk")
        assert support.send_password_reset(session=session, viewer=staff, user_id=uid) == "alice@example.com"
        assert (
            support.invite_customer(session=session, viewer=staff, email="friend@example.com") == "friend@example.com"
        )
    with pytest.raises(ServiceError), session_scope(engine) as session:
        support.invite_customer(session=session, viewer=viewer(engine, "helpdesk"), email="bad\r\nBcc: x@evil.test")
    with session_scope(engine) as session:
        to = [m.to_addr for m in session.exec(select(EmailOutbox).order_by(EmailOutbox.id))]
        assert to == ["alice@example.com", "friend@example.com"]
        actions = {e.action for e in session.exec(select(AuditEvent))}
        assert {"password.reset_sent", "signup.invite"} <= actions
