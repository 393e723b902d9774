"""Currency rates (units per 1 EUR) and conversion."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlmodel import Session, select

from introserv_app.db.tables import CurrencyRate
from introserv_app.domain.money import Money
from introserv_app.domain.text import N_
from introserv_app.services.common.errors import ServiceError

MSG_NO_RATE = N_("There is no rate for {currency}; ask support.")


def current_rates(*, session: Session) -> dict[str, Decimal]:
    rows = session.exec(select(CurrencyRate.currency, CurrencyRate.per_eur)).all()
    out = {"EUR": Decimal(1)}
    for currency, raw in rows:
        try:
            out[currency] = Decimal(raw)
        except InvalidOperation:
            continue
    return out


def convert(money: Money, to: str, rates: dict[str, Decimal]) -> Money:
    """`money` in `to`, through EUR, rounded half up to the minor unit."""
    if money.currency == to:
        return money
    if money.currency not in rates or to not in rates:
        raise ServiceError(MSG_NO_RATE, currency=to if to not in rates else money.currency)
    return Money.from_decimal(money.amount / rates[money.currency] * rates[to], to)
