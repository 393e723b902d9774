"""Second factors: an authenticator app (TOTP, RFC 6238, through pyotp) and single-use recovery codes.

The TOTP secret is stored encrypted with a key derived from the panel's secret key; a code is accepted once
(the accepted time step is remembered and only a later step passes, so a code seen over a shoulder or in a
log cannot be replayed inside its window). Recovery codes are random (50 bits each) and stored as SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime

import pyotp
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from sqlmodel import Session, col, select

from introserv_app.config import get_settings
from introserv_app.db.tables import Passkey, RecoveryCode, TotpFactor, User
from introserv_app.domain.text import N_

RECOVERY_CODES = 10
ISSUER = "INTROSERV"
#: Codes from the step before and after the current one pass too (clocks drift; a code is typed slowly).
VALID_WINDOW = 1
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed from paper


def _fernet() -> Fernet:
    key = hashlib.sha256(b"totp:" + get_settings().secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(stored: str) -> str | None:
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken:  # the secret key changed: the factor cannot be checked
        return None


def new_totp_secret() -> str:
    return pyotp.random_base32()  # 160 bits


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code is `code` within the window, or None."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(step + offset), code):
            return step + offset
    return None


def clean_code(raw: object) -> str:
    """A typed code without spaces and dashes, lower case ("" for anything that is not short text)."""
    if not isinstance(raw, str) or len(raw) > 64:
        return ""
    return "".join(ch for ch in raw if ch not in " -\t").lower()


def is_totp_code(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


def accept_totp(*, session: Session, user_id: int, code: str, now: datetime, confirmed: bool = True) -> bool:
    """Check a code against the user's authenticator and use it up (a replay, even inside the window, fails).
    `confirmed=False`: against the factor being set up."""
    factor = session.get(TotpFactor, user_id)
    if factor is None or (factor.confirmed_at is not None) != confirmed or not is_totp_code(code):
        return False
    secret = decrypt_secret(factor.secret_encrypted)
    step = _matching_step(secret, code, now) if secret else None
    if step is None:
        return False
    used = session.connection().execute(
        sa.update(TotpFactor)
        .where(col(TotpFactor.user_id) == user_id, col(TotpFactor.last_step) < step)
        .values(last_step=step)
    )
    return bool(used.rowcount)


def _code_hash(code: str) -> str:
    return hashlib.sha256(b"recovery:" + code.encode()).hexdigest()


def new_recovery_codes(*, session: Session, user_id: int, now: datetime) -> list[str]:
    """Replace the user's recovery codes with `RECOVERY_CODES` new ones; returns them (shown once)."""
    session.connection().execute(sa.delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    for code in codes:
        session.add(RecoveryCode(user_id=user_id, code_hash=_code_hash(code), created_at=now))
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def accept_recovery_code(*, session: Session, user_id: int, code: str, now: datetime) -> bool:
    """Use one of the user's recovery codes (each works once, also under concurrent attempts)."""
    if not 8 <= len(code) <= 16:
        return False
    used = session.connection().execute(
        sa.update(RecoveryCode)
        .where(
            col(RecoveryCode.user_id) == user_id,
            col(RecoveryCode.code_hash) == _code_hash(code),
            col(RecoveryCode.used_at).is_(None),
        )
        .values(used_at=now)
    )
    return bool(used.rowcount)


def recovery_codes_left(session: Session, user_id: int) -> int:
    return int(
        session.exec(
            select(sa.func.count())
            .select_from(RecoveryCode)
            .where(col(RecoveryCode.user_id) == user_id, col(RecoveryCode.used_at).is_(None))
        ).one()
    )


def has_totp(session: Session, user_id: int) -> bool:
    factor = session.get(TotpFactor, user_id)
    return factor is not None and factor.confirmed_at is not None


def has_second_factor(session: Session, user_id: int) -> bool:
    """Whether sign-in asks this user for a second factor (an authenticator app or a passkey)."""
    if has_totp(session, user_id):
        return True
    return session.exec(select(Passkey.id).where(Passkey.user_id == user_id).limit(1)).first() is not None


def remove_second_factors(session: Session, user_id: int) -> None:
    """Every second factor of the account goes (support's removal): the app, passkeys, recovery codes."""
    session.connection().execute(sa.delete(Passkey).where(col(Passkey.user_id) == user_id))
    session.connection().execute(sa.update(User).where(col(User.id) == user_id).values(passwordless=False))
    session.connection().execute(sa.delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    session.connection().execute(sa.delete(TotpFactor).where(col(TotpFactor.user_id) == user_id))


def remove_totp(session: Session, user_id: int) -> None:
    """The authenticator app goes; the recovery codes too unless a passkey still protects the account."""
    session.connection().execute(sa.delete(TotpFactor).where(col(TotpFactor.user_id) == user_id))
    if session.exec(select(Passkey.id).where(Passkey.user_id == user_id).limit(1)).first() is None:
        session.connection().execute(sa.delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))


MSG_STAFF_2FA_FIRST = N_("Set up two-factor authentication first: the support console requires it.")


def staff_lacks_second_factor(session: Session, *, is_staff: bool, user_id: int) -> bool:
    """`INTROSERV_STAFF_2FA=required` and a staff member without a second factor: the console stays closed
    (pages, every staff handler and the staff routes) until one is set up in Settings."""
    return is_staff and get_settings().staff_2fa == "required" and not has_second_factor(session, user_id)
