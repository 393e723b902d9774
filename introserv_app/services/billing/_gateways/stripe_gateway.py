"""Stripe through its official SDK: Checkout Sessions (hosted page), webhooks verified with the endpoint secret
(`Stripe-Signature`, 5 minutes' tolerance), sessions retrieved for reconciliation, refunds on the PaymentIntent.
`INTROSERV_STRIPE_API_BASE` points the SDK at another API address (the tests' local fake)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import stripe

from introserv_app.domain.money import Money
from introserv_app.domain.payments import PaymentState
from introserv_app.services.billing._gateways.base import (
    BadNotification,
    Checkout,
    CheckoutRequest,
    Notification,
    ProviderUnavailable,
    RemotePayment,
)

TOLERANCE_SECONDS = 300
TIMEOUT_SECONDS = 15
#: The events acted on; any other type is acknowledged and ignored.
SESSION_EVENTS = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
)
REFUND_EVENT = "charge.refunded"


def _field(obj: Any, name: str) -> Any:
    try:
        return obj[name]
    except (KeyError, TypeError):
        return None


def _payment_id(obj: Any) -> int | None:
    raw = _field(_field(obj, "metadata") or {}, "payment_id") or _field(obj, "client_reference_id")
    return int(raw) if isinstance(raw, str) and raw.isdigit() else None


def _session_state(obj: Any) -> PaymentState:
    status, paid = _field(obj, "status"), _field(obj, "payment_status")
    if paid in ("paid", "no_payment_required"):
        return PaymentState.SUCCEEDED
    if status == "expired":
        return PaymentState.EXPIRED
    return PaymentState.PENDING


def _money(minor: Any, currency: Any) -> Money | None:
    if isinstance(minor, int) and isinstance(currency, str) and len(currency) == 3:
        return Money(minor, currency.upper())
    return None


def _remote_session(obj: Any, state: PaymentState | None = None) -> RemotePayment:
    intent = _field(obj, "payment_intent")
    return RemotePayment(
        provider_ref=str(_field(obj, "id")),
        state=state or _session_state(obj),
        amount=_money(_field(obj, "amount_total"), _field(obj, "currency")),
        provider_payment_ref=intent if isinstance(intent, str) else _field(intent, "id"),
        payment_id=_payment_id(obj),
    )


class StripeGateway:
    name = "stripe"

    def __init__(self, *, secret_key: str, webhook_secret: str, api_base: str = "") -> None:
        self._webhook_secret = webhook_secret
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=1,
            http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
        )

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.amount.currency.lower(),
                        "unit_amount": request.amount.minor,
                        "product_data": {"name": request.description[:250]},
                    },
                }
            ],
            "success_url": request.return_url,
            "cancel_url": request.cancel_url,
            "client_reference_id": str(request.payment_id),
            "metadata": {"payment_id": str(request.payment_id)},
            "payment_intent_data": {"metadata": {"payment_id": str(request.payment_id)}},
            "locale": "ru" if request.lang == "ru" else "en",
        }
        if request.customer_email:
            params["customer_email"] = request.customer_email
        try:
            session = self._client.checkout.sessions.create(params, {"idempotency_key": request.idem_key})  # type: ignore[arg-type]
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"stripe: {type(exc).__name__}") from exc
        if not session.url:
            raise ProviderUnavailable("stripe: the session has no URL")
        return Checkout(provider_ref=session.id, url=session.url)

    def parse_notification(self, body: bytes, headers: Mapping[str, str]) -> Notification:
        try:
            event = self._client.construct_event(
                body, headers.get("stripe-signature"), self._webhook_secret, TOLERANCE_SECONDS
            )
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise BadNotification(type(exc).__name__) from exc
        obj = event.data.object
        if event.type in SESSION_EVENTS:
            forced = PaymentState.FAILED if event.type.endswith("async_payment_failed") else None
            return Notification(event_id=event.id, event_type=event.type, remote=_remote_session(obj, forced))
        if event.type == REFUND_EVENT:
            intent = _field(obj, "payment_intent")
            remote = RemotePayment(
                provider_ref="",
                state=PaymentState.SUCCEEDED,
                amount=_money(_field(obj, "amount"), _field(obj, "currency")),
                refunded_minor=_field(obj, "amount_refunded"),
                provider_payment_ref=intent if isinstance(intent, str) else None,
                payment_id=_payment_id(obj),
            )
            return Notification(event_id=event.id, event_type=event.type, remote=remote, by_payment_ref=True)
        return Notification(event_id=event.id, event_type=event.type, remote=None)

    def fetch(self, provider_ref: str) -> RemotePayment:
        try:
            return _remote_session(self._client.checkout.sessions.retrieve(provider_ref))
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"stripe: {type(exc).__name__}") from exc

    def refund(self, *, provider_ref: str, provider_payment_ref: str | None, amount: Money, idem_key: str) -> str:
        if not provider_payment_ref:
            raise ProviderUnavailable("stripe: the payment has no PaymentIntent to refund")
        try:
            refund = self._client.refunds.create(
                {"payment_intent": provider_payment_ref, "amount": amount.minor}, {"idempotency_key": idem_key}
            )
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"stripe: {type(exc).__name__}") from exc
        return str(refund.id)
