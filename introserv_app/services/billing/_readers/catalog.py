"""The tariff catalog a customer orders from, and the quote for one tariff and period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from introserv_app.db.tables import TariffPlan
from introserv_app.db.types import utcnow
from introserv_app.domain.money import Money
from introserv_app.domain.order_rules import MSG_BAD_PERIOD, period_price
from introserv_app.domain.periods import PERIODS
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.domain.vat import vat_amount
from introserv_app.services.billing._readers.ledger import account_currency
from introserv_app.services.billing._readers.rates import convert, current_rates
from introserv_app.services.billing._readers.vat import vat_for_customer
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

MSG_TARIFF_NOT_FOUND = N_("This tariff is not available.")


MSG_STAFF_CANNOT_ORDER = N_("Support staff cannot order services for themselves.")


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


def catalog(*, session: Session, viewer: Viewer) -> list[CatalogItem]:
    """The active tariffs priced in the viewer's account currency, cheapest first within each type."""
    currency = account_currency(session=session, user_id=viewer.user_id)
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
    currency = account_currency(session=session, user_id=viewer.user_id)
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
    net = Money(price, account_currency(session=session, user_id=viewer.user_id))
    tax = vat_amount(net, vat.rate)
    return OrderQuote(tariff.name, months, net, tax, net + tax, format(vat.rate.normalize(), "f"), vat.note)
