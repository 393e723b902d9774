"""A customer's API keys as the customer and staff see them (never the secret or its hash)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.tables import ApiKey
from introserv_app.services.common import access
from introserv_app.services.common.viewer import Viewer


@dataclass(frozen=True)
class KeyLine:
    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    ip_list: str
    expires_at: datetime | None
    created_at: datetime
    last_used_at: datetime | None
    last_used_ip: str
    revoked_at: datetime | None

    def state(self, now: datetime) -> str:
        """active | expired | revoked"""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at < now:
            return "expired"
        return "active"


def api_keys(*, session: Session, viewer: Viewer, user_id: int | None = None, ip: str = "") -> list[KeyLine]:
    """The keys of the viewer (or, for staff, of customer `user_id`), newest first; revoked ones last."""
    owner = viewer.user_id if user_id is None else user_id
    if owner != viewer.user_id:
        access.require_staff(session=session, viewer=viewer, target="api_key.list", ip=ip)
    rows = (
        session.connection()
        .execute(
            sa.select(
                col(ApiKey.id),
                col(ApiKey.name),
                col(ApiKey.prefix),
                col(ApiKey.scopes),
                col(ApiKey.ip_list),
                col(ApiKey.expires_at),
                col(ApiKey.created_at),
                col(ApiKey.last_used_at),
                col(ApiKey.last_used_ip),
                col(ApiKey.revoked_at),
            )
            .where(col(ApiKey.user_id) == owner)
            .order_by(col(ApiKey.revoked_at).is_not(None), col(ApiKey.id).desc())
            .limit(100)
        )
        .all()
    )
    return [
        KeyLine(
            id=r[0] or 0,
            name=r[1],
            prefix=r[2],
            scopes=tuple(r[3].split()),
            ip_list=r[4],
            expires_at=r[5],
            created_at=r[6],
            last_used_at=r[7],
            last_used_ip=r[8],
            revoked_at=r[9],
        )
        for r in rows
    ]
