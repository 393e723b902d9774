"""An admin adds staff members, changes their role and switches them off (their sessions end)."""

from __future__ import annotations

from sqlmodel import Session

from introserv_app.db.tables import User
from introserv_app.domain import settings_rules as rules
from introserv_app.domain.roles import Role
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.services.accounts import create_user, sessions_changed
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.support._rules import STAFF_ROLES

MSG_ROLE = N_("Choose support or admin.")


MSG_NOT_STAFF = N_("Staff user not found.")


MSG_SELF = N_("You cannot change your own role or switch your own account off.")


def add_staff(
    *, session: Session, viewer: Viewer, username: object, password: object, role: object, email: object, ip: str = ""
) -> int:
    access.require_admin(session=session, viewer=viewer, target="staff_users.add", ip=ip)
    if role not in STAFF_ROLES:
        raise ServiceError(MSG_ROLE)
    name = username.strip().lower() if isinstance(username, str) else ""
    problem = rules.password_problem(password, password, name)
    if problem:
        raise ServiceError(problem)
    try:
        address = rules.email(email)
    except rules.FieldError as exc:
        raise ServiceError(exc.message, **exc.values) from None
    user = create_user(
        session=session, username=name, password=str(password), role=Role(role), email_addr=address, send_welcome=False
    )
    audit.record(
        session=session,
        action="admin.staff_add",
        actor_id=viewer.user_id,
        ip=ip,
        details={"user_id": user.id, "username": user.username, "role": role},
    )
    return user.id or 0


def _staff(session: Session, viewer: Viewer, user_id: object) -> User:
    user = session.get(User, user_id) if is_row_id(user_id) else None
    if user is None or user.role not in STAFF_ROLES:
        raise ServiceError(MSG_NOT_STAFF)
    if user.id == viewer.user_id:
        raise ServiceError(MSG_SELF)
    return user


def set_role(*, session: Session, viewer: Viewer, user_id: object, role: object, ip: str = "") -> None:
    access.require_admin(session=session, viewer=viewer, target="staff_users.role", ip=ip)
    if role not in STAFF_ROLES:
        raise ServiceError(MSG_ROLE)
    user = _staff(session, viewer, user_id)
    old, user.role = user.role, str(role)
    sessions_changed()
    audit.record(
        session=session,
        action="admin.staff_role",
        actor_id=viewer.user_id,
        ip=ip,
        details={"user_id": user.id, "username": user.username, "old": old, "new": role},
    )


def set_active(*, session: Session, viewer: Viewer, user_id: object, active: bool, ip: str = "") -> None:
    access.require_admin(session=session, viewer=viewer, target="staff_users.active", ip=ip)
    user = _staff(session, viewer, user_id)
    user.is_active = bool(active)
    sessions_changed()
    audit.record(
        session=session,
        action="admin.staff_active",
        actor_id=viewer.user_id,
        ip=ip,
        details={"user_id": user.id, "username": user.username, "active": bool(active)},
    )
