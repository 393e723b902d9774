"""Sessions: the cookie token resolved to a viewer (idle and absolute expiry, revocation, active user, IP
restrictions), and the cookies that carry it."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.config import Settings, get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import Profile, User, UserSession
from introserv_app.db.types import utcnow
from introserv_app.domain.roles import Role
from introserv_app.domain.settings_rules import ip_allowed
from introserv_app.services.common.viewer import Viewer

SESSION_COOKIE = "introserv_session"


#: The login binding (see `complete_login`): set by the login page's script, sent only to /auth/complete.
LOGIN_BINDING_COOKIE = "introserv_login"


TOUCH_EVERY = timedelta(seconds=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


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


def revoke_sessions(*, session: Session, user_id: int, now: datetime, keep: int | None = None) -> int:
    """End every live session of `user_id` (but `keep`, the one in use); returns how many ended."""
    stmt = sa.update(UserSession).where(col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None))
    if keep is not None:
        stmt = stmt.where(col(UserSession.id) != keep)
    ended = session.connection().execute(stmt.values(revoked_at=now)).rowcount
    sessions_changed()
    return int(ended or 0)


#: Bumped whenever this process ends sessions or changes what a viewer may do (logout, password change,
#: IP restrictions, a staff member's role or switch-off): short-lived viewer caches compare it.
_SESSIONS_GENERATION = [0]


def sessions_changed() -> None:
    _SESSIONS_GENERATION[0] += 1


def sessions_generation() -> int:
    return _SESSIONS_GENERATION[0]


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
