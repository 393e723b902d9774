"""The interface every payment provider implements: made for redirect flows (a hosted checkout, a notification
later, a state that can be asked for, refunds). Calls to a provider never run inside a database transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from introserv_app.domain.money import Money
from introserv_app.domain.payments import PaymentState
from introserv_app.domain.text import N_

MSG_PROVIDER_DOWN = N_("The payment provider is not answering. Nothing was charged; please try again in a minute.")


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered with an error: nothing is known to have happened."""


class BadNotification(Exception):
    """A notification whose signature (or origin) does not check out: it is refused and nothing is written."""


@dataclass(frozen=True)
class CheckoutRequest:
    payment_id: int
    amount: Money
    description: str
    return_url: str
    cancel_url: str
    customer_email: str
    #: The provider's idempotency key: a retried request makes no second checkout.
    idem_key: str
    lang: str = "en"


@dataclass(frozen=True)
class Checkout:
    provider_ref: str
    url: str


@dataclass(frozen=True)
class RemotePayment:
    """A payment as its provider sees it."""

    provider_ref: str
    state: PaymentState
    amount: Money | None = None
    refunded_minor: int | None = None
    provider_payment_ref: str | None = None
    #: Our payment id, when the provider carries it (metadata).
    payment_id: int | None = None


@dataclass(frozen=True)
class Notification:
    """A verified notification. `remote` is None for an event type we do not act on (acknowledged, ignored)."""

    event_id: str
    event_type: str
    remote: RemotePayment | None
    #: A refund notification names the money movement rather than the checkout.
    by_payment_ref: bool = False


class Gateway(Protocol):
    name: str

    def create_checkout(self, request: CheckoutRequest) -> Checkout: ...

    def parse_notification(self, body: bytes, headers: Mapping[str, str]) -> Notification: ...

    def fetch(self, provider_ref: str) -> RemotePayment: ...

    def refund(self, *, provider_ref: str, provider_payment_ref: str | None, amount: Money, idem_key: str) -> str: ...
