"""The password (a change ends the other sessions), the code word (set once) and the call password."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from introserv_app.db.tables import User
from introserv_app.db.types import utcnow
from introserv_app.domain import settings_rules as rules
from introserv_app.domain.settings_rules import FieldError
from introserv_app.services.accounts._passwords import hash_password, verify_password
from introserv_app.services.accounts._rules import (
    MSG_CODE_WORD_SET,
    MSG_PASSWORD_NEEDED,
    MSG_WRONG_PASSWORD,
    SettingsInvalid,
    _profile,
)
from introserv_app.services.accounts._sessions import revoke_sessions
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer


def _check_password(session: Session, viewer: Viewer, password: object) -> User:
    user = session.get(User, viewer.user_id)
    assert user is not None
    if not isinstance(password, str) or not password:
        raise SettingsInvalid({"current_password": FieldError(MSG_PASSWORD_NEEDED)})
    if not verify_password(user.password_hash, password[:1024]):
        audit.record(
            session=session,
            action="settings.password_check",
            actor_id=viewer.user_id,
            subject_user_id=viewer.user_id,
            success=False,
        )
        raise SettingsInvalid({"current_password": FieldError(MSG_WRONG_PASSWORD)})
    return user


def confirm_password(*, session: Session, viewer: Viewer, password: object) -> None:
    """The viewer's current password, for an action that needs it (SettingsInvalid on `current_password`)."""
    _check_password(session, viewer, password)


def change_password(
    *,
    session: Session,
    viewer: Viewer,
    current: object,
    new: object,
    confirm: object,
    ip: str = "",
    now: datetime | None = None,
) -> int:
    """Set a new password; every other session of the user ends. Returns how many sessions ended."""
    now = now or utcnow()
    problem = rules.password_problem(new, confirm, viewer.username)
    if problem is not None:
        raise SettingsInvalid({"new_password": FieldError(problem)})
    user = _check_password(session, viewer, current)
    user.password_hash = hash_password(str(new))
    ended = revoke_sessions(session=session, user_id=viewer.user_id, now=now, keep=viewer.session_id)
    audit.record(
        session=session,
        action="settings.password",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"password": "changed", "sessions_ended": int(ended or 0)},
        now=now,
    )
    return int(ended or 0)


def set_code_word(*, session: Session, viewer: Viewer, word: object, password: object, ip: str = "") -> None:
    """The code word for support calls: set once, never shown or changed by the customer."""
    profile = _profile(session, viewer.user_id)
    if profile.code_word_hash is not None:
        raise ServiceError(MSG_CODE_WORD_SET)
    try:
        value = rules.secret(word)
    except FieldError as exc:
        raise SettingsInvalid({"code_word": exc}) from None
    _check_password(session, viewer, password)
    profile.code_word_hash = hash_password(value)
    audit.record(
        session=session,
        action="settings.code_word",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"code_word": "set"},
    )


def set_call_password(*, session: Session, viewer: Viewer, word: object, password: object, ip: str = "") -> None:
    """The secret word asked on phone calls (stored hashed; can be replaced, with the account password)."""
    try:
        value = rules.secret(word)
    except FieldError as exc:
        raise SettingsInvalid({"call_password": exc}) from None
    _check_password(session, viewer, password)
    profile = _profile(session, viewer.user_id)
    was_set = profile.call_password_hash is not None
    profile.call_password_hash = hash_password(value)
    audit.record(
        session=session,
        action="settings.call_password",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"call_password": "replaced" if was_set else "set"},
    )


def secret_matches(stored_hash: str, said: object) -> bool:
    """Whether `said` is the code word or call password stored as `stored_hash` (support's caller check)."""
    try:
        value = rules.secret(said)
    except FieldError:
        return False
    return verify_password(stored_hash, value)
