"""Settings → Security: whether the authenticator app is on and how many recovery codes are left."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from introserv_app.db.tables import User
from introserv_app.services.accounts import _second_factor as factors
from introserv_app.services.accounts._passkeys import user_passkeys
from introserv_app.services.common.viewer import Viewer


@dataclass(frozen=True)
class PasskeyLine:
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True)
class SecurityView:
    totp_on: bool
    recovery_codes_left: int
    passkeys: list[PasskeyLine] = field(default_factory=list)
    passwordless: bool = False


def security_view(*, session: Session, viewer: Viewer) -> SecurityView:
    """The second factors of the viewer's account (never their secrets)."""
    keys = [
        PasskeyLine(p.id or 0, p.name, p.created_at, p.last_used_at) for p in user_passkeys(session, viewer.user_id)
    ]
    user = session.get(User, viewer.user_id)
    on = factors.has_second_factor(session, viewer.user_id)
    return SecurityView(
        totp_on=factors.has_totp(session, viewer.user_id),
        recovery_codes_left=factors.recovery_codes_left(session, viewer.user_id) if on else 0,
        passkeys=keys,
        passwordless=bool(user and user.passwordless),
    )
