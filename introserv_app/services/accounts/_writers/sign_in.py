"""Signing in and out.

The login form calls `authenticate`, which checks throttling (`_throttle`) and the password and returns a one-time
*ticket* plus its *binding*. The login page's script keeps the binding in a cookie that only /auth/complete receives
and POSTs the ticket there (same origin only); the route calls `complete_login`, which exchanges ticket + binding
for the session token, set as an HttpOnly cookie. A ticket is useless in any other browser (login CSRF).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from introserv_app.config import Settings, get_settings
from introserv_app.db.tables import Profile, User, UserSession
from introserv_app.db.types import utcnow
from introserv_app.domain.settings_rules import ip_allowed
from introserv_app.domain.text import N_
from introserv_app.domain.validation import PASSWORD_MAX, USERNAME_MAX, clip_for_log, normalize_username
from introserv_app.services.accounts._passwords import dummy_hash, upgraded_hash, verify_password
from introserv_app.services.accounts._sessions import sessions_changed, token_hash
from introserv_app.services.accounts._throttle import device_cookie_value, device_id, wait_before_attempt
from introserv_app.services.common import audit

TICKET_TTL = timedelta(seconds=60)


MSG_EMPTY = N_("Enter your username and password.")


MSG_INVALID = N_("Invalid username or password.")


MSG_THROTTLED = N_("Too many failed attempts. Try again in {seconds} s.")


MSG_EXCHANGE_FAILED = N_(
    "The sign-in could not be completed in this browser (it took too long, or it was started elsewhere). "
    "Please sign in again."
)


MSG_IP_BLOCKED = N_("This account does not allow sign-in from your address (IP restrictions in its settings).")


@dataclass(frozen=True)
class LoginOutcome:
    ok: bool
    ticket: str | None = None
    #: The browser's half of the ticket: the login page keeps it in a cookie for /auth/complete only.
    binding: str | None = None
    error: str | None = None
    retry_after: int | None = None


def authenticate(
    *,
    session: Session,
    username: str,
    password: str,
    ip: str,
    user_agent: str = "",
    device_cookie: str | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> LoginOutcome:
    """Check a login attempt. Every attempt writes one audit event; success creates a pending session whose
    ticket only the browser holding `LoginOutcome.binding` can exchange (`complete_login`).

    `device_cookie`: the browser's device cookie, if any (`login_throttle`): a browser that signed in to this
    account before is throttled by its own failures only."""
    settings = settings or get_settings()
    now = now or utcnow()
    username = username if isinstance(username, str) else ""
    password = password if isinstance(password, str) else ""
    key = clip_for_log(normalize_username(username[: USERNAME_MAX * 4]), USERNAME_MAX)
    user = None
    if key and password and len(username) <= USERNAME_MAX * 4 and len(password) <= PASSWORD_MAX:
        user = session.exec(select(User).where(User.username == key)).first()
    device = device_id(device_cookie, user_id=user.id or 0, now=now, settings=settings) if user else None

    def fail(reason: str, message: str) -> LoginOutcome:
        details: dict[str, Any] = {"reason": reason}
        if device is not None:
            details["device"] = device
        audit.record(
            session=session,
            action="login",
            success=False,
            subject_key=key,
            subject_user_id=user.id if user else None,
            ip=ip,
            details=details,
            now=now,
        )
        return LoginOutcome(ok=False, error=message)

    if not key or not password:
        return fail("empty", MSG_EMPTY)

    wait = wait_before_attempt(session=session, key=key, ip=ip, device=device, now=now, settings=settings)
    if wait is not None:
        audit.record(
            session=session,
            action="login.throttled",
            success=False,
            subject_key=key,
            subject_user_id=user.id if user else None,
            ip=ip,
            details={"retry_after": wait.seconds, "scope": wait.scope},
            now=now,
        )
        return LoginOutcome(ok=False, error=MSG_THROTTLED, retry_after=wait.seconds)

    candidate = password[:PASSWORD_MAX]
    if user is None or not user.is_active:
        verify_password(dummy_hash(), candidate)  # same work as a real check
        return fail("unknown_user" if user is None else "inactive", MSG_INVALID)
    if not verify_password(user.password_hash, candidate):
        return fail("wrong_password", MSG_INVALID)
    allowed = session.exec(select(Profile.ip_restrictions).where(Profile.user_id == user.id)).first() or ""
    if not ip_allowed(allowed, ip):
        return fail("ip_restricted", MSG_IP_BLOCKED)
    upgraded = upgraded_hash(user.password_hash, candidate)
    if upgraded is not None:  # stored with older argon2 parameters: the next check costs what today's should
        user.password_hash = upgraded

    ticket, binding = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user.id,  # type: ignore[arg-type]
            ticket_hash=_ticket_hash(ticket, binding),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_absolute_hours),
            ip=ip[:45] if ip else None,
            user_agent=user_agent[:255] or None,
        )
    )
    audit.record(
        session=session, action="login", success=True, subject_key=key, subject_user_id=user.id, ip=ip, now=now
    )
    return LoginOutcome(ok=True, ticket=ticket, binding=binding)


def _ticket_hash(ticket: str, binding: str) -> str:
    return token_hash(f"{ticket}.{binding}")


@dataclass(frozen=True)
class CompletedLogin:
    token: str
    #: A new device cookie for this browser (`login_throttle`).
    device_cookie: str


def complete_login(
    *, session: Session, ticket: str, binding: str, ip: str, now: datetime | None = None
) -> CompletedLogin | None:
    """Exchange a fresh one-time ticket, presented together with the browser's binding, for a new session
    token (None when invalid, used, expired or presented without the binding of the browser that signed in)."""
    now = now or utcnow()
    if not ticket or not binding or len(ticket) > 128 or len(binding) > 128:
        return None
    row = session.exec(select(UserSession).where(UserSession.ticket_hash == _ticket_hash(ticket, binding))).first()
    if row is None or row.revoked_at is not None or row.token_hash is not None:
        return None
    if now - row.created_at > TICKET_TTL:
        row.ticket_hash = None
        row.revoked_at = now
        return None
    token = secrets.token_urlsafe(32)  # 256 bits
    row.ticket_hash = None
    row.token_hash = token_hash(token)
    row.last_seen_at = now
    user = session.get(User, row.user_id)
    if user is not None:
        user.last_login_at = now
        user.last_login_ip = ip[:45] if ip else None
    return CompletedLogin(token=token, device_cookie=device_cookie_value(user_id=row.user_id, now=now))


def logout(*, session: Session, token: str | None, ip: str = "", now: datetime | None = None) -> None:
    """Revoke the session of `token` (no-op when unknown)."""
    sessions_changed()
    if not token or len(token) > 128:
        return
    now = now or utcnow()
    row = session.exec(select(UserSession).where(UserSession.token_hash == token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = now
    audit.record(session=session, action="logout", actor_id=row.user_id, subject_user_id=row.user_id, ip=ip, now=now)
