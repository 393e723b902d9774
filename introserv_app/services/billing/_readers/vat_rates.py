"""The VAT rates for people: the customer's VAT page and the admin's history (`_readers.vat.rate_table` is what
invoices read)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.tables import Profile, User, VatRate
from introserv_app.domain.vat import VatDecision, is_eu
from introserv_app.domain.vat_rates import EU_COUNTRIES
from introserv_app.services.billing._readers.seller import seller_settings
from introserv_app.services.billing._readers.vat import rate_table, vat_for_customer
from introserv_app.services.common import access
from introserv_app.services.common.viewer import Viewer


@dataclass(frozen=True)
class CountryRate:
    """A member state's standard rate in force today, since when, and the changes recorded for later."""

    country: str
    rate: Decimal
    since: date
    planned: tuple[tuple[date, Decimal], ...]


@dataclass(frozen=True)
class VatOverview:
    """What the customer's VAT page shows: every member state's rate and how the viewer's invoices are taxed."""

    rates: list[CountryRate]
    #: The viewer's country (profile) and the treatment of an invoice issued to them now.
    country: str
    decision: VatDecision
    is_company: bool
    seller_country: str


def vat_overview(*, session: Session, viewer: Viewer, now: datetime) -> VatOverview:
    """The standard rate of every member state in force on `now`'s date (UTC), with the viewer's own treatment."""
    today = now.date()
    table = rate_table(session=session)
    rates = []
    for country in sorted(EU_COUNTRIES):
        found = table.in_force(country, today)
        if found is not None:
            rates.append(CountryRate(country, found[1], found[0], tuple(table.planned(country, today))))
    decision, _customer_vat, _seller_vat = vat_for_customer(session=session, user_id=viewer.user_id, on=now)
    profile = session.get(Profile, viewer.user_id)
    country = profile.country if profile and profile.country else "OTHER"
    return VatOverview(
        rates=rates,
        country=country if is_eu(country) else country.upper(),
        decision=decision,
        is_company=bool(profile and profile.profile_type == "company"),
        seller_country=seller_settings(session=session).seller_country.upper(),
    )


@dataclass(frozen=True)
class RecordedRate:
    """One row of the history an admin sees."""

    id: int
    country: str
    effective_from: date
    rate: Decimal
    source: str
    #: Who recorded it ("" for the built-in history) and when.
    recorded_by: str
    recorded_at: datetime


def vat_rate_history(*, session: Session, viewer: Viewer, ip: str = "") -> list[RecordedRate]:
    """Admin only. Every recorded rate, by country, the newest first."""
    access.require_admin(session=session, viewer=viewer, target="vat_rates.history", ip=ip)
    stmt = (
        sa.select(VatRate, col(User.username))
        .join(User, col(User.id) == col(VatRate.recorded_by), isouter=True)
        .order_by(col(VatRate.country), col(VatRate.effective_from).desc())
    )
    return [
        RecordedRate(
            id=r.id or 0,
            country=r.country,
            effective_from=r.effective_from,
            rate=Decimal(r.rate),
            source=r.source,
            recorded_by=username or "",
            recorded_at=r.recorded_at,
        )
        for r, username in session.exec(stmt).all()  # type: ignore[call-overload]
    ]
