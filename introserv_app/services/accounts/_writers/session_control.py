"""Settings → Sessions: signing out one of the account's other browsers, or all of them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.tables import UserPreference, UserSession
from introserv_app.db.types import utcnow
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.services.accounts._sessions import revoke_sessions, sessions_changed
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

MSG_SESSION_GONE = N_("This session has already ended.")
MSG_THIS_SESSION = N_("This is the session you are using: sign out from the menu instead.")


def end_session(
    *, session: Session, viewer: Viewer, session_id: object, ip: str = "", now: datetime | None = None
) -> None:
    """End one of the viewer's other sessions (another user's id ends nothing and says the same)."""
    now = now or utcnow()
    if not is_row_id(session_id):
        raise ServiceError(MSG_SESSION_GONE)
    if session_id == viewer.session_id:
        raise ServiceError(MSG_THIS_SESSION)
    ended = (
        session.connection()
        .execute(
            sa.update(UserSession)
            .where(
                col(UserSession.id) == session_id,
                col(UserSession.user_id) == viewer.user_id,
                col(UserSession.revoked_at).is_(None),
            )
            .values(revoked_at=now)
        )
        .rowcount
    )
    if not ended:
        raise ServiceError(MSG_SESSION_GONE)
    sessions_changed()
    audit.record(
        session=session,
        action="session.ended",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"session": session_id},
        now=now,
    )


def end_other_sessions(*, session: Session, viewer: Viewer, ip: str = "", now: datetime | None = None) -> int:
    """Sign out everywhere else; returns how many sessions ended."""
    now = now or utcnow()
    ended = revoke_sessions(session=session, user_id=viewer.user_id, now=now, keep=viewer.session_id)
    audit.record(
        session=session,
        action="session.ended_others",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"count": int(ended or 0)},
        now=now,
    )
    return int(ended or 0)


#: The user preference "mail me when a browser that never signed in to the account does" ("1" or absent).
NEW_DEVICE_MAIL_KEY = "mail_on_new_device"


def set_new_device_mail(*, session: Session, viewer: Viewer, on: bool, now: datetime | None = None) -> None:
    pref = session.get(UserPreference, (viewer.user_id, NEW_DEVICE_MAIL_KEY))
    if on and pref is None:
        session.add(
            UserPreference(user_id=viewer.user_id, key=NEW_DEVICE_MAIL_KEY, value="1", updated_at=now or utcnow())
        )
    elif not on and pref is not None:
        session.delete(pref)


def new_device_mail_on(session: Session, user_id: int) -> bool:
    return session.get(UserPreference, (user_id, NEW_DEVICE_MAIL_KEY)) is not None
