"""Passkeys (issue 19, item 3): several per account, named and deleted with the password; a passkey is the
second factor after the password, and the only one when the customer chose passwordless sign-in; assertions
for another account, replays, wrong origins and tampered signatures change nothing."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import Passkey
from introserv_app.services import accounts
from introserv_app.services.accounts._rules import SettingsInvalid
from introserv_app.services.common.errors import ServiceError
from tests.support.authenticator import SoftAuthenticator, b64url, unb64url
from tests.support.builders import PASSWORD, make_user, viewer

IP = "198.51.100.30"
#: This file tries many wrong answers on purpose: the per-account throttle is tested in test_two_factor.py.
LOOSE = replace(get_settings(), login_max_failures_per_account=100)


def _register(engine: Engine, username: str, device: SoftAuthenticator, name: str = "Laptop") -> list[str]:
    who = viewer(engine, username)
    with session_scope(engine) as session:
        ceremony = accounts.begin_passkey(session=session, viewer=who)
    answer = device.create(ceremony.options_json)
    with session_scope(engine) as session:
        return accounts.add_passkey(session=session, viewer=who, credential=answer, challenge=ceremony.challenge,
                                    name=name, ip=IP)  # fmt: skip


def _password(engine: Engine, username: str = "alice") -> str:
    with session_scope(engine) as session:
        outcome = accounts.authenticate(session=session, username=username, password=PASSWORD, ip=IP, settings=LOOSE)
    assert outcome.challenge, outcome
    return outcome.challenge


def _second(engine: Engine, challenge: str, device: SoftAuthenticator, **kw: object) -> accounts.LoginOutcome:
    with session_scope(engine) as session:
        ceremony = accounts.second_step_passkey_options(session=session, challenge=challenge)
    assert ceremony is not None
    answer = device.get(ceremony.options_json, **kw)  # type: ignore[arg-type]
    with session_scope(engine) as session:
        return accounts.second_step(session=session, challenge=challenge, ip=IP, passkey=answer,
                                    passkey_challenge=ceremony.challenge, settings=LOOSE)  # fmt: skip


def test_a_passkey_is_the_second_factor_after_the_password(engine: Engine) -> None:
    make_user(engine)
    phone = SoftAuthenticator()
    codes = _register(engine, "alice", phone, "Phone")
    assert len(codes) == accounts.RECOVERY_CODES  # the first second factor comes with recovery codes
    assert _register(engine, "alice", phone, "Second key") == []
    outcome = _second(engine, _password(engine), phone)
    assert outcome.ok and outcome.ticket
    with session_scope(engine) as session:
        view = accounts.security_view(session=session, viewer=viewer(engine, "alice"))
        assert [p.name for p in view.passkeys] == ["Phone", "Second key"]
        assert any(p.last_used_at for p in view.passkeys) and not view.totp_on


def test_assertions_for_another_account_replays_and_forgeries_are_refused(engine: Engine) -> None:
    make_user(engine, "alice")
    make_user(engine, "mallory")
    alice_key, mallory_key = SoftAuthenticator(), SoftAuthenticator()
    _register(engine, "alice", alice_key)
    _register(engine, "mallory", mallory_key)
    challenge = _password(engine, "alice")
    # Mallory's own passkey answering Alice's sign-in.
    refused = _second(engine, challenge, mallory_key, credential=mallory_key.credentials[0])
    assert not refused.ok and refused.error == accounts.MSG_WRONG_SECOND_FACTOR
    # Another site's origin (a phishing page relaying the challenge).
    assert not _second(engine, challenge, alice_key, origin="https://evil.example").ok
    # A replayed assertion (the same signed answer twice) and a tampered signature.
    with session_scope(engine) as session:
        ceremony = accounts.second_step_passkey_options(session=session, challenge=challenge)
    assert ceremony is not None
    answer = alice_key.get(ceremony.options_json)
    forged = json.loads(answer)
    signature = bytearray(unb64url(forged["response"]["signature"]))
    signature[-1] ^= 1
    forged["response"]["signature"] = b64url(bytes(signature))
    challenge = _password(engine, "alice")  # (five wrong answers end a sign-in: a new one for each three)
    for bad in (json.dumps(forged), "{not json", "x" * 100_000):
        with session_scope(engine) as session:
            assert not accounts.second_step(session=session, challenge=challenge, ip=IP, passkey=bad,
                                            passkey_challenge=ceremony.challenge, settings=LOOSE).ok  # fmt: skip
    with session_scope(engine) as session:  # the genuine answer to that ceremony, in a sign-in still open
        assert accounts.second_step(session=session, challenge=challenge, ip=IP, passkey=answer,
                                    passkey_challenge=ceremony.challenge, settings=LOOSE).ok  # fmt: skip
    second = _password(engine, "alice")
    with session_scope(engine) as session:
        again = accounts.second_step(session=session, challenge=second, ip=IP, passkey=answer,
                                     passkey_challenge=ceremony.challenge, settings=LOOSE)  # fmt: skip
    assert not again.ok


def test_passwordless_sign_in_only_when_chosen_with_the_password(engine: Engine) -> None:
    make_user(engine)
    device = SoftAuthenticator()
    who = viewer(engine, "alice")
    with pytest.raises(ServiceError), session_scope(engine) as session:  # no passkey yet
        accounts.set_passwordless(session=session, viewer=who, on=True, password=PASSWORD)
    _register(engine, "alice", device)

    def passwordless(authenticator: SoftAuthenticator) -> accounts.LoginOutcome:
        with session_scope(engine) as session:
            ceremony = accounts.passkey_options(session=session)
        assert "allowCredentials" not in ceremony.options_json or '"allowCredentials": []' in ceremony.options_json
        answer = authenticator.get(ceremony.options_json)
        with session_scope(engine) as session:
            return accounts.passkey_sign_in(session=session, passkey=answer, passkey_challenge=ceremony.challenge,
                                            ip=IP)  # fmt: skip

    assert not passwordless(device).ok  # not chosen yet
    with pytest.raises(SettingsInvalid), session_scope(engine) as session:
        accounts.set_passwordless(session=session, viewer=who, on=True, password="wrong")
    with session_scope(engine) as session:
        accounts.set_passwordless(session=session, viewer=who, on=True, password=PASSWORD)
    assert passwordless(device).ok
    device.verifies_user = False  # a key without a screen lock or PIN is not enough alone
    assert not passwordless(device).ok


def test_passkeys_are_deleted_with_the_password_and_only_by_their_owner(engine: Engine) -> None:
    make_user(engine, "alice")
    make_user(engine, "mallory")
    _register(engine, "alice", SoftAuthenticator())
    with session_scope(engine) as session:
        key_id = session.exec(select(Passkey.id)).one()
    for who, password in (("mallory", PASSWORD), ("alice", "wrong")):
        with pytest.raises(ServiceError), session_scope(engine) as session:
            accounts.delete_passkey(session=session, viewer=viewer(engine, who), passkey_id=key_id, password=password)
    with pytest.raises(ServiceError), session_scope(engine) as session:
        accounts.rename_passkey(session=session, viewer=viewer(engine, "mallory"), passkey_id=key_id, name="mine")
    with session_scope(engine) as session:
        accounts.delete_passkey(session=session, viewer=viewer(engine, "alice"), passkey_id=key_id, password=PASSWORD)
    with session_scope(engine) as session:
        assert not accounts.has_second_factor(session, viewer(engine, "alice").user_id)
    with session_scope(engine) as session:
        outcome = accounts.authenticate(session=session, username="alice", password=PASSWORD, ip=IP)
    assert outcome.ok and outcome.ticket
