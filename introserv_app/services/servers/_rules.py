"""What the readers and writers of server management share: whose server it is, whether it can be managed now,
and where its controller is."""

from __future__ import annotations

from sqlmodel import Session

from introserv_app.db.tables import Order, ServerController, TariffPlan
from introserv_app.domain.servers import DEDICATED, MSG_NO_CONTROLLER, MSG_NOT_DEDICATED, management_refusal
from introserv_app.domain.statuses import OrderStatus
from introserv_app.domain.validation import is_row_id
from introserv_app.services.common import access
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.scope import MSG_ORDER_NOT_FOUND
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.servers._crypto import decrypt
from introserv_app.services.servers._driver import MSG_AUTH, Target


def order_of(*, session: Session, viewer: Viewer, order_id: object, target: str, ip: str = "") -> Order:
    """The order whose server the viewer may see: their own, or any for staff. Anything else (unknown, another
    customer's, not an id) is refused as "not found" and audited as access to `target`."""
    order = session.get(Order, order_id) if is_row_id(order_id) else None
    if order is None or (order.user_id != viewer.user_id and not viewer.is_staff):
        if viewer.user_id:  # the command line (no user) has nobody to audit
            access.record_denied(
                session=session, viewer=viewer, target=target, ip=ip, details={"order_id": str(order_id)[:20]}
            )
        raise ServiceError(MSG_ORDER_NOT_FOUND)
    return order


def is_dedicated(session: Session, order: Order) -> bool:
    tariff = session.get(TariffPlan, order.tariff_id)
    return tariff is not None and tariff.product_type == DEDICATED


def require_manageable(session: Session, order: Order) -> None:
    """Refuse (with the reason) a server that is not a dedicated one or whose order is suspended, cancelled or
    not delivered yet."""
    if not is_dedicated(session, order):
        raise ServiceError(MSG_NOT_DEDICATED)
    refusal = management_refusal(OrderStatus(order.status))
    if refusal is not None:
        raise ServiceError(refusal)


def controller_of(session: Session, order: Order) -> ServerController:
    controller = session.get(ServerController, order.id)
    if controller is None:
        raise ServiceError(MSG_NO_CONTROLLER)
    return controller


def target_of(controller: ServerController) -> Target:
    password = decrypt(controller.password_enc)
    if password is None:  # the panel's secret changed since the controller was assigned
        raise ServiceError(MSG_AUTH)
    return Target(controller.kind, controller.host, controller.port, controller.username, password)
