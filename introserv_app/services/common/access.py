"""Refusals: the one place that decides staff-only access and audits every refused attempt.

A refusal is audited in its own transaction, so the event survives when the caller's transaction is
rolled back by the error that follows. Check before writing: callers refuse first, then change data.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.tables import User
from introserv_app.domain.text import N_
from introserv_app.services.common import audit
from introserv_app.services.common.errors import PermissionDenied, ServiceError
from introserv_app.services.common.viewer import Viewer

MSG_STAFF_ONLY = N_("This page is for support staff only.")
MSG_ADMIN_ONLY = N_("Only an administrator can do this.")


def record_denied(
    *, session: Session, viewer: Viewer, target: str, ip: str = "", details: dict[str, Any] | None = None
) -> None:
    """Write an `access.denied` audit event, committed independently of `session`'s transaction."""
    audit.record_apart(
        session=session,
        action="access.denied",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        success=False,
        ip=ip,
        details={"target": target, **(details or {})},
    )


def require_staff(*, session: Session, viewer: Viewer, target: str, ip: str = "") -> None:
    """Raise PermissionDenied (audited) unless the viewer is support staff or an admin."""
    if not viewer.is_staff:
        record_denied(session=session, viewer=viewer, target=target, ip=ip)
        raise PermissionDenied(MSG_STAFF_ONLY)


def require_admin(*, session: Session, viewer: Viewer, target: str, ip: str = "") -> None:
    """Raise PermissionDenied (audited) unless the viewer is an admin."""
    if not viewer.role.is_admin:
        record_denied(session=session, viewer=viewer, target=target, ip=ip)
        raise PermissionDenied(MSG_STAFF_ONLY if not viewer.is_staff else MSG_ADMIN_ONLY)


MSG_CONFIRM_EMAIL_FIRST = N_(
    "Confirm your email address first: open the link we sent you (Settings can send it again). Orders, "
    "payments and tickets open once the address is confirmed."
)


def require_confirmed_email(*, session: Session, viewer: Viewer) -> None:
    """Raise ServiceError for a customer who signed up and has not confirmed the address yet (staff and
    accounts made by staff or the CLI are never held back)."""
    if viewer.is_staff:
        return
    waiting = (
        session.connection()
        .execute(sa.select(col(User.email_unconfirmed)).where(col(User.id) == viewer.user_id))
        .scalar()
    )
    if waiting:
        raise ServiceError(MSG_CONFIRM_EMAIL_FIRST)
