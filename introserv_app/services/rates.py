"""Currency rates (units per 1 EUR), maintained by staff, and price conversion through them.

A tariff is priced in its own currency; a customer pays in the account currency. When they differ, the
price converts through EUR at the current rates, rounded half up to the minor unit. Issued invoices
keep their amounts; a rate change applies to quotes from then on.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlmodel import Session, select

from introserv_app.db.tables import CurrencyRate
from introserv_app.db.types import utcnow
from introserv_app.domain.money import CURRENCIES, Money
from introserv_app.domain.text import N_
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

MSG_RATE = N_("A rate is a number of units per 1 EUR, greater than 0 and below 1,000,000.")
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


def set_rate(*, session: Session, viewer: Viewer, currency: str, per_eur: object, ip: str = "") -> Decimal:
    access.require_admin(session=session, viewer=viewer, target="rates.save", ip=ip)
    if currency not in CURRENCIES or currency == "EUR":
        raise ServiceError(MSG_RATE)
    text = per_eur.strip().replace(",", ".") if isinstance(per_eur, str) else ""
    try:
        value = Decimal(text) if 0 < len(text) <= 20 else Decimal(0)
    except InvalidOperation:
        value = Decimal(0)
    if not value.is_finite() or not Decimal(0) < value < Decimal(1_000_000):
        raise ServiceError(MSG_RATE)
    row = session.get(CurrencyRate, currency)
    old = row.per_eur if row else None
    if row is None:
        row = CurrencyRate(currency=currency, per_eur=format(value.normalize(), "f"))
        session.add(row)
    row.per_eur, row.updated_at, row.updated_by = format(value.normalize(), "f"), utcnow(), viewer.user_id
    audit.record(
        session=session,
        action="rates.save",
        actor_id=viewer.user_id,
        ip=ip,
        details={"currency": currency, "old": old, "new": row.per_eur},
    )
    return value
