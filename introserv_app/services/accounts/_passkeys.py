"""Passkeys (WebAuthn) through the `webauthn` library: the relying party is the panel's own host
(`INTROSERV_BASE_URL`), challenges are single-use and kept on the server (in the tab's server-side state),
credentials are stored as their id and public key. A passkey is a second factor after the password, or
the only factor for an account that chose passwordless sign-in (then user verification is required)."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session, col, select
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from introserv_app.config import get_settings
from introserv_app.db.tables import Passkey

CREDENTIAL_MAX_CHARS = 64_000
PASSKEYS_MAX = 10


@dataclass(frozen=True)
class Ceremony:
    """What the browser gets (`options_json`, for navigator.credentials) and what the server keeps."""

    options_json: str
    challenge: bytes


def relying_party() -> tuple[str, str]:
    """(RP id, expected origin) from the panel's base URL."""
    base = get_settings().base_url
    return urlsplit(base).hostname or "localhost", base


def user_handle(user_id: int) -> bytes:
    """The WebAuthn user handle: stable per account, reveals nothing (not the row id)."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"webauthn-user:{user_id}".encode(), hashlib.sha256).digest()[:16]


def _descriptors(rows: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    out = []
    for row in rows:
        transports = [AuthenticatorTransport(t) for t in row.transports.split(",") if t in _TRANSPORTS]
        out.append(PublicKeyCredentialDescriptor(id=base64url_to_bytes(row.credential_id), transports=transports))
    return out


_TRANSPORTS = {t.value for t in AuthenticatorTransport}


def user_passkeys(session: Session, user_id: int) -> list[Passkey]:
    return list(session.exec(select(Passkey).where(Passkey.user_id == user_id).order_by(col(Passkey.id))))


def registration(session: Session, *, user_id: int, username: str) -> Ceremony:
    rp_id, _ = relying_party()
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name="INTROSERV",
        user_name=username,
        user_id=user_handle(user_id),
        user_display_name=username,
        exclude_credentials=_descriptors(user_passkeys(session, user_id)),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, user_verification=UserVerificationRequirement.PREFERRED
        ),
    )
    return Ceremony(options_to_json(options), options.challenge)


def _parsed(credential: object) -> dict | None:
    if not isinstance(credential, str) or not 2 <= len(credential) <= CREDENTIAL_MAX_CHARS:
        return None
    try:
        data = json.loads(credential)
    except ValueError:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("id"), str) else None


@dataclass(frozen=True)
class NewCredential:
    credential_id: str
    public_key: str
    sign_count: int
    transports: str


def verify_new(credential: object, challenge: bytes) -> NewCredential | None:
    """The verified credential of a registration response, or None (tampered, wrong origin, replayed, ...)."""
    data = _parsed(credential)
    if data is None or not challenge:
        return None
    rp_id, origin = relying_party()
    try:
        verified = verify_registration_response(
            credential=data, expected_challenge=challenge, expected_rp_id=rp_id, expected_origin=origin
        )
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError):
        return None
    response = data.get("response")
    raw = response.get("transports") if isinstance(response, dict) else None
    transports = (
        ",".join(t for t in raw if isinstance(t, str) and t in _TRANSPORTS)[:100] if isinstance(raw, list) else ""
    )
    return NewCredential(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=bytes_to_base64url(verified.credential_public_key),
        sign_count=verified.sign_count,
        transports=transports,
    )


def authentication(session: Session, *, user_id: int | None) -> Ceremony:
    """Options to sign in: with the account's own passkeys (second factor) or any discoverable one
    (`user_id` None: passwordless, the browser offers the passkeys it has for this site)."""
    rp_id, _ = relying_party()
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=_descriptors(user_passkeys(session, user_id)) if user_id is not None else None,
        user_verification=UserVerificationRequirement.PREFERRED
        if user_id is not None
        else UserVerificationRequirement.REQUIRED,
    )
    return Ceremony(options_to_json(options), options.challenge)


def verify_assertion(
    session: Session, *, credential: object, challenge: bytes, user_id: int | None, now: datetime
) -> Passkey | None:
    """The passkey that signed `challenge`, or None. `user_id`: the account that must own it (second factor);
    None: passwordless, where the user handle must match and user verification is required."""
    data = _parsed(credential)
    if data is None or not challenge:
        return None
    row = session.exec(select(Passkey).where(Passkey.credential_id == data["id"][:1400])).first()
    if row is None or (user_id is not None and row.user_id != user_id):
        return None  # an unknown passkey, or one of another account
    response = data.get("response")
    handle = response.get("userHandle") if isinstance(response, dict) else None
    if user_id is None and (
        not isinstance(handle, str) or handle.rstrip("=") != bytes_to_base64url(user_handle(row.user_id))
    ):
        return None
    rp_id, origin = relying_party()
    try:
        verified = verify_authentication_response(
            credential=data,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=base64url_to_bytes(row.public_key),
            credential_current_sign_count=row.sign_count,
            require_user_verification=user_id is None,
        )
    except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError):
        return None
    counted = session.connection().execute(  # the counter moves forward once (a cloned key shows as a replay)
        sa.update(Passkey)
        .where(col(Passkey.id) == row.id, col(Passkey.sign_count) == row.sign_count)
        .values(sign_count=verified.new_sign_count, last_used_at=now)
    )
    return row if counted.rowcount else None
