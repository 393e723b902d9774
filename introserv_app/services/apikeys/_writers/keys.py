"""Creating and revoking API keys (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.db.tables import ApiKey, User
from introserv_app.db.types import utcnow
from introserv_app.domain.roles import Role
from introserv_app.domain.settings_rules import FieldError
from introserv_app.domain.validation import is_row_id
from introserv_app.services import accounts
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import PermissionDenied, ServiceError
from introserv_app.services.common.viewer import Viewer

from .._rules import (
    KEYS_PER_USER,
    MSG_KEY_CUSTOMERS,
    MSG_KEY_NOT_FOUND,
    MSG_KEY_TOO_MANY,
    clean_expiry,
    clean_ip_list,
    clean_name,
    clean_scopes,
    new_key,
)


@dataclass(frozen=True)
class NewKey:
    """A key just created: `secret` is the whole key, shown once and never again."""

    id: int
    prefix: str
    secret: str


class KeyFormInvalid(ServiceError):
    """The create form's fields: field -> (msgid, values) of its first problem (IP lines: every bad line)."""

    def __init__(self, fields: dict[str, list[FieldError]]) -> None:
        first = next(iter(fields.values()))[0]
        super().__init__(first.message, **first.values)
        self.fields = fields


def create_key(
    *,
    session: Session,
    viewer: Viewer,
    name: object,
    scopes: object,
    ip_list: object = "",
    expires: object = None,
    password: object = None,
    ip: str = "",
    now: datetime | None = None,
) -> NewKey:
    """A new key for the viewer's own (customer) account; the current password confirms it (a key outlives the
    session that made it)."""
    if viewer.role is not Role.CUSTOMER:
        access.record_denied(session=session, viewer=viewer, target="api_key.create", ip=ip)
        raise PermissionDenied(MSG_KEY_CUSTOMERS)
    refused: dict[str, list[FieldError]] = {}
    try:
        accounts.confirm_password(session=session, viewer=viewer, password=password)
    except accounts.SettingsInvalid as exc:
        refused["password"] = exc.errors["current_password"].items
    return _create(
        session=session,
        user_id=viewer.user_id,
        actor_id=viewer.user_id,
        form=(name, scopes, ip_list, expires),
        ip=ip,
        now=now,
        refused=refused,
    )


def create_key_for(
    *,
    session: Session,
    username: str,
    name: object,
    scopes: object,
    ip_list: object = "",
    expires: object = None,
    now: datetime | None = None,
) -> NewKey:
    """A key for a customer named by support (the CLI); the actor is the operator (no user)."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or user.id is None or user.role != Role.CUSTOMER or not user.is_active:
        raise ServiceError(MSG_KEY_CUSTOMERS)
    return _create(
        session=session, user_id=user.id, actor_id=None, form=(name, scopes, ip_list, expires), ip="", now=now
    )


def _create(
    *,
    session: Session,
    user_id: int,
    actor_id: int | None,
    form: tuple[object, ...],
    ip: str,
    now: datetime | None,
    refused: dict[str, list[FieldError]] | None = None,
) -> NewKey:
    now = now or utcnow()
    name, scopes, ip_list, expires = form
    fields: dict[str, list[FieldError]] = dict(refused or {})
    values: dict[str, object] = {}
    for field, clean, raw in (
        ("name", clean_name, name),
        ("scopes", clean_scopes, scopes),
        ("ip_list", clean_ip_list, ip_list),
        ("expires", lambda v: clean_expiry(v, now.date()), expires),
    ):
        try:
            values[field] = clean(raw)
        except FieldError as exc:
            fields[field] = exc.items
    if fields:
        raise KeyFormInvalid(fields)
    live = (
        session.connection()
        .execute(
            sa.select(sa.func.count())
            .select_from(ApiKey)
            .where(col(ApiKey.user_id) == user_id, col(ApiKey.revoked_at).is_(None))
        )
        .scalar_one()
    )
    if live >= KEYS_PER_USER:
        raise ServiceError(MSG_KEY_TOO_MANY)
    secret, prefix, hashed = new_key()
    expiry = values["expires"]
    row = ApiKey(
        user_id=user_id,
        name=str(values["name"]),
        prefix=prefix,
        secret_hash=hashed,
        scopes=" ".join(values["scopes"]),  # type: ignore[arg-type]
        ip_list=str(values["ip_list"]),
        # Valid through the whole expiry day (UTC).
        expires_at=None if expiry is None else datetime.combine(expiry, time.max, tzinfo=UTC),  # type: ignore[arg-type]
        created_at=now,
        created_by=actor_id,
        last_used_ip="",
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    audit.record(
        session=session,
        action="api_key.create",
        actor_id=actor_id,
        subject_user_id=user_id,
        subject_key=f"api_key:{row.id}",
        ip=ip,
        details={
            "prefix": prefix,
            "name": row.name,
            "scopes": row.scopes,
            "ip_list": bool(row.ip_list),
            "expires": None if expiry is None else str(expiry),
        },
        now=now,
    )
    return NewKey(id=row.id, prefix=prefix, secret=secret)


def revoke_key(
    *,
    session: Session,
    viewer: Viewer,
    key_id: object,
    owner_id: int | None = None,
    ip: str = "",
    now: datetime | None = None,
) -> str:
    """Revoke one of the viewer's keys (staff: a key of customer `owner_id`); returns its prefix. Revoking twice is
    a no-op."""
    now = now or utcnow()
    row = session.get(ApiKey, key_id) if is_row_id(key_id) else None
    owner = viewer.user_id if owner_id is None or not viewer.is_staff else owner_id
    if row is None or row.user_id != owner:
        if row is not None:
            access.record_denied(
                session=session, viewer=viewer, target="api_key.revoke", ip=ip, details={"key": key_id}
            )
        raise ServiceError(MSG_KEY_NOT_FOUND)
    return _revoke(session=session, row=row, actor_id=viewer.user_id, ip=ip, now=now)


def revoke_by_prefix(*, session: Session, prefix: str, now: datetime | None = None) -> str:
    """Revoke a key named by its prefix (the CLI: the operator is the actor)."""
    row = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first() if isinstance(prefix, str) else None
    if row is None:
        raise ServiceError(MSG_KEY_NOT_FOUND)
    return _revoke(session=session, row=row, actor_id=None, ip="", now=now or utcnow())


def _revoke(*, session: Session, row: ApiKey, actor_id: int | None, ip: str, now: datetime) -> str:
    if row.revoked_at is None:
        row.revoked_at, row.revoked_by = now, actor_id
        session.add(row)
        audit.record(
            session=session,
            action="api_key.revoke",
            actor_id=actor_id,
            subject_user_id=row.user_id,
            subject_key=f"api_key:{row.id}",
            ip=ip,
            details={"prefix": row.prefix, "name": row.name},
            now=now,
        )
        session.flush()
    return row.prefix
