"""Payments through a provider: their states and the moves between them (pure rules, no I/O).

A payment is created (our row exists), pending (the provider made a checkout the customer was sent to), and ends
succeeded, failed, canceled or expired. Money taken is never lost: a confirmation that arrives after a payment was
marked failed, canceled or expired still moves it to succeeded (its amount goes to the ledger). Refunds change
the refunded amount of a succeeded payment, not its state.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from introserv_app.domain.text import N_


class PaymentState(enum.StrEnum):
    CREATED = "created"
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"
    EXPIRED = "expired"


class PaymentPurpose(enum.StrEnum):
    INVOICE = "invoice"
    TOPUP = "topup"


OPEN_STATES = frozenset({PaymentState.CREATED, PaymentState.PENDING})
FINAL_STATES = frozenset(set(PaymentState) - OPEN_STATES)


def can_move(old: PaymentState, new: PaymentState) -> bool:
    """Whether a payment in `old` may be moved to `new` by what a provider reports."""
    if old == new or new == PaymentState.CREATED:
        return False
    if new == PaymentState.SUCCEEDED:
        return old != PaymentState.SUCCEEDED  # money taken late is still money taken
    if new == PaymentState.PENDING:
        return old == PaymentState.CREATED
    return old in OPEN_STATES  # failed / canceled / expired only end an open payment


def refundable_minor(state: PaymentState, amount_minor: int, refunded_minor: int) -> int:
    """What is left to refund of a payment (0 unless it succeeded)."""
    if state != PaymentState.SUCCEEDED:
        return 0
    return max(0, amount_minor - refunded_minor)


# ---- which providers a customer is offered ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderRule:
    """A provider is offered for an invoice (or top-up) in one of `currencies` (None: any) to a customer whose
    country is not in `countries_excluded`."""

    provider: str
    label: str
    currencies: frozenset[str] | None
    countries_excluded: frozenset[str] = frozenset()


#: The rule table (shown to staff on the admin page). Stripe does not serve customers in Russia or Belarus and
#: does not take roubles here; YooKassa takes roubles only.
PROVIDER_RULES: tuple[ProviderRule, ...] = (
    ProviderRule(
        "stripe",
        N_("Card (Stripe)"),
        frozenset({"EUR", "USD", "GBP", "PLN", "CZK"}),
        frozenset({"RU", "BY"}),
    ),
    ProviderRule("yookassa", N_("Bank card or SBP (YooKassa)"), frozenset({"RUB"})),
    ProviderRule("demo", N_("Demo checkout (no real money moves)"), None),
)


def providers_for(enabled: tuple[str, ...], currency: str, country: str) -> tuple[str, ...]:
    """The providers offered for `currency` to a customer in `country`, in the order of `enabled`."""
    rules = {r.provider: r for r in PROVIDER_RULES}
    return tuple(
        name
        for name in enabled
        if name in rules
        and (rules[name].currencies is None or currency in rules[name].currencies)  # type: ignore[operator]
        and country.upper() not in rules[name].countries_excluded
    )


def provider_label(provider: str) -> str:
    return next((r.label for r in PROVIDER_RULES if r.provider == provider), provider)


def unused_share(gross_minor: int, start: date, end: date, today: date) -> int:
    """The part of a period's price (`gross_minor`, start to end) for the days from `today` to `end`, to the cent
    (half up); 0 when nothing is left, all of it when the period has not begun."""
    total, left = (end - start).days, (end - max(today, start)).days
    if total <= 0 or left <= 0:
        return 0
    share = Decimal(gross_minor) * Decimal(min(left, total)) / Decimal(total)
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
