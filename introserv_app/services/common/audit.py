"""Audit events: every login attempt, every staff action, every settings change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from introserv_app.db.tables import AuditEvent
from introserv_app.db.types import utcnow


def record(
    *,
    session: Session,
    action: str,
    actor_id: int | None = None,
    subject_user_id: int | None = None,
    subject_key: str | None = None,
    success: bool = True,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Add one audit event to the session's transaction."""
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        subject_user_id=subject_user_id,
        subject_key=subject_key,
        success=success,
        ip=(ip or None) and ip[:45],
        details=details or {},
        created_at=now or utcnow(),
    )
    session.add(event)
    return event


def record_apart(*, session: Session, **event: Any) -> None:
    """Write one audit event in a transaction of its own, committed now: it survives the rollback of
    `session`'s transaction (a refusal that is about to raise)."""
    from introserv_app.db.session import session_scope

    with session_scope(session.get_bind()) as own:  # type: ignore[arg-type]
        record(session=own, **event)
