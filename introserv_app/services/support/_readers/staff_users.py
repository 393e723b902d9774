"""The staff members an admin manages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.tables import Profile, User
from introserv_app.services.common import access
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.support._rules import STAFF_ROLES


@dataclass(frozen=True)
class StaffUser:
    id: int
    username: str
    role: str
    email: str
    is_active: bool
    last_login_at: datetime | None


def list_staff(*, session: Session, viewer: Viewer, ip: str = "") -> list[StaffUser]:
    access.require_admin(session=session, viewer=viewer, target="staff_users.list", ip=ip)
    rows = session.execute(
        sa.select(User, col(Profile.email))
        .outerjoin(Profile, col(Profile.user_id) == col(User.id))
        .where(col(User.role).in_(STAFF_ROLES))
        .order_by(col(User.username))
    ).all()
    return [StaffUser(u.id or 0, u.username, u.role, e or "", u.is_active, u.last_login_at) for u, e in rows]
