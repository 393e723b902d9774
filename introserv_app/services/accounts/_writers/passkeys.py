"""Settings → Passkeys: adding one (a WebAuthn registration), naming and deleting them (with the password),
and choosing passwordless sign-in. Sign-in with a passkey is in `passkey_sign_in`."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from introserv_app.db.tables import Passkey, RecoveryCode, User
from introserv_app.db.types import utcnow
from introserv_app.domain.text import N_
from introserv_app.domain.validation import TextError, check_text, is_row_id
from introserv_app.services.accounts import _passkeys as webauthn
from introserv_app.services.accounts import _second_factor as factors
from introserv_app.services.accounts._passkeys import Ceremony
from introserv_app.services.accounts._sessions import sessions_changed
from introserv_app.services.accounts._writers.secrets import _check_password
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

NAME_MAX = 64

MSG_TOO_MANY_PASSKEYS = N_("At most 10 passkeys: delete one you no longer use first.")
MSG_PASSKEY_FAILED = N_("The passkey could not be added (it was cancelled, timed out, or is not for this site).")
MSG_PASSKEY_NAME = N_("Give the passkey a name of 1 to 64 characters, e.g. “Work laptop”.")
MSG_PASSKEY_UNKNOWN = N_("This passkey does not exist (any more).")
MSG_PASSWORDLESS_NEEDS_PASSKEY = N_("Add a passkey first: passwordless sign-in uses it instead of the password.")


def _name(raw: object) -> str:
    try:
        name = check_text(raw, max_len=NAME_MAX)
    except TextError:
        raise ServiceError(MSG_PASSKEY_NAME) from None
    if not name:
        raise ServiceError(MSG_PASSKEY_NAME)
    return name


def begin_passkey(*, session: Session, viewer: Viewer) -> Ceremony:
    """Options for the browser's navigator.credentials.create (the challenge stays on the server)."""
    if len(webauthn.user_passkeys(session, viewer.user_id)) >= webauthn.PASSKEYS_MAX:
        raise ServiceError(MSG_TOO_MANY_PASSKEYS)
    return webauthn.registration(session, user_id=viewer.user_id, username=viewer.username)


def add_passkey(
    *,
    session: Session,
    viewer: Viewer,
    credential: object,
    challenge: bytes,
    name: object,
    ip: str = "",
    now: datetime | None = None,
) -> list[str]:
    """Store a verified new passkey. Returns new recovery codes when it is the account's first second factor
    (shown once), else []."""
    now = now or utcnow()
    label = _name(name)
    if len(webauthn.user_passkeys(session, viewer.user_id)) >= webauthn.PASSKEYS_MAX:
        raise ServiceError(MSG_TOO_MANY_PASSKEYS)
    new = webauthn.verify_new(credential, challenge)
    if new is None or session.exec(select(Passkey.id).where(Passkey.credential_id == new.credential_id)).first():
        raise ServiceError(MSG_PASSKEY_FAILED)
    had_codes = session.exec(select(RecoveryCode.id).where(RecoveryCode.user_id == viewer.user_id)).first()
    session.add(
        Passkey(
            user_id=viewer.user_id,
            credential_id=new.credential_id,
            public_key=new.public_key,
            sign_count=new.sign_count,
            name=label,
            transports=new.transports,
            created_at=now,
        )
    )
    session.flush()
    codes = [] if had_codes else factors.new_recovery_codes(session=session, user_id=viewer.user_id, now=now)
    sessions_changed()
    audit.record(
        session=session,
        action="security.passkey_added",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"name": label},
        now=now,
    )
    return codes


def _own(session: Session, viewer: Viewer, passkey_id: object) -> Passkey:
    row = session.get(Passkey, passkey_id) if is_row_id(passkey_id) else None
    if row is None or row.user_id != viewer.user_id:
        raise ServiceError(MSG_PASSKEY_UNKNOWN)
    return row


def rename_passkey(*, session: Session, viewer: Viewer, passkey_id: object, name: object) -> None:
    _own(session, viewer, passkey_id).name = _name(name)


def delete_passkey(
    *, session: Session, viewer: Viewer, passkey_id: object, password: object, ip: str = "", now: datetime | None = None
) -> None:
    """Delete one of the viewer's passkeys (the password confirms it). The last one takes passwordless
    sign-in with it, and the recovery codes when no authenticator app remains."""
    row = _own(session, viewer, passkey_id)
    _check_password(session, viewer, password)
    session.delete(row)
    session.flush()
    if not webauthn.user_passkeys(session, viewer.user_id):
        user = session.get(User, viewer.user_id)
        if user is not None:
            user.passwordless = False
        if not factors.has_totp(session, viewer.user_id):
            factors.remove_second_factors(session, viewer.user_id)
    sessions_changed()
    audit.record(
        session=session,
        action="security.passkey_deleted",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"name": row.name},
        now=now,
    )


def set_passwordless(
    *, session: Session, viewer: Viewer, on: bool, password: object, ip: str = "", now: datetime | None = None
) -> None:
    """Allow (or stop) signing in with a passkey alone; the password confirms it."""
    if on and not webauthn.user_passkeys(session, viewer.user_id):
        raise ServiceError(MSG_PASSWORDLESS_NEEDS_PASSKEY)
    _check_password(session, viewer, password)
    user = session.get(User, viewer.user_id)
    assert user is not None
    user.passwordless = bool(on)
    audit.record(
        session=session,
        action="security.passwordless",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"on": bool(on)},
        now=now,
    )
