"""Money: integer minor units plus an ISO 4217 code; arithmetic in Decimal, never float."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: Supported account currencies and their number of minor-unit digits.
CURRENCY_EXPONENT: dict[str, int] = {
    "EUR": 2,
    "USD": 2,
    "GBP": 2,
    "PLN": 2,
    "CZK": 2,
    "RUB": 2,
}
CURRENCIES: tuple[str, ...] = tuple(CURRENCY_EXPONENT)


class MoneyError(ValueError):
    """Invalid money value (unknown currency, fractional minor units)."""


@dataclass(frozen=True, order=True)
class Money:
    """An amount in minor units of `currency` (e.g. 400 EUR-cents = 4.00 EUR)."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if self.currency not in CURRENCY_EXPONENT:
            raise MoneyError(f"unknown currency {self.currency!r}")
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise MoneyError("minor units must be an integer")

    @property
    def amount(self) -> Decimal:
        """The value in major units, exact."""
        return Decimal(self.minor).scaleb(-CURRENCY_EXPONENT[self.currency])

    @classmethod
    def from_decimal(cls, amount: Decimal | str | int, currency: str) -> Money:
        """Round half-up to the currency's minor unit."""
        if currency not in CURRENCY_EXPONENT:
            raise MoneyError(f"unknown currency {currency!r}")
        exp = CURRENCY_EXPONENT[currency]
        quantum = Decimal(1).scaleb(-exp)
        value = Decimal(amount).quantize(quantum, rounding=ROUND_HALF_UP)
        return cls(int(value.scaleb(exp)), currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise MoneyError(f"cannot combine {self.currency} and {other.currency}")


#: An amount as typed: one optional sign, ASCII digits (groups of three may be separated by a space, also a
#: thin or non-breaking one), then optionally one decimal separator (point or comma) and its decimals.
_AMOUNT_RE = re.compile(r"([+-]?)([0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+|[0-9]+)(?:[.,]([0-9]+))?")
AMOUNT_TEXT_MAX = 32
WHOLE_DIGITS_MAX = 12


def _typed_amount(text: object, currency: str, *, signed: bool) -> Money | None:
    if currency not in CURRENCY_EXPONENT or not isinstance(text, str) or len(text) > AMOUNT_TEXT_MAX:
        return None
    match = _AMOUNT_RE.fullmatch(text.strip())
    if match is None:
        return None
    sign, whole, frac = match.group(1), re.sub("[^0-9]", "", match.group(2)), match.group(3) or ""
    exp = CURRENCY_EXPONENT[currency]
    if (sign and not signed) or len(frac) > exp or len(whole) > WHOLE_DIGITS_MAX:
        return None
    minor = int(whole) * 10**exp + int(frac.ljust(exp, "0") or "0")
    return Money(-minor if sign == "-" else minor, currency)


def parse_amount(text: object, currency: str) -> Money | None:
    """A non-negative amount typed by a user ("50", "50.5", "1 234,56"), or None when it is not one.

    One decimal separator (point or comma), at most the currency's number of decimals, no sign, no
    exponent, ASCII digits only; spaces (also thin and non-breaking) only between groups of three digits
    and around the amount.
    """
    return _typed_amount(text, currency, signed=False)


def parse_signed_amount(text: object, currency: str) -> Money | None:
    """Like `parse_amount`, with one optional sign directly before the digits ("-5.50", "+10"): a credit or
    a debit. `+-100`, `--1`, `- 1`, `1.234`, `1e3` and full-width digits are not amounts (None)."""
    return _typed_amount(text, currency, signed=True)
