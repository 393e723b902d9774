"""Sign-up and password reset (issue 19, items 1 and 2): uniform answers, single-use hashed links, limits,
the confirmation that opens orders, payments and tickets, and the sessions a reset ends."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import AccountToken, AuditEvent, EmailOutbox, Profile, User
from introserv_app.services.accounts import (
    SignUp,
    confirm_email,
    invite,
    request_password_reset,
    resend_confirmation,
    reset_password,
    reset_username,
    resolve_session,
    send_reset_link,
    sign_up,
)
from introserv_app.services.accounts._rules import SettingsInvalid
from introserv_app.services.common.access import MSG_CONFIRM_EMAIL_FIRST
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.messaging import create_ticket
from tests.support.builders import PASSWORD, T0, make_user, session_token, viewer

NEW_PASSWORD = "a-brand-new-passphrase"


def _mails(engine: Engine, to: str) -> list[EmailOutbox]:
    with session_scope(engine) as session:
        return list(session.exec(select(EmailOutbox).where(EmailOutbox.to_addr == to).order_by(EmailOutbox.id)))


def _link(mail: EmailOutbox, param: str) -> str:
    found = re.search(rf"[?&]{param}=([A-Za-z0-9_-]+)", mail.body_text)
    assert found, mail.body_text
    return found.group(1)


def _form(**changes: object) -> SignUp:
    base = SignUp(username="newbie", email="newbie@example.com", password=NEW_PASSWORD, confirm=NEW_PASSWORD,
                  country="DE", language="en")  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def _sign_up(engine: Engine, form: SignUp, ip: str = "203.0.113.5", **settings: object) -> str:
    with session_scope(engine) as session:
        return sign_up(session=session, form=form, ip=ip, settings=replace(get_settings(), **settings))  # type: ignore[arg-type]


# ---- sign-up ---------------------------------------------------------------------------------------------


def test_sign_up_creates_an_unconfirmed_account_that_can_order_only_after_the_link(engine: Engine) -> None:
    assert _sign_up(engine, _form(username="NewBie")) == "newbie@example.com"
    with session_scope(engine) as session:
        user = session.exec(select(User).where(User.username == "newbie")).one()
        profile = session.get(Profile, user.id)
        assert user.email_unconfirmed and profile is not None and profile.country == "DE"
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "signup")).all()
        assert [(e.success, e.details["outcome"]) for e in events] == [(True, "created")]
    token = session_token(engine, "newbie", NEW_PASSWORD)  # sign-in works before the confirmation
    assert token
    customer = viewer(engine, "newbie")
    with pytest.raises(ServiceError) as refused, session_scope(engine) as session:
        create_ticket(session=session, viewer=customer, subject="Hi", category="billing", message="Hello")
    assert refused.value.message == MSG_CONFIRM_EMAIL_FIRST
    [mail] = _mails(engine, "newbie@example.com")
    with session_scope(engine) as session:
        confirm_email(session=session, token=_link(mail, "t"))
    with session_scope(engine) as session:
        assert create_ticket(session=session, viewer=customer, subject="Hi", category="billing", message="Hello")
        assert not session.exec(select(User).where(User.username == "newbie")).one().email_unconfirmed


def test_a_taken_username_or_address_gets_the_same_answer_and_a_mail_instead(engine: Engine) -> None:
    make_user(engine, "alice", email="alice@example.com")
    # The address is taken: same return value, no account, the owner is told.
    assert _sign_up(engine, _form(username="someone", email="Alice@Example.com")) == "Alice@example.com"
    # The username is taken: the new address learns it (only its owner reads that).
    assert _sign_up(engine, _form(username="alice", email="fresh@example.com")) == "fresh@example.com"
    with session_scope(engine) as session:
        assert session.exec(select(User).where(User.username == "someone")).first() is None
        assert len(session.exec(select(User)).all()) == 1
    [taken] = _mails(engine, "alice@example.com")
    assert "already belongs to an account" in taken.body_text and "/forgot" in taken.body_text
    [name_taken] = _mails(engine, "fresh@example.com")
    assert "username alice" in name_taken.body_text and "/signup" in name_taken.body_text


def test_every_bad_field_is_named_and_nothing_is_saved(engine: Engine) -> None:
    bad = _form(username="a", email="not an address\r\nBcc: x@evil", password="short", confirm="short",
                country="XX", language="fr")  # fmt: skip
    with pytest.raises(SettingsInvalid) as refused, session_scope(engine) as session:
        sign_up(session=session, form=bad, ip="203.0.113.5")
    assert set(refused.value.errors) == {"username", "email", "password", "country", "language"}
    for form in (
        _form(password="1qaz2wsx3edc", confirm="1qaz2wsx3edc"),  # among the common passwords
        _form(password="newbie-newbie", confirm="newbie-newbie2"),
        _form(username="x" * 1_000_000),
        _form(email="a" * 1_000_000 + "@example.com"),
    ):
        with pytest.raises(SettingsInvalid), session_scope(engine) as session:
            sign_up(session=session, form=form, ip="203.0.113.5")
    with session_scope(engine) as session:
        assert session.exec(select(User)).all() == [] and session.exec(select(EmailOutbox)).all() == []


def test_sign_ups_are_limited_per_address_and_in_all(engine: Engine) -> None:
    for n in range(2):
        _sign_up(engine, _form(username=f"flood{n}", email=f"flood{n}@example.com"), signup_per_ip_hour=2)
    with pytest.raises(ServiceError) as refused:
        _sign_up(engine, _form(username="flood9", email="flood9@example.com"), signup_per_ip_hour=2)
    assert "Too many sign-ups" in refused.value.message
    # Another address passes the per-address limit but not the global one.
    with pytest.raises(ServiceError):
        _sign_up(engine, _form(username="flood8", email="flood8@example.com"), ip="198.51.100.1", signup_per_hour=2)
    assert _sign_up(engine, _form(username="flood7", email="flood7@example.com"), ip="198.51.100.1")


def test_closed_sign_up_admits_only_a_staff_invitation_once(engine: Engine) -> None:
    staff = make_user(engine, "helpdesk")
    with pytest.raises(ServiceError) as refused:
        _sign_up(engine, _form(), signup="closed")
    assert "invitation" in refused.value.message
    with session_scope(engine) as session:
        invite(session=session, email="guest@example.com", actor_id=staff)
    token = _link(_mails(engine, "guest@example.com")[0], "invite")
    _sign_up(engine, _form(username="guest", email="guest@example.com", invitation=token), signup="closed")
    with pytest.raises(ServiceError):  # used up
        _sign_up(engine, _form(username="guest2", email="g2@example.com", invitation=token), signup="closed")
    with pytest.raises(ServiceError):  # tampered
        _sign_up(engine, _form(username="guest3", email="g3@example.com", invitation=token[:-2] + "xx"))


def test_the_confirmation_link_can_be_sent_again_three_times_an_hour(engine: Engine) -> None:
    _sign_up(engine, _form())
    customer = viewer(engine, "newbie")
    for _ in range(2):
        with session_scope(engine) as session:
            assert resend_confirmation(session=session, viewer=customer) == "newbie@example.com"
    with pytest.raises(ServiceError) as refused, session_scope(engine) as session:
        resend_confirmation(session=session, viewer=customer)
    assert "several times" in refused.value.message
    assert len(_mails(engine, "newbie@example.com")) == 3


# ---- password reset --------------------------------------------------------------------------------------


def _request(engine: Engine, email: str, ip: str = "203.0.113.9", now=None) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        request_password_reset(session=session, email=email, ip=ip, now=now)


def test_a_reset_link_sets_the_password_once_and_ends_every_session(engine: Engine) -> None:
    make_user(engine, "alice", email="alice@example.com")
    old_session = session_token(engine, "alice")
    _request(engine, "ALICE@example.com")
    _request(engine, "nobody@example.com")  # the same answer (no exception, nothing mailed)
    assert _mails(engine, "nobody@example.com") == []
    [mail] = _mails(engine, "alice@example.com")
    token = _link(mail, "t")
    with session_scope(engine) as session:
        stored = session.exec(select(AccountToken)).one()
        assert stored.token_hash != token and token not in stored.token_hash  # only the hash is stored
        assert reset_username(session=session, token=token) == "alice"
    with pytest.raises(SettingsInvalid), session_scope(engine) as session:  # a weak password keeps the link usable
        reset_password(session=session, token=token, new="1qaz2wsx3edc", confirm="1qaz2wsx3edc")
    with session_scope(engine) as session:
        assert reset_password(session=session, token=token, new=NEW_PASSWORD, confirm=NEW_PASSWORD, ip="203.0.113.9")
    with session_scope(engine) as session:
        assert resolve_session(session=session, token=old_session) is None
        assert reset_username(session=session, token=token) is None
        actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
        assert "password.reset_requested" in actions and "password.reset" in actions
    with pytest.raises(ServiceError), session_scope(engine) as session:
        reset_password(session=session, token=token, new=NEW_PASSWORD + "2", confirm=NEW_PASSWORD + "2")
    assert session_token(engine, "alice", NEW_PASSWORD)
    notice = _mails(engine, "alice@example.com")[-1]
    assert "signed out" in notice.body_text and "203.0.113.9" in notice.body_text


def test_expired_tampered_and_foreign_links_change_nothing(engine: Engine) -> None:
    uid = make_user(engine, "alice", email="alice@example.com")
    _request(engine, "alice@example.com", now=T0)
    token = _link(_mails(engine, "alice@example.com")[0], "t")
    tampered = token[:-1] + ("B" if token.endswith("A") else "A")  # (never the token itself)
    for bad, when in ((token, T0 + timedelta(minutes=31)), (tampered, T0), ("x" * 5000, T0), (None, T0)):
        with pytest.raises(ServiceError), session_scope(engine) as session:
            reset_password(session=session, token=bad, new=NEW_PASSWORD, confirm=NEW_PASSWORD, now=when)
    # An invitation token is not a reset token.
    with session_scope(engine) as session:
        invite(session=session, email="guest@example.com", actor_id=uid)
    invitation = _link(_mails(engine, "guest@example.com")[0], "invite")
    with pytest.raises(ServiceError), session_scope(engine) as session:
        reset_password(session=session, token=invitation, new=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert session_token(engine, "alice", PASSWORD)


def test_ten_concurrent_uses_of_one_link_exactly_one_works(engine: Engine) -> None:
    make_user(engine, "alice", email="alice@example.com")
    _request(engine, "alice@example.com")
    token = _link(_mails(engine, "alice@example.com")[0], "t")
    results: list[str] = []
    start = threading.Barrier(10)

    def use(n: int) -> None:
        start.wait()
        try:
            with session_scope(engine) as session:
                reset_password(session=session, token=token, new=f"{NEW_PASSWORD}-{n}", confirm=f"{NEW_PASSWORD}-{n}")
            results.append(f"ok-{n}")
        except ServiceError:
            results.append("refused")
        except Exception as exc:  # noqa: BLE001 - SQLite's "database is locked" counts as a refusal too
            results.append(f"error {type(exc).__name__}")

    threads = [threading.Thread(target=use, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [r for r in results if r.startswith("ok-")]
    assert len(winners) == 1 and results.count("refused") == 9, results
    assert session_token(engine, "alice", f"{NEW_PASSWORD}-{winners[0][3:]}")


def test_reset_requests_are_limited_per_address_and_per_ip(engine: Engine) -> None:
    make_user(engine, "alice", email="alice@example.com")
    for n in range(3):
        _request(engine, "alice@example.com", ip=f"203.0.113.{n}")
    with pytest.raises(ServiceError):
        _request(engine, "alice@example.com", ip="203.0.113.99")
    for n in range(10):  # one address asking for ten different ones
        _request(engine, f"x{n}@example.com", ip="198.51.100.4")
    with pytest.raises(ServiceError):
        _request(engine, "unknown@example.com", ip="198.51.100.4")
    _request(engine, "unknown@example.com", ip="198.51.100.5")
    assert len(_mails(engine, "alice@example.com")) == 3


def test_support_sends_a_reset_link_to_the_accounts_own_address(engine: Engine) -> None:
    uid = make_user(engine, "alice", email="alice@example.com")
    with session_scope(engine) as session:
        assert send_reset_link(session=session, user_id=uid, actor_id=uid) == "alice@example.com"
    assert "/reset?t=" in _mails(engine, "alice@example.com")[0].body_text


def test_new_accounts_show_on_the_staff_dashboard(engine: Engine) -> None:
    from introserv_app.domain.roles import Role
    from introserv_app.services.support import staff_dashboard

    make_user(engine, "helpdesk", role=Role.SUPPORT)
    with session_scope(engine) as session:
        before = staff_dashboard(session=session, viewer=viewer(engine, "helpdesk")).new_accounts_7d
    _sign_up(engine, _form())
    with session_scope(engine) as session:
        assert staff_dashboard(session=session, viewer=viewer(engine, "helpdesk")).new_accounts_7d == before + 1
