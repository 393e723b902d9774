"""Login, sessions and logout.

Flow: the login form calls `authenticate`, which checks throttling (`login_throttle`) and the password and
returns a one-time *ticket* plus its *binding*. The login page's script keeps the binding in a cookie that
only /auth/complete receives and POSTs the ticket there (same origin only); the route calls
`complete_login`, which exchanges ticket + binding for the session token, set as an HttpOnly cookie. A
ticket is useless in any other browser (login CSRF). The token never reaches JavaScript; every event and
route resolves it with `resolve_session`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.config import Settings, get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import Profile, User, UserSession
from introserv_app.db.types import utcnow
from introserv_app.domain.roles import Role
from introserv_app.domain.settings_rules import ip_allowed
from introserv_app.domain.text import N_
from introserv_app.domain.validation import PASSWORD_MAX, USERNAME_MAX, clip_for_log, normalize_username
from introserv_app.services.common import audit
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.login_throttle import device_cookie_value, device_id, wait_before_attempt
from introserv_app.services.passwords import dummy_hash, verify_password

SESSION_COOKIE = "introserv_session"
#: The login binding (see `complete_login`): set by the login page's script, sent only to /auth/complete.
LOGIN_BINDING_COOKIE = "introserv_login"
TICKET_TTL = timedelta(seconds=60)
TOUCH_EVERY = timedelta(seconds=60)

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


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


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


def resolve_session(
    *,
    session: Session,
    token: str | None,
    ip: str | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> Viewer | None:
    """The viewer for a session token, or None when missing, unknown, revoked, expired, or used from an
    address the account's IP restrictions do not allow (`ip`: the request's address; None skips the check
    for callers that are not requests, e.g. tests of sessions)."""
    if not token or len(token) > 128:
        return None
    settings = settings or get_settings()
    now = now or utcnow()
    row = session.connection().execute(_SESSION_VIEWER, {"token_hash": token_hash(token)}).first()
    if row is None:
        return None
    session_id, revoked_at, expires_at, last_seen_at, user_id, username, role, active, language, restrictions = row
    idle_limit = timedelta(minutes=settings.session_idle_minutes)
    if (
        revoked_at is not None
        or now >= expires_at
        or now - last_seen_at > idle_limit
        or not active
        or (ip is not None and restrictions and not ip_allowed(restrictions, ip))
    ):
        return None
    if now - last_seen_at >= TOUCH_EVERY:
        # In a transaction of its own, committed at once: a page load's shared session
        # (`db.session.page_load_session`) must not hold this row's lock while its handler awaits.
        with session_scope(session.get_bind()) as own:  # type: ignore[arg-type]
            own.connection().execute(
                sa.update(UserSession).where(col(UserSession.id) == session_id).values(last_seen_at=now)
            )
    return Viewer(
        user_id=user_id or 0, username=username, role=Role(role), session_id=session_id or 0, language=language or "en"
    )


# Built once: every event of a signed-in page resolves its session (columns only, no ORM objects).
_SESSION_VIEWER = (
    sa.select(
        col(UserSession.id),
        col(UserSession.revoked_at),
        col(UserSession.expires_at),
        col(UserSession.last_seen_at),
        col(User.id),
        col(User.username),
        col(User.role),
        col(User.is_active),
        col(Profile.language),
        col(Profile.ip_restrictions),
    )
    .join(User, col(User.id) == col(UserSession.user_id))
    .join(Profile, col(Profile.user_id) == col(User.id), isouter=True)
    .where(col(UserSession.token_hash) == sa.bindparam("token_hash"))
)


#: Bumped whenever this process ends sessions or changes what a viewer may do (logout, password change,
#: IP restrictions, a staff member's role or switch-off): short-lived viewer caches compare it.
_SESSIONS_GENERATION = [0]


def sessions_changed() -> None:
    _SESSIONS_GENERATION[0] += 1


def sessions_generation() -> int:
    return _SESSIONS_GENERATION[0]


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


def cookie_from_header(cookie_header: str, name: str) -> str | None:
    """One cookie's value from a raw Cookie header."""
    from http.cookies import CookieError, SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header or "")
    except CookieError:
        # A malformed cookie elsewhere in the header: fall back to a plain scan.
        for part in (cookie_header or "").split(";"):
            key, _, value = part.strip().partition("=")
            if key == name:
                return value or None
        return None
    morsel = jar.get(name)
    return morsel.value if morsel and morsel.value else None


def token_from_cookie_header(cookie_header: str) -> str | None:
    """The session token from a raw Cookie header."""
    return cookie_from_header(cookie_header, SESSION_COOKIE)
