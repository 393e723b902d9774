"""Using a key: who is calling (the key's owner as a customer viewer), from where, with which scopes. Every refusal
of a known key is audited; the key's last use (time, address) is written at most once a minute."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.tables import ApiKey, Profile, User
from introserv_app.db.types import utcnow
from introserv_app.domain.roles import Role
from introserv_app.domain.settings_rules import ip_allowed
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

from .._rules import (
    MSG_ACCOUNT_IP,
    MSG_KEY_INVALID,
    MSG_KEY_IP,
    MSG_KEY_SCOPE,
    TOUCH_EVERY_SECONDS,
    key_hash,
    prefix_of,
)


@dataclass(frozen=True)
class ApiCaller:
    """A request's caller: the key's owner as a customer `viewer`, the key and its scopes."""

    viewer: Viewer
    key_id: int
    prefix: str
    scopes: frozenset[str]
    #: The key's last use should be written (`touch_key`, in a transaction after this one: a request holds one
    #: database connection at a time).
    touch: bool = False


class ApiRefused(ServiceError):
    """The key cannot be used for this request: `status` 401 (no valid key) or 403 (address, scope)."""

    def __init__(self, status: int, message: str, **values: object) -> None:
        super().__init__(message, **values)
        self.status = status


_BY_PREFIX = (
    sa.select(
        col(ApiKey.id),
        col(ApiKey.user_id),
        col(ApiKey.secret_hash),
        col(ApiKey.scopes),
        col(ApiKey.ip_list),
        col(ApiKey.expires_at),
        col(ApiKey.revoked_at),
        col(ApiKey.last_used_at),
        col(ApiKey.last_used_ip),
        col(User.username),
        col(User.role),
        col(User.is_active),
        col(Profile.ip_restrictions),
    )
    .join(User, col(User.id) == col(ApiKey.user_id))
    .join(Profile, col(Profile.user_id) == col(User.id), isouter=True)
    .where(col(ApiKey.prefix) == sa.bindparam("prefix"))
)


@dataclass(frozen=True)
class _Key:
    id: int
    user_id: int
    prefix: str


def _refuse(
    session: Session, key: _Key, *, reason: str, ip: str, status: int, message: str, **values: object
) -> ApiRefused:
    audit.record_apart(
        session=session,
        action="api_key.refused",
        # A wrong secret is someone else trying the owner's key: no actor.
        actor_id=None if reason == "wrong secret" else key.user_id,
        subject_user_id=key.user_id,
        subject_key=f"api_key:{key.id}",
        success=False,
        ip=ip,
        details={"prefix": key.prefix, "reason": reason, **{k: str(v) for k, v in values.items()}},
    )
    return ApiRefused(status, message, **values)


def authenticate(
    *, session: Session, key: str | None, ip: str, language: str, now: datetime | None = None
) -> ApiCaller:
    """The caller of a request that sent `Authorization: Bearer <key>`; raises ApiRefused."""
    now = now or utcnow()
    prefix = prefix_of(key or "")
    row = session.connection().execute(_BY_PREFIX, {"prefix": prefix}).first() if prefix else None
    if row is None or key is None or prefix is None:
        raise ApiRefused(401, MSG_KEY_INVALID)
    (key_id, user_id, hashed, scopes, ip_list, expires_at, revoked_at, last_used_at, last_ip,
     username, role, is_active, account_ips) = row  # fmt: skip
    known = _Key(key_id or 0, int(user_id), prefix)
    refusal: tuple[str, int, str] | None = None
    if not hmac.compare_digest(hashed, key_hash(key)):
        refusal = ("wrong secret", 401, MSG_KEY_INVALID)
    elif revoked_at is not None:
        refusal = ("revoked", 401, MSG_KEY_INVALID)
    elif expires_at is not None and expires_at < now:
        refusal = ("expired", 401, MSG_KEY_INVALID)
    elif not is_active or Role(role) is not Role.CUSTOMER:
        refusal = ("account", 401, MSG_KEY_INVALID)
    elif ip_list and not ip_allowed(ip_list, ip):
        refusal = ("key ip list", 403, MSG_KEY_IP)
    elif account_ips and not ip_allowed(account_ips, ip):
        refusal = ("account ip restrictions", 403, MSG_ACCOUNT_IP)
    if refusal is not None:
        raise _refuse(session, known, reason=refusal[0], ip=ip, status=refusal[1], message=refusal[2])
    touch = last_used_at is None or last_ip != ip or now - last_used_at >= timedelta(seconds=TOUCH_EVERY_SECONDS)
    viewer = Viewer(user_id=known.user_id, username=username, role=Role.CUSTOMER, session_id=0, language=language)
    return ApiCaller(viewer=viewer, key_id=known.id, prefix=prefix, scopes=frozenset(scopes.split()), touch=touch)


def touch_key(*, session: Session, caller: ApiCaller, ip: str, now: datetime | None = None) -> None:
    """Write the key's last use (time, address)."""
    session.connection().execute(
        sa.update(ApiKey)
        .where(col(ApiKey.id) == caller.key_id)
        .values(last_used_at=now or utcnow(), last_used_ip=ip[:45])
    )


def require_scope(*, session: Session, caller: ApiCaller, scope: str, ip: str, also: str | None = None) -> None:
    """Refuse (403, audited) unless the caller's key has `scope` (or `also`)."""
    if scope in caller.scopes or (also is not None and also in caller.scopes):
        return
    raise _refuse(
        session,
        _Key(caller.key_id, caller.viewer.user_id, caller.prefix),
        reason=f"scope {scope}",
        ip=ip,
        status=403,
        message=MSG_KEY_SCOPE,
        scope=scope,
    )
