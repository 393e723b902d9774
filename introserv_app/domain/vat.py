"""VAT: the standard rate of a country on a date, and the treatment of one invoice.

Place of supply for the panel's services (electronically supplied / hosting) follows the EU rules:
- customer in the seller's country: the seller's rate (domestic supply, consumers and companies alike);
- consumer (or company without a valid VAT number) in another member state: that state's rate (OSS);
- company in another member state with a VAT number validated through VIES: reverse charge, 0 %, the
  note "Reverse charge" and both VAT numbers on the invoice;
- customer outside the EU (the USA, "Other", ...): 0 %, outside the scope of EU VAT.
The invoice date picks the rate. The rates themselves are data (the `vat_rates` table, which staff extend): the
functions here take them as a `RateTable`, built by the caller from whatever rows it read.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from introserv_app.domain.money import Money
from introserv_app.domain.text import N_
from introserv_app.domain.vat_rates import EU_COUNTRIES

ZERO = Decimal("0")
MSG_REVERSE_CHARGE = N_("Reverse charge")
MSG_OUTSIDE_EU = N_("Outside the scope of EU VAT")
#: VAT numbers start with these prefixes (ISO codes except Greece).
VAT_PREFIX = {c: ("EL" if c == "GR" else c) for c in EU_COUNTRIES}


class VatError(ValueError):
    """No rate is known for the date asked."""


@dataclass(frozen=True)
class RateTable:
    """Standard rates by country, each with the date it took effect (a rate applies until the country's next)."""

    #: country -> (dates ascending, the rate from each date)
    by_country: dict[str, tuple[tuple[date, ...], tuple[Decimal, ...]]] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: Iterable[tuple[object, ...]]) -> RateTable:
        """A table from (country, effective_from, percent, ...) entries in any order (what follows is ignored)."""
        grouped: dict[str, list[tuple[date, Decimal]]] = {}
        for entry in entries:
            country, since, rate = entry[0], entry[1], entry[2]
            assert isinstance(country, str) and isinstance(since, date)
            grouped.setdefault(country.upper(), []).append((since, Decimal(str(rate))))
        return cls(
            {c: (tuple(d for d, _ in sorted(rows)), tuple(r for _, r in sorted(rows))) for c, rows in grouped.items()}
        )

    def in_force(self, country_code: str, on: date) -> tuple[date, Decimal] | None:
        """(effective_from, percent) of the rate of `country_code` in force on `on`; None when it has none."""
        dates, rates = self.by_country.get((country_code or "").upper(), ((), ()))
        i = bisect.bisect_right(dates, on) - 1
        return (dates[i], rates[i]) if i >= 0 else None

    def planned(self, country_code: str, on: date) -> list[tuple[date, Decimal]]:
        """The recorded changes of `country_code` that take effect after `on`, in date order."""
        dates, rates = self.by_country.get((country_code or "").upper(), ((), ()))
        i = bisect.bisect_right(dates, on)
        return list(zip(dates[i:], rates[i:], strict=True))


def is_eu(country_code: str) -> bool:
    return (country_code or "").upper() in EU_COUNTRIES


def standard_rate(country_code: str, on: date, rates: RateTable) -> Decimal:
    """The standard VAT rate (percent) of `country_code` on `on`; 0 for a country outside the EU. A member state
    without a rate for that date raises VatError: an invoice is never issued at 0 % by mistake."""
    code = (country_code or "").upper()
    if code not in EU_COUNTRIES:
        return ZERO
    found = rates.in_force(code, on)
    if found is None:
        raise VatError(f"no VAT rate for {code} on {on.isoformat()}")
    return found[1]


def parse_percent(raw: object) -> Decimal | None:
    """A rate typed by staff: 0 to 100 with at most two decimals ("25.5", "25,5", "25.5 %"), or None."""
    text = raw.strip().removesuffix("%").strip().replace(",", ".") if isinstance(raw, str) else ""
    if not 0 < len(text) <= 8 or not all(ch.isdigit() or ch == "." for ch in text) or not text.isascii():
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or not ZERO <= value <= 100 or value != value.quantize(Decimal("0.01")):
        return None
    return value.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class VatDecision:
    rate: Decimal  # percent, e.g. Decimal("25.5")
    country: str  # whose rate it is ("" when none applies)
    reverse_charge: bool
    note: str  # a msgid for the invoice ("" when none)


def decide(
    *,
    seller_country: str,
    customer_country: str,
    is_company: bool,
    vat_number_valid: bool,
    on: date,
    rates: RateTable,
) -> VatDecision:
    """The VAT treatment of an invoice dated `on` at the standard `rates` (see the module docstring)."""
    seller, customer = seller_country.upper(), (customer_country or "").upper()
    if not is_eu(customer):
        return VatDecision(ZERO, "", False, MSG_OUTSIDE_EU)
    if customer == seller:
        return VatDecision(standard_rate(seller, on, rates), seller, False, "")
    if is_company and vat_number_valid:
        return VatDecision(ZERO, customer, True, MSG_REVERSE_CHARGE)
    return VatDecision(standard_rate(customer, on, rates), customer, False, "")


def vat_amount(net: Money, rate: Decimal) -> Money:
    """VAT on `net` at `rate` percent, rounded half-up to the currency's minor unit."""
    raw = Decimal(net.minor) * rate / Decimal(100)
    return Money(int(raw.quantize(Decimal(1), rounding=ROUND_HALF_UP)), net.currency)


def split_gross(gross: Money, rate: Decimal, *, whole: Money | None = None, whole_vat: Money | None = None) -> Money:
    """The VAT contained in `gross` at `rate` percent (a credit note's share of an invoice's VAT).

    When `gross` is all that is left of an invoice (`whole`), what is left of its VAT (`whole_vat`) is returned, so
    the credit notes of an invoice together reverse exactly what was charged, cent for cent."""
    if whole is not None and whole_vat is not None and gross == whole:
        return whole_vat
    raw = Decimal(gross.minor) * rate / (Decimal(100) + rate)
    return Money(int(raw.quantize(Decimal(1), rounding=ROUND_HALF_UP)), gross.currency)


@dataclass(frozen=True)
class VatNumber:
    country: str  # ISO code of the member state
    number: str  # compact form with the prefix, e.g. "DE136695976"


def parse_vat_number(raw: str) -> VatNumber | None:
    """A syntactically valid EU VAT number (checksum included, python-stdnum), or None."""
    from stdnum.eu import vat as eu_vat

    text = (raw or "").strip()
    if not text or len(text) > 32:
        return None
    try:
        number = eu_vat.validate(text)
    except Exception:  # noqa: BLE001 - stdnum raises several ValidationError subclasses
        return None
    prefix = number[:2].upper()
    country = "GR" if prefix == "EL" else prefix
    if country not in EU_COUNTRIES:
        return None  # e.g. XI (Northern Ireland) is not a member state
    return VatNumber(country=country, number=number.upper())
