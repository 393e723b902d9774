"""Signing in with a passkey: as the second factor of a pending sign-in (`second_step` checks the assertion),
and passwordless, for accounts that chose it (user verification required; IP restrictions and throttling
apply as to passwords)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from introserv_app.config import Settings, get_settings
from introserv_app.db.tables import Profile, User
from introserv_app.db.types import utcnow
from introserv_app.domain.settings_rules import ip_allowed
from introserv_app.domain.text import N_
from introserv_app.services.accounts import _passkeys as webauthn
from introserv_app.services.accounts._throttle import wait_before_attempt
from introserv_app.services.accounts._writers.sign_in import (
    MSG_IP_BLOCKED,
    MSG_THROTTLED,
    LoginOutcome,
    _pending,
    issue_ticket,
    new_session_row,
    record_failure,
)
from introserv_app.services.common import audit

MSG_PASSKEY_REFUSED = N_(
    "This passkey cannot sign in here: it is unknown, or its account has not chosen sign-in with a passkey "
    "alone (sign in with the password, then use the passkey)."
)


def second_step_passkey_options(
    *, session: Session, challenge: str, now: datetime | None = None
) -> webauthn.Ceremony | None:
    """Options for navigator.credentials.get with the pending sign-in's own passkeys (None: no passkey, or the
    sign-in expired)."""
    pending = _pending(session, challenge, now or utcnow())
    if pending is None or not webauthn.user_passkeys(session, pending[1].id or 0):
        return None
    return webauthn.authentication(session, user_id=pending[1].id or 0)


def passkey_options(*, session: Session) -> webauthn.Ceremony:
    """Options for passwordless sign-in: the browser offers the passkeys it holds for this site."""
    return webauthn.authentication(session, user_id=None)


def passkey_sign_in(
    *,
    session: Session,
    passkey: object,
    passkey_challenge: bytes,
    ip: str,
    user_agent: str = "",
    now: datetime | None = None,
    settings: Settings | None = None,
) -> LoginOutcome:
    """Passwordless sign-in: a verified passkey of an account that chose it (user verification required).
    IP restrictions and throttling apply as to passwords."""
    settings = settings or get_settings()
    now = now or utcnow()
    if ip:
        wait = wait_before_attempt(session=session, key="", ip=ip, device=None, now=now, settings=settings)
        if wait is not None and wait.scope == "ip":
            return LoginOutcome(ok=False, error=MSG_THROTTLED, retry_after=wait.seconds)
    key = webauthn.verify_assertion(session, credential=passkey, challenge=passkey_challenge, user_id=None, now=now)
    user = session.get(User, key.user_id) if key is not None else None
    reason = "unknown_passkey" if user is None else None
    if user is not None and (not user.is_active or not user.passwordless):
        reason = "passwordless_off"
    if user is not None and reason is None:
        allowed = session.exec(select(Profile.ip_restrictions).where(Profile.user_id == user.id)).first() or ""
        if not ip_allowed(allowed, ip):
            reason = "ip_restricted"
    if reason is not None:
        record_failure(
            session,
            key=user.username if user else None,
            user_id=user.id if user else None,
            ip=ip,
            device=None,
            now=now,
            reason=reason,
        )
        return LoginOutcome(ok=False, error=MSG_IP_BLOCKED if reason == "ip_restricted" else MSG_PASSKEY_REFUSED)
    assert user is not None
    row = new_session_row(session, user_id=user.id or 0, ip=ip, user_agent=user_agent, now=now, settings=settings)
    row.second_factor = "passkey"
    audit.record(
        session=session,
        action="login",
        success=True,
        subject_key=user.username,
        subject_user_id=user.id,
        ip=ip,
        details={"passwordless": True},
        now=now,
    )
    return issue_ticket(row)
