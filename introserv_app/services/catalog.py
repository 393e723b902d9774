"""Ordering a new service from the tariff catalog.

`place_order` creates a "Not processed" order and its first invoice (unpaid) in one transaction, once
per dialog key: a repeat finds the invoice already issued. Paying that invoice (from the balance or a
pay link) sends the order to processing with its first period starting on the payment day.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from introserv_app.db.tables import Invoice, InvoiceLine, Order, Profile, TariffPlan
from introserv_app.db.types import utcnow
from introserv_app.domain.money import Money
from introserv_app.domain.names import SERVICE_NAME_LENGTH
from introserv_app.domain.order_rules import MSG_BAD_PERIOD, period_price
from introserv_app.domain.periods import PERIODS
from introserv_app.domain.statuses import OrderStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.domain.vat import vat_amount
from introserv_app.services import ledger
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.invoices import Line, issue_invoice
from introserv_app.services.orders import record_status_change
from introserv_app.services.rates import convert, current_rates
from introserv_app.services.vies import vat_for_customer

MSG_TARIFF_NOT_FOUND = N_("This tariff is not available.")
MSG_STAFF_CANNOT_ORDER = N_("Support staff cannot order services for themselves.")
_NAME_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class CatalogItem:
    id: int
    code: str
    name: str
    product_type: str
    prices: dict[int, Money]  # months -> net price


@dataclass(frozen=True)
class OrderQuote:
    tariff: str
    months: int
    net: Money
    vat: Money
    gross: Money
    vat_rate: str
    vat_note: str


@dataclass(frozen=True)
class PlacedOrder:
    order_id: int
    service_name: str
    invoice_id: int
    invoice_number: str


def catalog(*, session: Session, viewer: Viewer) -> list[CatalogItem]:
    """The active tariffs priced in the viewer's account currency, cheapest first within each type."""
    currency = ledger.account_currency(session=session, user_id=viewer.user_id)
    rates = current_rates(session=session)
    tariffs = session.exec(select(TariffPlan).where(TariffPlan.is_active == True)).all()  # noqa: E712
    items = []
    for tariff in tariffs:
        if tariff.currency not in rates or currency not in rates:
            continue
        prices = {m: period_price(tariff.prices_minor, m) for m in PERIODS}
        priced = {m: convert(Money(p, tariff.currency), currency, rates) for m, p in prices.items() if p is not None}
        if priced:
            items.append(CatalogItem(tariff.id or 0, tariff.code, tariff.name, tariff.product_type, priced))
    return sorted(items, key=lambda i: (i.product_type, min(p.minor for p in i.prices.values()), i.name))


def _tariff(session: Session, viewer: Viewer, tariff_id: int, months: int) -> tuple[TariffPlan, int]:
    if viewer.is_staff:
        raise ServiceError(MSG_STAFF_CANNOT_ORDER)
    tariff = session.get(TariffPlan, tariff_id) if is_row_id(tariff_id) else None
    currency = ledger.account_currency(session=session, user_id=viewer.user_id)
    if tariff is None or not tariff.is_active:
        raise ServiceError(MSG_TARIFF_NOT_FOUND)
    price = period_price(tariff.prices_minor, months)
    if price is None:
        raise ServiceError(MSG_BAD_PERIOD)
    return tariff, convert(Money(price, tariff.currency), currency, current_rates(session=session)).minor


def quote_order(
    *, session: Session, viewer: Viewer, tariff_id: int, months: int, now: datetime | None = None
) -> OrderQuote:
    now = now or utcnow()
    tariff, price = _tariff(session, viewer, tariff_id, months)
    vat, _, _ = vat_for_customer(session=session, user_id=viewer.user_id, on=now)
    net = Money(price, ledger.account_currency(session=session, user_id=viewer.user_id))
    tax = vat_amount(net, vat.rate)
    return OrderQuote(tariff.name, months, net, tax, net + tax, format(vat.rate.normalize(), "f"), vat.note)


def _free_name(session: Session) -> str:
    while True:
        name = secrets.choice(_NAME_ALPHABET[:26]) + "".join(
            secrets.choice(_NAME_ALPHABET) for _ in range(SERVICE_NAME_LENGTH - 1)
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
    ledger.check_idem_key(idem_key)
    done = _by_key(session, viewer, idem_key)
    if done is not None:
        return done
    tariff, price = _tariff(session, viewer, tariff_id, months)
    currency = ledger.account_currency(session=session, user_id=viewer.user_id)
    ledger.lock_account(session=session, user_id=viewer.user_id)
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
        raise ServiceError(ledger.MSG_BAD_KEY)
    row = session.exec(
        select(Order.id, Order.service_name)
        .join(InvoiceLine, col(InvoiceLine.order_id) == col(Order.id))
        .where(InvoiceLine.invoice_id == invoice.id)
    ).first()
    if row is None:
        raise ServiceError(ledger.MSG_BAD_KEY)  # the key belongs to another kind of dialog
    return PlacedOrder(int(row[0] or 0), str(row[1]), invoice.id or 0, invoice.number)
