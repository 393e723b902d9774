"""The VAT treatment of a customer's next invoice (their country, company status and VAT number, the seller, and
the rates recorded in `vat_rates`).

The rates are read from `vat_rates` on every call (some fifty rows, one query): a change an admin records in one
worker applies to the next invoice of every worker at once, with no cache to go stale."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.tables import Profile, VatRate
from introserv_app.domain.vat import RateTable, VatDecision, decide, parse_vat_number


def rate_table(*, session: Session) -> RateTable:
    """Every recorded standard rate (the built-in history and what admins added)."""
    stmt = sa.select(col(VatRate.country), col(VatRate.effective_from), col(VatRate.rate))
    return RateTable.of(tuple(row) for row in session.connection().execute(stmt))


def vat_for_customer(*, session: Session, user_id: int, on: datetime) -> tuple[VatDecision, str | None, str | None]:
    """The VAT treatment of an invoice for `user_id` dated `on`, with (customer, seller) VAT numbers."""
    from introserv_app.services.billing._readers.seller import seller_settings

    settings = seller_settings(session=session)
    profile = session.get(Profile, user_id)
    country = profile.country if profile else "OTHER"
    parsed = parse_vat_number(profile.vat_number or "") if profile else None
    is_company = bool(profile and profile.profile_type == "company")
    valid = bool(profile and profile.vat_valid) and parsed is not None and parsed.country == country
    decision = decide(
        seller_country=settings.seller_country,
        customer_country=country,
        is_company=is_company,
        vat_number_valid=valid,
        on=on.date(),
        rates=rate_table(session=session),
    )
    customer_vat = parsed.number if parsed is not None else None
    return decision, customer_vat, settings.seller_vat_number or None
