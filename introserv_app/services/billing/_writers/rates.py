"""An admin sets a currency rate."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlmodel import Session

from introserv_app.db.tables import CurrencyRate
from introserv_app.db.types import utcnow
from introserv_app.domain.money import CURRENCIES
from introserv_app.domain.text import N_
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

MSG_RATE = N_("A rate is a number of units per 1 EUR, greater than 0 and below 1,000,000.")


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
