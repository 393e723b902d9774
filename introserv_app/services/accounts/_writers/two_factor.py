"""Settings → Security: turning the authenticator app on (after a correct code) and off (with the password),
and new recovery codes (with the password). Support removes a customer's second factor only right after a
successful caller check (`remove_second_factor`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import segno
from sqlmodel import Session

from introserv_app.db.tables import Profile, TotpFactor, User
from introserv_app.db.types import utcnow
from introserv_app.domain.settings_rules import FieldError
from introserv_app.domain.text import N_
from introserv_app.i18n import translate_message
from introserv_app.services import messaging
from introserv_app.services.accounts import _second_factor as factors
from introserv_app.services.accounts._rules import SettingsInvalid
from introserv_app.services.accounts._sessions import sessions_changed
from introserv_app.services.accounts._writers.secrets import _check_password
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

MSG_TOTP_ALREADY_ON = N_("The authenticator app is already on. Turn it off first to set up another one.")
MSG_TOTP_NOT_STARTED = N_("Start the setup again: scan the new QR code, then enter its code.")
MSG_TOTP_WRONG_CODE = N_("This code is not correct (or was used already). Enter the current 6-digit code.")
MSG_TOTP_OFF_ALREADY = N_("Two-factor authentication is not on.")


@dataclass(frozen=True)
class TotpSetup:
    secret: str
    uri: str
    #: The QR code of `uri` as a data: URI of an SVG image, made here (no third party sees the secret).
    qr_svg: str


def start_totp(*, session: Session, viewer: Viewer, now: datetime | None = None) -> TotpSetup:
    """A new secret for an authenticator app, not yet in force (sign-in asks for it once a code confirmed it)."""
    now = now or utcnow()
    factor = session.get(TotpFactor, viewer.user_id)
    if factor is not None and factor.confirmed_at is not None:
        raise ServiceError(MSG_TOTP_ALREADY_ON)
    secret = factors.new_totp_secret()
    if factor is None:
        factor = TotpFactor(user_id=viewer.user_id, secret_encrypted="", created_at=now)
        session.add(factor)
    factor.secret_encrypted, factor.created_at, factor.last_step = factors.encrypt_secret(secret), now, 0
    uri = factors.provisioning_uri(secret, viewer.username)
    return TotpSetup(secret=secret, uri=uri, qr_svg=segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def enable_totp(
    *, session: Session, viewer: Viewer, code: object, ip: str = "", now: datetime | None = None
) -> list[str]:
    """Switch the app on with a correct code; returns the 10 recovery codes (shown once)."""
    now = now or utcnow()
    factor = session.get(TotpFactor, viewer.user_id)
    if factor is None or factor.confirmed_at is not None:
        raise ServiceError(MSG_TOTP_NOT_STARTED if factor is None else MSG_TOTP_ALREADY_ON)
    typed = factors.clean_code(code)
    if not factors.accept_totp(session=session, user_id=viewer.user_id, code=typed, now=now, confirmed=False):
        raise SettingsInvalid({"totp_code": FieldError(MSG_TOTP_WRONG_CODE)})
    session.refresh(factor)
    factor.confirmed_at = now
    codes = factors.new_recovery_codes(session=session, user_id=viewer.user_id, now=now)
    sessions_changed()
    audit.record(session=session, action="security.totp_on", actor_id=viewer.user_id,
                 subject_user_id=viewer.user_id, ip=ip, now=now)  # fmt: skip
    return codes


def disable_totp(
    *, session: Session, viewer: Viewer, password: object, ip: str = "", now: datetime | None = None
) -> None:
    """Switch the authenticator app off (the account password confirms it); passkeys stay."""
    if not factors.has_totp(session, viewer.user_id):
        raise ServiceError(MSG_TOTP_OFF_ALREADY)
    _check_password(session, viewer, password)
    factors.remove_totp(session, viewer.user_id)
    audit.record(session=session, action="security.totp_off", actor_id=viewer.user_id,
                 subject_user_id=viewer.user_id, ip=ip, now=now)  # fmt: skip


def regenerate_recovery_codes(
    *, session: Session, viewer: Viewer, password: object, ip: str = "", now: datetime | None = None
) -> list[str]:
    """Ten new recovery codes (the old ones stop working); the account password confirms it."""
    now = now or utcnow()
    if not factors.has_second_factor(session, viewer.user_id):
        raise ServiceError(MSG_TOTP_OFF_ALREADY)
    _check_password(session, viewer, password)
    codes = factors.new_recovery_codes(session=session, user_id=viewer.user_id, now=now)
    audit.record(session=session, action="security.recovery_codes", actor_id=viewer.user_id,
                 subject_user_id=viewer.user_id, ip=ip, now=now)  # fmt: skip
    return codes


def remove_second_factor(
    *, session: Session, user_id: int, actor_id: int, ip: str = "", now: datetime | None = None
) -> None:
    """Support's removal (the caller was verified by support first): the factors go, the customer is mailed."""
    now = now or utcnow()
    if not factors.has_second_factor(session, user_id):
        raise ServiceError(MSG_TOTP_OFF_ALREADY)
    factors.remove_second_factors(session, user_id)
    user, profile = session.get(User, user_id), session.get(Profile, user_id)
    if user is not None and profile is not None and profile.email:
        lang = profile.language
        messaging.queue_email(
            session=session,
            user_id=user_id,
            to_addr=profile.email,
            subject=translate_message(lang, messaging.MAIL_SECOND_FACTOR_REMOVED_SUBJECT),
            body_text=translate_message(lang, messaging.MAIL_SECOND_FACTOR_REMOVED_BODY, {"username": user.username}),
            now=now,
        )
    audit.record(session=session, action="security.second_factor_removed", actor_id=actor_id,
                 subject_user_id=user_id, ip=ip, details={"by": "support"}, now=now)  # fmt: skip
