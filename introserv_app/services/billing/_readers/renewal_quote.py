"""What a renewal would cost: net per order from the tariff's period price, VAT for the customer, total and the new
paid-until dates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row
from sqlmodel import Session, col, select

from introserv_app.db.tables import Order, Profile, TariffPlan
from introserv_app.db.types import utcnow
from introserv_app.domain.money import Money
from introserv_app.domain.order_rules import (
    BATCH_LIMIT,
    MSG_BAD_PERIOD,
    cancellation_pending_of,
    period_price,
    renewal_refusal,
    renewed_until,
)
from introserv_app.domain.statuses import OrderStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.domain.vat import vat_amount
from introserv_app.services.billing._readers.ledger import account_currency, balance
from introserv_app.services.billing._readers.rates import convert, current_rates
from introserv_app.services.billing._readers.vat import vat_for_customer
from introserv_app.services.common import access
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.scope import MSG_ORDER_NOT_FOUND
from introserv_app.services.common.viewer import Viewer

MSG_NOTHING = N_("Choose at least one order to renew.")


MSG_TOO_MANY = N_("At most {limit} orders can be renewed at once: renew them in parts.")


MSG_ORDER_REFUSED = N_("{order}: {reason}")


@dataclass(frozen=True)
class QuoteItem:
    order_id: int
    service_name: str
    tariff: str
    months: int
    net: Money
    paid_until: date | None
    new_paid_until: date


@dataclass(frozen=True)
class RefusedItem:
    """A selected order that cannot be renewed now, and why (a msgid)."""

    order_id: int
    service_name: str
    reason: str


@dataclass(frozen=True)
class Quote:
    items: list[QuoteItem]
    net: Money
    vat: Money
    gross: Money
    vat_rate: str
    reverse_charge: bool
    vat_note: str
    balance: Money
    #: Only in a partial quote: the selected orders left out, each with its reason.
    refused: tuple[RefusedItem, ...] = ()

    @property
    def covered(self) -> bool:
        return self.balance.minor >= self.gross.minor


def _items(raw: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    if not raw:
        raise ServiceError(MSG_NOTHING)
    if len(raw) > BATCH_LIMIT:
        raise ServiceError(MSG_TOO_MANY, limit=Decimal(BATCH_LIMIT))
    seen: dict[int, int] = {}
    for pair in raw:
        order_id, months = pair
        if not is_row_id(order_id):
            raise ServiceError(MSG_ORDER_NOT_FOUND)
        if not isinstance(months, int) or isinstance(months, bool):
            raise ServiceError(MSG_BAD_PERIOD)
        seen[order_id] = months
    return list(seen.items())


def _load(
    session: Session, viewer: Viewer, items: list[tuple[int, int]], *, partial: bool = False
) -> tuple[list[tuple[Row[Any], int]], list[RefusedItem]]:
    """The orders with their tariffs, as rows of the columns a quote needs (no objects: a batch is up to
    `BATCH_LIMIT` orders, and the quote is read twice by a renewal), each with its months."""
    ids = [oid for oid, _ in items]
    rows = session.execute(
        select(  # type: ignore[call-overload]
            col(Order.id),
            col(Order.service_name),
            col(Order.status),
            col(Order.cancel_mode),
            col(Order.cancelled_at),
            col(Order.paid_until),
            col(TariffPlan.name).label("tariff"),
            col(TariffPlan.prices_minor),
            col(TariffPlan.currency).label("tariff_currency"),
        )
        .join(TariffPlan, col(TariffPlan.id) == col(Order.tariff_id))
        .where(col(Order.id).in_(ids), col(Order.user_id) == viewer.user_id)
    ).all()
    found = {order.id: order for order in rows}
    missing = [oid for oid in ids if oid not in found]
    if missing:
        access.record_denied(
            session=session, viewer=viewer, target="order.renew", details={"order_ids": str(missing[:20])[:200]}
        )
        raise ServiceError(MSG_ORDER_NOT_FOUND)
    out, refused = [], []
    for oid, months in items:
        order = found[oid]
        pending = cancellation_pending_of(order)
        refusal = renewal_refusal(OrderStatus(order.status), pending)
        if refusal is None and period_price(order.prices_minor, months) is None:
            refusal = MSG_BAD_PERIOD
        if refusal is None:
            out.append((order, months))
        elif partial:
            refused.append(RefusedItem(order_id=oid, service_name=order.service_name, reason=refusal))
        else:
            raise ServiceError(MSG_ORDER_REFUSED, order=order.service_name, reason=refusal)
    return out, refused


def quote_renewal(
    *,
    session: Session,
    viewer: Viewer,
    items: Sequence[tuple[int, int]],
    now: datetime | None = None,
    partial: bool = False,
) -> Quote:
    """What renewing these (order id, months) pairs costs and gives; nothing is written.

    `partial`: an order that cannot be renewed (cancelled, suspended for a violation, not paid yet, cancellation
    pending, a period its tariff does not offer) is listed in `refused` with its reason instead of refusing the
    whole quote; the totals are those of the others. Another customer's order still refuses the whole quote."""
    now = now or utcnow()
    loaded, refused = _load(session, viewer, _items(items), partial=partial)
    currency = account_currency(session=session, user_id=viewer.user_id)
    rates = current_rates(session=session)
    quote_items = [
        QuoteItem(
            order_id=order.id,
            service_name=order.service_name,
            tariff=order.tariff,
            months=months,
            net=convert(Money(period_price(order.prices_minor, months) or 0, order.tariff_currency), currency, rates),
            paid_until=order.paid_until,
            new_paid_until=renewed_until(order.paid_until, months, now.date()),
        )
        for order, months in loaded
    ]
    if any(item.net.currency != currency for item in quote_items):
        raise ValueError("orders are priced in the account currency")
    vat, _, _ = vat_for_customer(session=session, user_id=viewer.user_id, on=now)
    net = Money(sum(i.net.minor for i in quote_items), currency)
    tax = vat_amount(net, vat.rate)
    return Quote(
        items=quote_items,
        net=net,
        vat=tax,
        gross=net + tax,
        vat_rate=format(vat.rate.normalize(), "f"),
        reverse_charge=vat.reverse_charge,
        vat_note=vat.note,
        balance=balance(session=session, user_id=viewer.user_id),
        refused=tuple(refused),
    )


def _country(session: Session, user_id: int) -> str:
    profile = session.get(Profile, user_id)
    return profile.country if profile else "OTHER"
