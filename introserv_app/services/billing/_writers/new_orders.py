"""Ordering a new service: a "Not processed" order with its unpaid first invoice, once per dialog key."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from introserv_app.db.tables import Invoice, InvoiceLine, Order, Profile
from introserv_app.db.types import utcnow
from introserv_app.domain.money import Money
from introserv_app.domain.names import SERVICE_NAME_FIRST, SERVICE_NAME_LENGTH, SERVICE_NAME_REST
from introserv_app.domain.statuses import OrderStatus
from introserv_app.services.billing._readers.catalog import _tariff
from introserv_app.services.billing._readers.ledger import account_currency
from introserv_app.services.billing._readers.vat import vat_for_customer
from introserv_app.services.billing._writers.invoices import Line, issue_invoice
from introserv_app.services.billing._writers.ledger import MSG_BAD_KEY, check_idem_key, lock_account
from introserv_app.services.common import access, audit
from introserv_app.services.common.access import require_confirmed_email
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.orders import record_status_change


@dataclass(frozen=True)
class PlacedOrder:
    order_id: int
    service_name: str
    invoice_id: int
    invoice_number: str


def _free_name(session: Session) -> str:
    while True:
        name = secrets.choice(SERVICE_NAME_FIRST) + "".join(
            secrets.choice(SERVICE_NAME_REST) for _ in range(SERVICE_NAME_LENGTH - 1)
        )
        if session.exec(select(Order.id).where(Order.service_name == name)).first() is None:
            return name


def place_order(
    *,
    session: Session,
    viewer: Viewer,
    tariff_id: int,
    months: int,
    idem_key: str,
    ip: str = "",
    now: datetime | None = None,
) -> PlacedOrder:
    """A new "Not processed" order with its unpaid first invoice (once per `idem_key`)."""
    now = now or utcnow()
    check_idem_key(idem_key)
    require_confirmed_email(session=session, viewer=viewer)
    done = _by_key(session, viewer, idem_key)
    if done is not None:
        return done
    tariff, price = _tariff(session, viewer, tariff_id, months)
    currency = account_currency(session=session, user_id=viewer.user_id)
    lock_account(session=session, user_id=viewer.user_id)
    done = _by_key(session, viewer, idem_key)
    if done is not None:
        return done
    order = Order(
        user_id=viewer.user_id,
        service_name=_free_name(session),
        tariff_id=tariff.id or 0,
        status=OrderStatus.NOT_PROCESSED.value,
        created_at=now,
        paid_until=None,
        price_minor=price,
        currency=currency,
        period_months=months,
    )
    session.add(order)
    session.flush()
    record_status_change(
        session=session,
        order_id=order.id or 0,
        old=None,
        new=order.status,
        event="created",
        actor_id=viewer.user_id,
        now=now,
    )
    vat, customer_vat, seller_vat = vat_for_customer(session=session, user_id=viewer.user_id, on=now)
    profile = session.get(Profile, viewer.user_id)
    invoice = issue_invoice(
        session=session,
        user_id=viewer.user_id,
        lines=[
            Line(
                f"{order.service_name} — {tariff.name}, {months} mo",
                Money(price, currency),
                order_id=order.id,
                period_months=months,
            )
        ],
        vat=vat,
        customer_country=profile.country if profile else "OTHER",
        customer_vat_number=customer_vat,
        seller_vat_number=seller_vat,
        now=now,
    )
    invoice.idem_key = idem_key
    audit.record(
        session=session,
        action="order.create",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"order": order.service_name, "tariff": tariff.code, "months": months, "invoice": invoice.number},
    )
    session.flush()
    return PlacedOrder(order.id or 0, order.service_name, invoice.id or 0, invoice.number)


def _by_key(session: Session, viewer: Viewer, idem_key: str) -> PlacedOrder | None:
    invoice = session.exec(select(Invoice).where(Invoice.idem_key == idem_key)).first()
    if invoice is None:
        return None
    if invoice.user_id != viewer.user_id:
        access.record_denied(session=session, viewer=viewer, target="order.create", details={"key": idem_key[:64]})
        raise ServiceError(MSG_BAD_KEY)
    row = session.exec(
        select(Order.id, Order.service_name)
        .join(InvoiceLine, col(InvoiceLine.order_id) == col(Order.id))
        .where(InvoiceLine.invoice_id == invoice.id)
    ).first()
    if row is None:
        raise ServiceError(MSG_BAD_KEY)  # the key belongs to another kind of dialog
    return PlacedOrder(int(row[0] or 0), str(row[1]), invoice.id or 0, invoice.number)
