"""An admin records a change of a member state's standard VAT rate, or withdraws one that has not taken effect.

Only additions: a rate takes effect today (UTC) or later, a recorded rate is never changed, and a country has at
most one rate per date. A rate that has taken effect stays (invoices may carry it); one planned for a later date
may be withdrawn (no invoice can carry it yet), e.g. when it was typed wrong or the law was repealed.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from introserv_app.db.tables import VatRate
from introserv_app.db.types import utcnow
from introserv_app.domain.text import N_
from introserv_app.domain.validation import TextError, check_text, parse_date
from introserv_app.domain.vat import parse_percent
from introserv_app.domain.vat_rates import EU_COUNTRIES
from introserv_app.services.billing._readers.vat import rate_table
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

MSG_VAT_COUNTRY = N_("Choose a member state of the EU.")
MSG_VAT_RATE = N_("Enter the rate in percent, from 0 to 100 with at most two decimals, e.g. 25.5.")
MSG_VAT_DATE = N_("Enter the date the rate takes effect.")
MSG_VAT_PAST = N_("A rate cannot take effect in the past: choose today ({today}) or a later date.")
MSG_VAT_SOURCE = N_("Name the law or notice the rate comes from (at most 500 characters).")
MSG_VAT_SOURCE_CHARACTERS = N_("The source contains characters that cannot be used (invisible control characters).")
MSG_VAT_DUPLICATE = N_(
    "{country} already has a rate from {date}. Recorded rates are never changed: withdraw it first if it has "
    "not taken effect, or choose another date."
)
MSG_VAT_NOT_FOUND = N_("This rate is no longer recorded.")
MSG_VAT_IN_FORCE = N_(
    "This rate has taken effect and stays: invoices may carry it. Record a new rate from a later date instead."
)
SOURCE_MAX = 500


def _effective(raw: object) -> date | None:
    return raw if isinstance(raw, date) and not isinstance(raw, datetime) else parse_date(raw)


def record_vat_rate(
    *,
    session: Session,
    viewer: Viewer,
    country: object,
    rate: object,
    effective_from: object,
    source: object,
    ip: str = "",
    now: datetime | None = None,
) -> VatRate:
    """Admin only. Every field is checked first; audited with the rate it replaces from that date."""
    access.require_admin(session=session, viewer=viewer, target="vat_rates.record", ip=ip)
    code = country.strip().upper() if isinstance(country, str) else ""
    if code not in EU_COUNTRIES:
        raise ServiceError(MSG_VAT_COUNTRY)
    percent = parse_percent(rate)
    if percent is None:
        raise ServiceError(MSG_VAT_RATE)
    since = _effective(effective_from)
    if since is None:
        raise ServiceError(MSG_VAT_DATE)
    now = now or utcnow()
    if since < now.date():
        raise ServiceError(MSG_VAT_PAST, today=now.date().isoformat())
    try:
        note = check_text(source, max_len=SOURCE_MAX, fold_spaces=True)
    except TextError as exc:
        raise ServiceError(MSG_VAT_SOURCE_CHARACTERS if exc.problem == "characters" else MSG_VAT_SOURCE) from None
    if not note:
        raise ServiceError(MSG_VAT_SOURCE)
    duplicate = session.exec(select(VatRate.id).where(VatRate.country == code, VatRate.effective_from == since)).first()
    if duplicate is not None:
        raise ServiceError(MSG_VAT_DUPLICATE, country=code, date=since.isoformat())
    old = rate_table(session=session).in_force(code, since)
    row = VatRate(
        country=code, effective_from=since, rate=percent, source=note, recorded_by=viewer.user_id, recorded_at=now
    )
    try:
        with session.begin_nested():  # another admin recording the same date at the same moment
            session.add(row)
    except sa.exc.IntegrityError:
        raise ServiceError(MSG_VAT_DUPLICATE, country=code, date=since.isoformat()) from None
    audit.record(
        session=session,
        action="vat_rates.record",
        actor_id=viewer.user_id,
        ip=ip,
        details={
            "country": code,
            "effective_from": since.isoformat(),
            "old": format(old[1].normalize(), "f") if old else None,
            "new": format(percent.normalize(), "f"),
            "source": note,
        },
        now=now,
    )
    return row


def withdraw_vat_rate(
    *, session: Session, viewer: Viewer, rate_id: int, ip: str = "", now: datetime | None = None
) -> VatRate:
    """Admin only. Deletes a recorded rate that takes effect after today (UTC); audited with what it was."""
    access.require_admin(session=session, viewer=viewer, target="vat_rates.withdraw", ip=ip)
    row = session.get(VatRate, rate_id) if isinstance(rate_id, int) and not isinstance(rate_id, bool) else None
    if row is None:
        raise ServiceError(MSG_VAT_NOT_FOUND)
    now = now or utcnow()
    if row.effective_from <= now.date():
        raise ServiceError(MSG_VAT_IN_FORCE)
    audit.record(
        session=session,
        action="vat_rates.withdraw",
        actor_id=viewer.user_id,
        ip=ip,
        details={
            "country": row.country,
            "effective_from": row.effective_from.isoformat(),
            "rate": format(row.rate.normalize(), "f"),
            "source": row.source,
        },
        now=now,
    )
    session.delete(row)
    session.flush()
    return row
