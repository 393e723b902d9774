"""A new e-mail address: a single-use 24-hour link to it and a notice to the old one; the link confirms it."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlmodel import Session, select

from introserv_app.config import get_settings
from introserv_app.db.tables import EmailChange, User
from introserv_app.db.types import utcnow
from introserv_app.domain import settings_rules as rules
from introserv_app.domain.settings_rules import FieldError
from introserv_app.i18n import translate_message
from introserv_app.services import messaging
from introserv_app.services.accounts._rules import (
    EMAIL_LINK_TTL,
    MSG_EMAIL_SAME,
    MSG_LINK_BAD,
    SettingsInvalid,
    _profile,
)
from introserv_app.services.accounts._sessions import token_hash
from introserv_app.services.accounts._writers.secrets import _check_password
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging import queue_email


def request_email_change(
    *, session: Session, viewer: Viewer, new_email: object, password: object, ip: str = "", now: datetime | None = None
) -> str:
    """Send a single-use, 24-hour confirmation link to the new address (or to the current one, to confirm
    it) and tell the old address. Returns the address the link went to."""
    now = now or utcnow()
    try:
        address = rules.email(new_email)
    except FieldError as exc:
        raise SettingsInvalid({"new_email": exc}) from None
    profile = _profile(session, viewer.user_id)
    confirming_current = address == profile.email
    if confirming_current and profile.email_confirmed:
        raise SettingsInvalid({"new_email": FieldError(MSG_EMAIL_SAME)})
    if not confirming_current:
        _check_password(session, viewer, password)
    lang = profile.language
    values = send_confirmation_link(
        session=session, user_id=viewer.user_id, username=viewer.username, address=address, lang=lang, now=now
    )
    if not confirming_current and profile.email:
        queue_email(
            session=session,
            user_id=viewer.user_id,
            to_addr=profile.email,
            subject=translate_message(lang, messaging.MAIL_NOTICE_SUBJECT),
            body_text=translate_message(lang, messaging.MAIL_NOTICE_BODY, values),
            now=now,
        )
    audit.record(
        session=session,
        action="settings.email_requested",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"old": profile.email, "new": address},
        now=now,
    )
    return address


def send_confirmation_link(
    *, session: Session, user_id: int, username: str, address: str, lang: str, now: datetime
) -> dict[str, object]:
    """Store a single-use 24-hour link confirming `address` and mail it there; returns the mail's values."""
    token = secrets.token_urlsafe(32)
    session.add(
        EmailChange(
            user_id=user_id,
            new_email=address,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + EMAIL_LINK_TTL,
        )
    )
    link = f"{get_settings().base_url}/settings/confirm-email?t={token}"
    values: dict[str, object] = {"username": username, "link": link, "new_email": address}
    queue_email(
        session=session,
        user_id=user_id,
        to_addr=address,
        subject=translate_message(lang, messaging.MAIL_CONFIRM_SUBJECT),
        body_text=translate_message(lang, messaging.MAIL_CONFIRM_BODY, values),
        now=now,
    )
    return values


def confirm_email(*, session: Session, token: object, ip: str = "", now: datetime | None = None) -> str:
    """Use a confirmation link: the address becomes the account's email, confirmed. Returns it."""
    now = now or utcnow()
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise ServiceError(MSG_LINK_BAD)
    row = session.exec(select(EmailChange).where(EmailChange.token_hash == token_hash(token))).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise ServiceError(MSG_LINK_BAD)
    row.used_at = now
    profile = _profile(session, row.user_id)
    old = profile.email
    profile.email, profile.email_confirmed = row.new_email, True
    user = session.get(User, row.user_id)
    if user is not None:
        user.email_unconfirmed = False  # a signed-up account may now order, pay and open tickets
    audit.record(
        session=session,
        action="settings.email",
        actor_id=row.user_id,
        subject_user_id=row.user_id,
        ip=ip,
        details={"old": old, "new": row.new_email},
        now=now,
    )
    return row.new_email
