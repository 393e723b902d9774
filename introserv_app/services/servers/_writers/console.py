"""Who holds a server's serial console: one connection at a time. A connection claims it (the second viewer is
told who holds it; staff, or the holder from another tab, can take it over), renews it while open and releases it
when it closes; one not renewed for CONSOLE_STALE is free again (a tab that died)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.tables import ServerActionRecord, ServerConsole, User
from introserv_app.db.types import utcnow
from introserv_app.domain.servers import ServerAction
from introserv_app.domain.text import N_
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.servers._driver import Target
from introserv_app.services.servers._rules import controller_of, order_of, require_manageable, target_of
from introserv_app.services.servers._writers.actions import check_rate, lock_controller

CONSOLE_STALE = timedelta(seconds=30)
MSG_CONSOLE_HELD = N_("The console is in use by {name}. Only one person can use it at a time.")
MSG_CONSOLE_LOST = N_("The console was taken over by {name}.")


@dataclass(frozen=True)
class ConsoleGrant:
    order_id: int
    key: str
    target: Target


def holder_name(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.username if user else "?"


def claim_console(
    *,
    session: Session,
    viewer: Viewer,
    order_id: object,
    ip: str = "",
    take_over: bool = False,
    now: datetime | None = None,
) -> ConsoleGrant:
    now = now or utcnow()
    order = order_of(session=session, viewer=viewer, order_id=order_id, target="server.console", ip=ip)
    require_manageable(session, order)
    target = target_of(controller_of(session, order))
    lock_controller(session, order.id or 0)
    held = session.get(ServerConsole, order.id)
    taken_from = None
    if held is not None and held.seen_at > now - CONSOLE_STALE:
        if not take_over or not (viewer.is_staff or held.holder_id == viewer.user_id):
            raise ServiceError(MSG_CONSOLE_HELD, name=holder_name(session, held.holder_id))
        taken_from = held.holder_id
    check_rate(session, order.id or 0, now)
    key = secrets.token_urlsafe(24)
    row = held or ServerConsole(order_id=order.id or 0, holder_id=viewer.user_id, key=key)
    row.holder_id, row.key, row.started_at, row.seen_at = viewer.user_id, key, now, now
    session.add(row)
    session.add(
        ServerActionRecord(
            order_id=order.id or 0, actor_id=viewer.user_id, action=ServerAction.CONSOLE.value, created_at=now
        )
    )
    audit.record(
        session=session,
        action="server.console",
        actor_id=viewer.user_id,
        subject_user_id=order.user_id,
        subject_key=f"order:{order.id}",
        ip=ip,
        details={"order_id": order.id, **({"taken_from": taken_from} if taken_from else {})},
        now=now,
    )
    session.flush()
    return ConsoleGrant(order.id or 0, key, target)


def renew_console(*, session: Session, order_id: int, key: str, now: datetime | None = None) -> str | None:
    """Keep holding the console: None while this connection holds it, else who took it over."""
    done = session.connection().execute(
        sa.update(ServerConsole)
        .where(col(ServerConsole.order_id) == order_id, col(ServerConsole.key) == key)
        .values(seen_at=now or utcnow())
    )
    if done.rowcount:
        return None
    held = session.get(ServerConsole, order_id)
    return holder_name(session, held.holder_id) if held else ""


def release_console(*, session: Session, order_id: int, key: str) -> None:
    session.connection().execute(
        sa.delete(ServerConsole).where(col(ServerConsole.order_id) == order_id, col(ServerConsole.key) == key)
    )
