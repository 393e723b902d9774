"""Power, boot device and event-log actions on a server, in three steps like a payment's checkout: a short
transaction checks the viewer, the order's status and the rate limit and records the attempt; the controller is
called with no transaction held (on a worker thread, with the timeout); a second short transaction records the
outcome, the audit event and the order's history. A controller that fails changes nothing in the panel: the
attempt stays recorded as failed (for support and the rate limit), the viewer gets the reason."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import ServerActionRecord, ServerController
from introserv_app.db.types import utcnow
from introserv_app.domain.servers import BOOT_ACTIONS, POWER_ACTIONS, STAFF_ONLY_ACTIONS, ServerAction
from introserv_app.domain.text import N_
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.servers._driver import ControllerError, Driver, Target, driver_for
from introserv_app.services.servers._rules import controller_of, order_of, require_manageable, target_of

Scope = Callable[[], AbstractContextManager[Session]]

MSG_TOO_MANY = N_("Too many actions on this server: at most {count} in {minutes} minutes. Try again in {wait} minutes.")
MSG_UNKNOWN_ACTION = N_("This action does not exist.")


@dataclass(frozen=True)
class Attempt:
    record_id: int
    order_id: int
    owner_id: int
    action: ServerAction
    target: Target


def _action(value: object) -> ServerAction:
    try:
        action = ServerAction(str(value))
    except ValueError:
        raise ServiceError(MSG_UNKNOWN_ACTION) from None
    if action not in (*POWER_ACTIONS, *BOOT_ACTIONS, ServerAction.CLEAR_EVENTS):
        raise ServiceError(MSG_UNKNOWN_ACTION)
    return action


def check_rate(session: Session, order_id: int, now: datetime) -> None:
    """At most INTROSERV_BMC_ACTIONS_PER_WINDOW attempts per order in the window (failed ones count too: a
    controller must not be hammered). The caller holds the controller row's lock."""
    settings = get_settings()
    since = now - timedelta(seconds=settings.bmc_action_window)
    times = (
        session.connection()
        .execute(
            sa.select(col(ServerActionRecord.created_at))
            .where(col(ServerActionRecord.order_id) == order_id, col(ServerActionRecord.created_at) > since)
            .order_by(col(ServerActionRecord.created_at))
        )
        .scalars()
        .all()
    )
    if len(times) >= settings.bmc_actions_per_window:
        free_at = times[len(times) - settings.bmc_actions_per_window] + timedelta(seconds=settings.bmc_action_window)
        raise ServiceError(
            MSG_TOO_MANY,
            count=settings.bmc_actions_per_window,
            minutes=max(1, settings.bmc_action_window // 60),
            wait=max(1, int((free_at - now).total_seconds() + 59) // 60),
        )


def lock_controller(session: Session, order_id: int) -> None:
    """Serialise the actions of one server (the rate limit's count): a row lock on PostgreSQL, the write lock on
    SQLite."""
    session.connection().execute(
        sa.update(ServerController).where(col(ServerController.order_id) == order_id).values(port=ServerController.port)  # type: ignore[arg-type]
    )


def begin(
    *, session: Session, viewer: Viewer, order_id: object, action: object, ip: str = "", now: datetime | None = None
) -> Attempt:
    """Step one: check and record the attempt (committed by the caller's unit of work)."""
    now = now or utcnow()
    order = order_of(session=session, viewer=viewer, order_id=order_id, target="server.action", ip=ip)
    chosen = _action(action)
    if chosen in STAFF_ONLY_ACTIONS:
        access.require_staff(session=session, viewer=viewer, target=f"server.{chosen.value}", ip=ip)
    require_manageable(session, order)
    controller = controller_of(session, order)
    target = target_of(controller)
    lock_controller(session, order.id or 0)
    check_rate(session, order.id or 0, now)
    record = ServerActionRecord(
        order_id=order.id or 0, actor_id=viewer.user_id or None, action=chosen.value, outcome="pending", created_at=now
    )
    session.add(record)
    session.flush()
    return Attempt(record.id or 0, order.id or 0, order.user_id, chosen, target)


def _drive(driver: Driver, action: ServerAction) -> None:
    if action in POWER_ACTIONS:
        driver.power(action)
    elif action in BOOT_ACTIONS:
        driver.boot(action)
    else:
        driver.clear_events()


def finish(*, session: Session, attempt: Attempt, viewer: Viewer, ip: str, error: ControllerError | None) -> None:
    """Step three: the outcome, its audit event (and so the order's history)."""
    record = session.get(ServerActionRecord, attempt.record_id)
    assert record is not None
    record.outcome = "failed" if error else "done"
    record.error = error.reason[:200] if error else ""
    audit.record(
        session=session,
        action=f"server.{attempt.action.value}",
        actor_id=viewer.user_id or None,
        subject_user_id=attempt.owner_id,
        subject_key=f"order:{attempt.order_id}",
        success=error is None,
        ip=ip,
        details={"order_id": attempt.order_id, **({"error": error.reason[:120]} if error else {})},
    )


def act(
    *,
    viewer: Viewer,
    order_id: object,
    action: object,
    ip: str = "",
    scope: Scope = session_scope,
    driver: Callable[[Target], Driver] = driver_for,
) -> ServerAction:
    """Do `action` to the server of `order_id` for `viewer`: the action done, or a ServiceError with the reason
    (refused by the panel, or the controller's failure). Blocks for up to the controller timeout: call it off the
    event loop."""
    with scope() as session:
        attempt = begin(session=session, viewer=viewer, order_id=order_id, action=action, ip=ip)
    error: ControllerError | None = None
    try:
        _drive(driver(attempt.target), attempt.action)
    except ControllerError as exc:
        error = exc
    with scope() as session:
        finish(session=session, attempt=attempt, viewer=viewer, ip=ip, error=error)
    if error is not None:
        raise ServiceError(error.message, **error.values)
    return attempt.action
