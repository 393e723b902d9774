"""Refusals: the one place that decides staff-only access and audits every refused attempt.

A refusal is audited in its own transaction, so the event survives when the caller's transaction is
rolled back by the error that follows. Check before writing: callers refuse first, then change data.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from introserv_app.domain.text import N_
from introserv_app.services.common import audit
from introserv_app.services.common.errors import PermissionDenied
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
