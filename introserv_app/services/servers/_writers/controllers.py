"""Staff assign a management controller (BMC) to a dedicated-server order, test it, or take it away. The password
is encrypted before it is stored and never leaves the server side again; the audit event names the host, never
the password."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlmodel import Session

from introserv_app.db.session import session_scope
from introserv_app.db.tables import ServerController
from introserv_app.db.types import utcnow
from introserv_app.domain.servers import (
    MSG_BAD_HOST,
    MSG_BAD_PASSWORD,
    MSG_BAD_PORT,
    MSG_BAD_USER,
    MSG_NOT_DEDICATED,
    clean_host,
    clean_password,
    clean_port,
    clean_user,
)
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.servers._crypto import encrypt
from introserv_app.services.servers._driver import ControllerError, Driver, Target, driver_for
from introserv_app.services.servers._rules import is_dedicated, order_of

Scope = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class ControllerForm:
    host: object
    port: object
    username: object
    password: object
    kind: str = "ipmi"


def clean(form: ControllerForm) -> Target:
    """The form as a target, or a ServiceError naming the first field that is wrong."""
    host, port, user, password = (
        clean_host(form.host),
        clean_port(form.port),
        clean_user(form.username),
        clean_password(form.password),
    )
    for value, message in (
        (host, MSG_BAD_HOST),
        (port, MSG_BAD_PORT),
        (user, MSG_BAD_USER),
        (password, MSG_BAD_PASSWORD),
    ):
        if value is None:
            raise ServiceError(message)
    return Target(form.kind, host or "", port or 0, user or "", password or "")


def test_controller(
    *,
    viewer: Viewer,
    order_id: object,
    form: ControllerForm,
    ip: str = "",
    scope: Scope = session_scope,
    driver: Callable[[Target], Driver] = driver_for,
) -> str:
    """Staff check a controller before saving it: its power state ("on" / "off"), or the reason it failed."""
    with scope() as session:
        access.require_staff(session=session, viewer=viewer, target="server.controller", ip=ip)
        order = order_of(session=session, viewer=viewer, order_id=order_id, target="server.controller", ip=ip)
        if not is_dedicated(session, order):
            raise ServiceError(MSG_NOT_DEDICATED)
    target = clean(form)
    try:
        return driver(target).power_state()
    except ControllerError as exc:
        raise ServiceError(exc.message, **exc.values) from None


def assign_controller(
    *,
    viewer: Viewer,
    order_id: object,
    form: ControllerForm,
    ip: str = "",
    test: bool = True,
    scope: Scope = session_scope,
    driver: Callable[[Target], Driver] = driver_for,
) -> None:
    """Staff save the order's controller (replacing the one before), after testing it unless `test` is False."""
    if test:
        test_controller(viewer=viewer, order_id=order_id, form=form, ip=ip, scope=scope, driver=driver)
    target = clean(form)
    with scope() as session:
        access.require_staff(session=session, viewer=viewer, target="server.controller", ip=ip)
        order = order_of(session=session, viewer=viewer, order_id=order_id, target="server.controller", ip=ip)
        if not is_dedicated(session, order):
            raise ServiceError(MSG_NOT_DEDICATED)
        row = session.get(ServerController, order.id) or ServerController(
            order_id=order.id or 0, host="", username="", password_enc=""
        )
        replaced = bool(row.host)
        row.kind, row.host, row.port, row.username = target.kind, target.host, target.port, target.username
        row.password_enc = encrypt(target.password)
        row.assigned_by, row.assigned_at = viewer.user_id or None, utcnow()
        session.add(row)
        audit.record(
            session=session,
            action="server.controller_assigned",
            actor_id=viewer.user_id or None,
            subject_user_id=order.user_id,
            subject_key=f"order:{order.id}",
            ip=ip,
            details={
                "order_id": order.id,
                "host": target.host,
                "port": target.port,
                "user": target.username,
                "replaced": replaced,
                "tested": test,
            },
        )


def remove_controller(*, session: Session, viewer: Viewer, order_id: object, ip: str = "") -> bool:
    """Staff take the controller away (a server moved or returned); False when there was none."""
    access.require_staff(session=session, viewer=viewer, target="server.controller", ip=ip)
    order = order_of(session=session, viewer=viewer, order_id=order_id, target="server.controller", ip=ip)
    row = session.get(ServerController, order.id)
    if row is None:
        return False
    session.delete(row)
    audit.record(
        session=session,
        action="server.controller_removed",
        actor_id=viewer.user_id or None,
        subject_user_id=order.user_id,
        subject_key=f"order:{order.id}",
        ip=ip,
        details={"order_id": order.id, "host": row.host},
    )
    return True
