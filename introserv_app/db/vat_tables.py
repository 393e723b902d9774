"""The standard VAT rates of the member states, with the date each took effect. Re-exported by `db.tables`.

Rows are only ever added (an admin records a change from today or later; `services.billing.record_vat_rate`);
a row is never changed, and only one that has not taken effect yet may be withdrawn. The migration that creates
the table fills it with the built-in history (`domain.vat_rates.RATES`, `recorded_by` empty).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from introserv_app.db.types import UTCDateTime, utcnow
from introserv_app.domain.vat_rates import RATES


class VatRate(SQLModel, table=True):
    """One standard rate of one country from `effective_from` until the country's next row."""

    __tablename__ = "vat_rates"
    __table_args__ = (
        sa.UniqueConstraint("country", "effective_from", name="uq_vat_rates_country_from"),
        sa.CheckConstraint("rate >= 0 AND rate <= 100", name="ck_vat_rates_rate"),
    )

    id: int | None = Field(default=None, primary_key=True)
    country: str = Field(max_length=2)
    effective_from: date
    #: Percent, e.g. 25.50.
    rate: Decimal = Field(sa_column=sa.Column(sa.Numeric(5, 2), nullable=False))
    #: The law or notice the rate comes from.
    source: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    #: The admin who recorded it; empty for the built-in history.
    recorded_by: int | None = Field(default=None, foreign_key="users.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False))


def builtin_vat_rows(now: datetime | None = None) -> list[dict[str, object]]:
    """The built-in history as rows of `vat_rates` (what the migration inserts)."""
    at = now or utcnow()
    return [
        {"country": c, "effective_from": d, "rate": r, "source": s, "recorded_by": None, "recorded_at": at}
        for c, d, r, s in RATES
    ]
