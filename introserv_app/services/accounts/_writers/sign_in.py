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

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.config import Settings, get_settings
from introserv_app.db.tables import AuditEvent, Profile, User, UserSession
from introserv_app.db.types import utcnow
from introserv_app.domain.settings_rules import ip_allowed
from introserv_app.domain.text import N_
from introserv_app.domain.user_agents import describe
from introserv_app.domain.validation import PASSWORD_MAX, USERNAME_MAX, clip_for_log, normalize_username
from introserv_app.i18n import translate_message
from introserv_app.services import messaging
from introserv_app.services.accounts import _passkeys as webauthn
from introserv_app.services.accounts import _second_factor as factors
from introserv_app.services.accounts._passwords import PasswordCheck, dummy_hash, upgraded_hash, verify_password
from introserv_app.services.accounts._sessions import sessions_changed, token_hash
from introserv_app.services.accounts._throttle import device_cookie_value, device_id, wait_before_attempt
from introserv_app.services.accounts._writers.session_control import new_device_mail_on
from introserv_app.services.common import audit

TICKET_TTL = timedelta(seconds=60)
#: How long the second step may take after the password, and how many wrong codes it allows.
CHALLENGE_TTL = timedelta(minutes=5)
CODE_TRIES = 5


MSG_EMPTY = N_("Enter your username and password.")


MSG_INVALID = N_("Invalid username or password.")


MSG_THROTTLED = N_("Too many failed attempts. Try again in {seconds} s.")


MSG_EXCHANGE_FAILED = N_(
    "The sign-in could not be completed in this browser (it took too long, or it was started elsewhere). "
    "Please sign in again."
)


MSG_WRONG_SECOND_FACTOR = N_(
    "This code is not correct. Enter the current code from your authenticator app, or a recovery code."
)


MSG_CODE_TRIES = N_("Too many wrong codes. Please sign in again.")


MSG_CHALLENGE_EXPIRED = N_("The sign-in took too long. Please enter your username and password again.")


MSG_IP_BLOCKED = N_("This account does not allow sign-in from your address (IP restrictions in its settings).")


@dataclass(frozen=True)
class LoginOutcome:
    ok: bool
    ticket: str | None = None
    #: The browser's half of the ticket: the login page keeps it in a cookie for /auth/complete only.
    binding: str | None = None
    error: str | None = None
    retry_after: int | None = None
    #: The password was right and a second factor is needed: give this to `second_step` with the code.
    challenge: str | None = None
    #: The second step cannot go on (expired, too many wrong codes): ask for the password again.
    restart: bool = False


def authenticate(
    *,
    session: Session,
    username: object,
    password: object,
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
    username, password, key, user, device = _attempt(session, username, password, device_cookie, now, settings)

    def fail(reason: str, message: str) -> LoginOutcome:
        record_failure(
            session, key=key, user_id=user.id if user else None, ip=ip, device=device, now=now, reason=reason
        )
        return LoginOutcome(ok=False, error=message)

    if not key or not password:
        return fail("empty", MSG_EMPTY)

    refused = _throttled(
        session, key=key, user_id=user.id if user else None, ip=ip, device=device, now=now, settings=settings
    )
    if refused is not None:
        return refused

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

    row = new_session_row(session, user_id=user.id or 0, ip=ip, user_agent=user_agent, now=now, settings=settings)
    if factors.has_second_factor(session, user.id or 0):
        # The password was right; the session exists only once the second factor is given (`second_step`).
        challenge = secrets.token_urlsafe(32)
        row.challenge_hash = token_hash(challenge)
        audit.record(
            session=session, action="login.password_ok", subject_key=key, subject_user_id=user.id, ip=ip, now=now
        )
        return LoginOutcome(ok=False, challenge=challenge)
    audit.record(
        session=session, action="login", success=True, subject_key=key, subject_user_id=user.id, ip=ip, now=now
    )
    return issue_ticket(row)


def _attempt(
    session: Session, username: object, password: object, device_cookie: str | None, now: datetime, settings: Settings
) -> tuple[str, str, str, User | None, str | None]:
    """The attempt as text (anything else: empty), its normalised username, its account (None when unknown or the
    input is unusable) and the browser's device id for that account."""
    username = username if isinstance(username, str) else ""
    password = password if isinstance(password, str) else ""
    key = clip_for_log(normalize_username(username[: USERNAME_MAX * 4]), USERNAME_MAX)
    user = None
    if key and password and len(username) <= USERNAME_MAX * 4 and len(password) <= PASSWORD_MAX:
        user = session.exec(select(User).where(User.username == key)).first()
    device = device_id(device_cookie, user_id=user.id or 0, now=now, settings=settings) if user else None
    return username, password, key, user, device


def password_check(
    *,
    session: Session,
    username: object,
    password: object,
    ip: str,
    device_cookie: str | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> PasswordCheck | None:
    """The argon2 verification `authenticate` will make for this attempt (the account's hash, or the stand-in for
    an unknown or inactive one), or None when it refuses before any (empty, throttled). Reads only. The caller may
    `run_check` it on a worker thread and pass the verdict (`verdict`) to `authenticate`, which then neither waits
    for argon2 nor holds its thread meanwhile."""
    settings = settings or get_settings()
    now = now or utcnow()
    _, password, key, user, device = _attempt(session, username, password, device_cookie, now, settings)
    if not key or not password:
        return None
    if wait_before_attempt(session=session, key=key, ip=ip, device=device, now=now, settings=settings) is not None:
        return None
    stored = user.password_hash if user is not None and user.is_active else dummy_hash()
    return PasswordCheck(stored, password[:PASSWORD_MAX])


def second_step(
    *,
    session: Session,
    challenge: str,
    code: object = None,
    ip: str,
    passkey: object = None,
    passkey_challenge: bytes = b"",
    device_cookie: str | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> LoginOutcome:
    """The second factor after the password: a code from the authenticator app, a recovery code, or a passkey
    (`passkey`: the browser's assertion for `passkey_challenge`, from `second_step_passkey_options`). Throttled
    like passwords (a wrong code is a failed sign-in of the account); after `CODE_TRIES` wrong codes, or
    `CHALLENGE_TTL`, the password must be entered again."""
    settings = settings or get_settings()
    now = now or utcnow()
    pending = _pending(session, challenge, now)
    if pending is None:
        return LoginOutcome(ok=False, error=MSG_CHALLENGE_EXPIRED, restart=True)
    row, user = pending
    key = user.username
    device = device_id(device_cookie, user_id=user.id or 0, now=now, settings=settings)
    refused = _throttled(session, key=key, user_id=user.id, ip=ip, device=device, now=now, settings=settings)
    if refused is not None:
        return refused
    typed = factors.clean_code(code)
    if passkey is not None:
        method = "passkey"
        accepted = (
            webauthn.verify_assertion(
                session, credential=passkey, challenge=passkey_challenge, user_id=user.id or 0, now=now
            )
            is not None
        )
    elif factors.is_totp_code(typed):
        method = "totp"
        accepted = factors.accept_totp(session=session, user_id=user.id or 0, code=typed, now=now)
    else:
        method = "recovery"
        accepted = factors.accept_recovery_code(session=session, user_id=user.id or 0, code=typed, now=now)
    if not accepted:
        record_failure(
            session, key=key, user_id=user.id, ip=ip, device=device, now=now, reason="wrong_code", method=method
        )
        tries = _wrong_codes(session, user.id or 0, since=row.created_at)
        if tries >= CODE_TRIES:
            row.challenge_hash, row.revoked_at = None, now
            return LoginOutcome(ok=False, error=MSG_CODE_TRIES, restart=True)
        return LoginOutcome(ok=False, error=MSG_WRONG_SECOND_FACTOR)
    row.challenge_hash, row.second_factor = None, method
    row.created_at = now  # the ticket's minute starts now (`complete_login`)
    audit.record(
        session=session,
        action="login",
        success=True,
        subject_key=key,
        subject_user_id=user.id,
        ip=ip,
        details={"second_factor": method},
        now=now,
    )
    return issue_ticket(row)


def _pending(session: Session, challenge: object, now: datetime) -> tuple[UserSession, User] | None:
    """The sign-in waiting for its second factor under `challenge` (valid, not expired), with its user."""
    if not isinstance(challenge, str) or not 20 <= len(challenge) <= 100:
        return None
    row = session.exec(select(UserSession).where(UserSession.challenge_hash == token_hash(challenge))).first()
    if row is None or row.revoked_at is not None or now - row.created_at > CHALLENGE_TTL:
        return None
    user = session.get(User, row.user_id)
    return (row, user) if user is not None and user.is_active else None


def _wrong_codes(session: Session, user_id: int, *, since: datetime) -> int:
    return int(
        session.exec(
            select(sa.func.count())
            .select_from(AuditEvent)
            .where(
                col(AuditEvent.action) == "login",
                col(AuditEvent.success).is_(False),
                col(AuditEvent.subject_user_id) == user_id,
                col(AuditEvent.created_at) >= since,
                AuditEvent.__table__.c.details["reason"].as_string() == "wrong_code",  # type: ignore[attr-defined]
            )
        ).one()
    )


def record_failure(
    session: Session,
    *,
    key: str | None,
    user_id: int | None,
    ip: str,
    device: str | None,
    now: datetime,
    **details: Any,
) -> None:
    """A failed sign-in: the `login` audit event the throttle counts (`_throttle`: by key, address, device)."""
    if device is not None:
        details["device"] = device
    audit.record(
        session=session,
        action="login",
        success=False,
        subject_key=key,
        subject_user_id=user_id,
        ip=ip,
        details=details,
        now=now,
    )


def _throttled(
    session: Session, *, key: str, user_id: int | None, ip: str, device: str | None, now: datetime, settings: Settings
) -> LoginOutcome | None:
    """The refusal when this attempt must wait (`_throttle`), audited as `login.throttled`; else None."""
    wait = wait_before_attempt(session=session, key=key, ip=ip, device=device, now=now, settings=settings)
    if wait is None:
        return None
    audit.record(
        session=session,
        action="login.throttled",
        success=False,
        subject_key=key,
        subject_user_id=user_id,
        ip=ip,
        details={"retry_after": wait.seconds, "scope": wait.scope},
        now=now,
    )
    return LoginOutcome(ok=False, error=MSG_THROTTLED, retry_after=wait.seconds)


def new_session_row(
    session: Session, *, user_id: int, ip: str, user_agent: str, now: datetime, settings: Settings
) -> UserSession:
    """A session row for a sign-in in progress (no ticket or token yet), added to `session`."""
    row = UserSession(
        user_id=user_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_absolute_hours),
        ip=ip[:45] if ip else None,
        user_agent=user_agent[:255] or None,
    )
    session.add(row)
    return row


def issue_ticket(row: UserSession) -> LoginOutcome:
    """The sign-in succeeded: a one-time ticket and its browser binding for /auth/complete (`complete_login`)."""
    ticket, binding = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    row.ticket_hash = _ticket_hash(ticket, binding)
    return LoginOutcome(ok=True, ticket=ticket, binding=binding)


def _ticket_hash(ticket: str, binding: str) -> str:
    return token_hash(f"{ticket}.{binding}")


@dataclass(frozen=True)
class CompletedLogin:
    token: str
    #: A new device cookie for this browser (`login_throttle`).
    device_cookie: str


def complete_login(
    *,
    session: Session,
    ticket: str,
    binding: str,
    ip: str,
    device_cookie: str | None = None,
    now: datetime | None = None,
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
        if device_id(device_cookie, user_id=user.id or 0, now=now) is None and new_device_mail_on(
            session, user.id or 0
        ):
            _mail_new_device(session, user, row, ip, now)
        user.previous_login_at, user.previous_login_ip = user.last_login_at, user.last_login_ip
        user.last_login_at = now
        user.last_login_ip = ip[:45] if ip else None
    return CompletedLogin(token=token, device_cookie=device_cookie_value(user_id=row.user_id, now=now))


def _mail_new_device(session: Session, user: User, row: UserSession, ip: str, now: datetime) -> None:
    """The account asked to be told of sign-ins from browsers that never signed in to it before."""
    profile = session.get(Profile, user.id)
    if profile is None or not profile.email:
        return
    browser, system = describe(row.user_agent)
    lang = profile.language
    values: dict[str, object] = {
        "username": user.username,
        "ip": ip or "?",
        "browser": " · ".join(p for p in (browser, system) if p) or "?",
        "time": now.strftime("%Y-%m-%d %H:%M UTC"),
    }
    messaging.queue_email(
        session=session,
        user_id=user.id,
        to_addr=profile.email,
        subject=translate_message(lang, messaging.MAIL_NEW_DEVICE_SUBJECT),
        body_text=translate_message(lang, messaging.MAIL_NEW_DEVICE_BODY, values),
        now=now,
    )


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
