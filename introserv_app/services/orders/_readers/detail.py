"""The Manage order page: one order with its tariff, status timeline, invoices and tickets.

A customer sees only their own orders; staff see any (read-only here). Anything else is refused and
audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.tables import Invoice, InvoiceLine, Order, OrderStatusChange, TariffPlan, User
from introserv_app.domain.money import Money
from introserv_app.domain.order_rules import cancellation_pending_of, period_price, renewal_refusal
from introserv_app.domain.periods import PERIODS
from introserv_app.domain.statuses import OrderStatus
from introserv_app.domain.validation import is_row_id
from introserv_app.services.common import access
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.scope import MSG_ORDER_NOT_FOUND
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging import TicketRow, tickets_page


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    event: str
    old_status: str | None
    new_status: str
    actor: str
    note: str


@dataclass(frozen=True)
class OrderInvoice:
    id: int
    number: str
    issued_at: datetime
    status: str
    gross: Money
    line: Money
    period_months: int | None


@dataclass(frozen=True)
class OrderDetail:
    id: int
    service_name: str
    customer: str
    customer_id: int
    tariff: str
    product_type: str
    status: OrderStatus
    main_ip: str
    created_at: datetime
    paid_until: date | None
    price: Money
    period_months: int
    comment: str
    cancel_pending: bool
    cancel_reason: str
    cancelled_at: datetime | None
    prices: dict[int, Money]
    renew_refusal: str | None
    timeline: list[TimelineEntry]
    invoices: list[OrderInvoice]
    tickets: list[TicketRow]
    owner: bool


def order_detail(*, session: Session, viewer: Viewer, order_id: int, ip: str = "") -> OrderDetail:
    order = session.get(Order, order_id) if is_row_id(order_id) else None
    if order is None or (order.user_id != viewer.user_id and not viewer.is_staff):
        access.record_denied(
            session=session, viewer=viewer, target="order.view", ip=ip, details={"order_id": str(order_id)[:20]}
        )
        raise ServiceError(MSG_ORDER_NOT_FOUND)
    tariff = session.get(TariffPlan, order.tariff_id)
    assert tariff is not None
    owner = session.get(User, order.user_id)
    history = session.execute(
        sa.select(
            col(OrderStatusChange.created_at),
            col(OrderStatusChange.event),
            col(OrderStatusChange.old_status),
            col(OrderStatusChange.new_status),
            col(User.username),
            col(OrderStatusChange.note),
        )
        .outerjoin(User, col(User.id) == col(OrderStatusChange.actor_id))
        .where(col(OrderStatusChange.order_id) == order.id)
        .order_by(col(OrderStatusChange.created_at).desc(), col(OrderStatusChange.id).desc())
    ).all()
    timeline = [TimelineEntry(r[0], r[1], r[2], r[3], r[4] or "", r[5]) for r in history]
    if not any(e.event == "created" for e in timeline):  # orders older than the timeline
        timeline.append(TimelineEntry(order.created_at, "created", None, OrderStatus.NOT_PROCESSED.value, "", ""))
    invoices = session.execute(
        sa.select(
            col(Invoice.id),
            col(Invoice.number),
            col(Invoice.issued_at),
            col(Invoice.status),
            col(Invoice.gross_minor),
            col(Invoice.currency),
            col(InvoiceLine.net_minor),
            col(InvoiceLine.period_months),
        )
        .join(InvoiceLine, col(InvoiceLine.invoice_id) == col(Invoice.id))
        .where(col(InvoiceLine.order_id) == order.id)
        .order_by(col(Invoice.issued_at).desc(), col(Invoice.id).desc())
        .limit(100)
    ).all()
    tickets, _, _ = tickets_page(session=session, viewer=viewer, order_id=order.id)
    pending = cancellation_pending_of(order)
    status = OrderStatus(order.status)
    prices = {m: period_price(tariff.prices_minor, m) for m in PERIODS}
    return OrderDetail(
        id=order.id or 0,
        service_name=order.service_name,
        customer=owner.username if owner and viewer.is_staff else "",
        customer_id=order.user_id if viewer.is_staff else 0,
        tariff=tariff.name,
        product_type=tariff.product_type,
        status=status,
        main_ip=order.main_ip or "",
        created_at=order.created_at,
        paid_until=order.paid_until,
        price=Money(order.price_minor, order.currency),
        period_months=order.period_months,
        comment=order.comment,
        cancel_pending=pending and status != OrderStatus.CANCELLED,
        cancel_reason=order.cancel_reason or "",
        cancelled_at=order.cancelled_at,
        prices={m: Money(p, tariff.currency) for m, p in prices.items() if p is not None},
        renew_refusal=renewal_refusal(status, pending),
        timeline=timeline,
        invoices=[OrderInvoice(r[0], r[1], r[2], r[3], Money(r[4], r[5]), Money(r[6], r[5]), r[7]) for r in invoices],
        tickets=tickets,
        owner=order.user_id == viewer.user_id,
    )
