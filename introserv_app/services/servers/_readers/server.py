"""The Server card of an order's page: whether the server has a controller and may be managed now (static, from
the database), and its live state (power, sensors, event log) read from the controller with no transaction held."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.session import session_scope
from introserv_app.db.tables import ServerActionRecord, ServerConsole, ServerController, User
from introserv_app.domain.servers import ServerAction, management_refusal
from introserv_app.domain.statuses import OrderStatus
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.servers._driver import ControllerError, Driver, LogEntry, Sensor, Target, driver_for
from introserv_app.services.servers._rules import (
    controller_of,
    is_dedicated,
    order_of,
    require_manageable,
    target_of,
)

Scope = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class ServerPanel:
    dedicated: bool
    assigned: bool
    #: Why it cannot be managed now (a msgid), or "".
    refusal: str
    #: For staff only ("" for customers): where the controller is and who signed in to it.
    host: str
    port: int
    username: str
    kind: str


def server_panel(*, session: Session, viewer: Viewer, order_id: object, ip: str = "") -> ServerPanel:
    order = order_of(session=session, viewer=viewer, order_id=order_id, target="server.view", ip=ip)
    dedicated = is_dedicated(session, order)
    controller = session.get(ServerController, order.id) if dedicated else None
    refusal = management_refusal(OrderStatus(order.status)) or ""
    staff = viewer.is_staff
    return ServerPanel(
        dedicated=dedicated,
        assigned=controller is not None,
        refusal=refusal,
        host=controller.host if controller and staff else "",
        port=controller.port if controller and staff else 0,
        username=controller.username if controller and staff else "",
        kind=controller.kind if controller else "",
    )


@dataclass(frozen=True)
class LiveState:
    power: str
    sensors: list[Sensor]
    events: list[LogEntry]


def _target(session: Session, viewer: Viewer, order_id: object, ip: str) -> Target:
    order = order_of(session=session, viewer=viewer, order_id=order_id, target="server.view", ip=ip)
    require_manageable(session, order)
    return target_of(controller_of(session, order))


def live_state(
    *,
    viewer: Viewer,
    order_id: object,
    ip: str = "",
    details: bool = True,
    scope: Scope = session_scope,
    driver: Callable[[Target], Driver] = driver_for,
) -> LiveState:
    """The server's power state, and with `details` its sensors and event log (newest first). Blocks for up to
    the controller timeout per call: run it off the event loop."""
    with scope() as session:
        target = _target(session, viewer, order_id, ip)
    bmc = driver(target)
    try:
        if not details:
            return LiveState(bmc.power_state(), [], [])
        power, sensors, events = bmc.snapshot()
    except ControllerError as exc:
        raise ServiceError(exc.message, **exc.values) from None
    return LiveState(power, sensors, sorted(events, key=lambda e: e.record_id, reverse=True))


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    action: ServerAction
    actor: str


def server_history(*, session: Session, order_id: int, limit: int = 50) -> list[HistoryEntry]:
    """The server actions that were done, newest first, for the order's history (the caller checked access)."""
    rows = session.execute(
        sa.select(col(ServerActionRecord.created_at), col(ServerActionRecord.action), col(User.username))
        .outerjoin(User, col(User.id) == col(ServerActionRecord.actor_id))
        .where(col(ServerActionRecord.order_id) == order_id, col(ServerActionRecord.outcome) == "done")
        .order_by(col(ServerActionRecord.created_at).desc(), col(ServerActionRecord.id).desc())
        .limit(limit)
    ).all()
    return [HistoryEntry(r[0], ServerAction(r[1]), r[2] or "") for r in rows]


def console_holder(*, session: Session, order_id: int) -> tuple[int, str] | None:
    """Who holds the server's console now (user id, name), or None."""
    row = session.execute(
        sa.select(col(ServerConsole.holder_id), col(User.username))
        .join(User, col(User.id) == col(ServerConsole.holder_id))
        .where(col(ServerConsole.order_id) == order_id)
    ).first()
    return (row[0], row[1]) if row else None
