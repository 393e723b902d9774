"""Settings → Sessions: the account's signed-in browsers (what, where from, since when, last seen)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from introserv_app.config import get_settings
from introserv_app.db.tables import UserSession
from introserv_app.db.types import utcnow
from introserv_app.domain.user_agents import describe
from introserv_app.services.common.viewer import Viewer


@dataclass(frozen=True)
class SessionLine:
    id: int
    browser: str
    system: str
    ip: str
    started: datetime
    last_seen: datetime
    this_device: bool
    second_factor: str


def active_sessions(*, session: Session, viewer: Viewer, now: datetime | None = None) -> list[SessionLine]:
    """The viewer's sessions that still work (signed in, not ended, not expired), this one first."""
    now = now or utcnow()
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    rows = session.exec(
        select(UserSession)
        .where(
            col(UserSession.user_id) == viewer.user_id,
            col(UserSession.token_hash).is_not(None),
            col(UserSession.revoked_at).is_(None),
            col(UserSession.expires_at) > now,
            col(UserSession.last_seen_at) >= now - idle,
        )
        .order_by(col(UserSession.last_seen_at).desc())
        .limit(50)
    ).all()
    lines = []
    for row in rows:
        browser, system = describe(row.user_agent)
        lines.append(
            SessionLine(
                id=row.id or 0,
                browser=browser,
                system=system,
                ip=row.ip or "",
                started=row.created_at,
                last_seen=row.last_seen_at,
                this_device=row.id == viewer.session_id,
                second_factor=row.second_factor or "",
            )
        )
    return sorted(lines, key=lambda line: not line.this_device)
