"""Single-use links sent by mail (password reset, invitation): the token lives only in the mail, the table
keeps its hash; and counting recent audit events for the per-address and global limits of those flows."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.db.tables import AccountToken, AuditEvent
from introserv_app.services.accounts._sessions import token_hash

TOKEN_MIN, TOKEN_MAX = 20, 100


def address_key(address: str) -> str:
    """What the audit log keeps to count requests for an e-mail address (not the address itself)."""
    return "mail:" + hashlib.sha256(address.lower().encode()).hexdigest()[:40]


def issue(
    *,
    session: Session,
    purpose: str,
    ttl: timedelta,
    now: datetime,
    user_id: int | None = None,
    email: str = "",
    created_by: int | None = None,
) -> str:
    """Store a new single-use token's hash; returns the token (for the mail only)."""
    token = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            purpose=purpose,
            user_id=user_id,
            email=email,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + ttl,
            created_by=created_by,
        )
    )
    return token


def peek(*, session: Session, purpose: str, token: object, now: datetime) -> AccountToken | None:
    """The unused, unexpired token row of this purpose, or None (tampered, foreign, expired or used)."""
    if not isinstance(token, str) or not TOKEN_MIN <= len(token) <= TOKEN_MAX:
        return None
    row = session.exec(select(AccountToken).where(AccountToken.token_hash == token_hash(token))).first()
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at <= now:
        return None
    return row


def take(*, session: Session, row: AccountToken, now: datetime) -> bool:
    """Use the token: a conditional UPDATE, so of several concurrent uses exactly one gets True."""
    used = session.connection().execute(
        sa.update(AccountToken)
        .where(col(AccountToken.id) == row.id, col(AccountToken.used_at).is_(None))
        .values(used_at=now)
    )
    return bool(used.rowcount)


def retire(*, session: Session, purpose: str, user_id: int, now: datetime) -> None:
    """Mark every open token of this purpose for the user used (a newer one, or the flow is done)."""
    session.connection().execute(
        sa.update(AccountToken)
        .where(
            col(AccountToken.user_id) == user_id,
            col(AccountToken.purpose) == purpose,
            col(AccountToken.used_at).is_(None),
        )
        .values(used_at=now)
    )


def recent_events(
    *, session: Session, action: str, since: datetime, subject_key: str | None = None, ip: str | None = None
) -> int:
    """How many `action` audit events since `since` (for one subject key and/or one address)."""
    stmt = (
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(col(AuditEvent.action) == action, col(AuditEvent.created_at) >= since)
    )
    if subject_key is not None:
        stmt = stmt.where(col(AuditEvent.subject_key) == subject_key)
    if ip is not None:
        stmt = stmt.where(col(AuditEvent.ip) == ip[:45])
    return int(session.connection().execute(stmt).scalar() or 0)
