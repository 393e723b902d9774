"""Profile use cases (the full Settings page comes with its own issue)."""

from __future__ import annotations

from sqlmodel import Session

from introserv_app.db.tables import Profile
from introserv_app.i18n import SUPPORTED_LANGUAGES
from introserv_app.services.accounts._sessions import sessions_changed
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer


def set_language(*, session: Session, viewer: Viewer, language: str) -> None:
    """Remember the viewer's interface language."""
    if language not in SUPPORTED_LANGUAGES:
        raise ServiceError("Unknown language.")
    profile = session.get(Profile, viewer.user_id)
    if profile is None or profile.language == language:
        return
    old, profile.language = profile.language, language
    sessions_changed()  # the viewer carries the language
    audit.record(
        session=session,
        action="settings.language",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        details={"old": old, "new": language},
    )
