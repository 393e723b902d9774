"""Money: integer minor units plus an ISO 4217 code; arithmetic in Decimal, never float."""

from __future__ import annotations

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


def parse_amount(text: str, currency: str) -> Money | None:
    """A positive amount typed by a user ("50", "50.5", "1 234,56"), or None when it is not one.

    One decimal separator (point or comma), at most the currency's number of decimals, no signs or
    exponents; spaces (also thin and non-breaking) between digit groups are ignored.
    """
    if currency not in CURRENCY_EXPONENT or not isinstance(text, str) or len(text) > 32:
        return None
    raw = "".join(text.split()).replace("\u202f", "").replace("\xa0", "")
    whole, sep, frac = raw.replace(",", ".").partition(".")
    if not whole.isdigit() or not whole.isascii() or (sep and not (frac.isdigit() and frac.isascii())):
        return None
    exp = CURRENCY_EXPONENT[currency]
    if len(frac) > exp or len(whole) > 12:
        return None
    return Money(int(whole) * 10**exp + int((frac or "0").ljust(exp, "0") or "0"), currency)
