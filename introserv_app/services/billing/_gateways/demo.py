"""The bundled demo provider: a hosted checkout page served by the panel (pay, decline, leave), notifications
signed like Stripe's (`t=<unix>,v1=<HMAC-SHA256>`), and its own records in `demo_checkouts` (what a real
provider keeps on its servers). `make run` walks the same redirect → notification path as a real provider."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import DemoCheckout
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

SIGNATURE_HEADER = "demo-signature"
TOLERANCE_SECONDS = 300
#: The demo checkout's states and what they mean as a payment.
STATES = {
    "open": PaymentState.PENDING,
    "paid": PaymentState.SUCCEEDED,
    "declined": PaymentState.FAILED,
    "left": PaymentState.CANCELED,
}
ACTIONS = {"pay": "paid", "decline": "declined", "leave": "left"}


def _secret() -> bytes:
    return hmac.new(get_settings().secret_key.encode(), b"demo-provider-webhooks", hashlib.sha256).digest()


def sign(body: bytes, at: int | None = None) -> str:
    """The signature header of a notification body (the scheme of Stripe's `Stripe-Signature`)."""
    stamp = int(time.time()) if at is None else at
    mac = hmac.new(_secret(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


def verify(body: bytes, header: str | None, now: float | None = None) -> None:
    parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
    stamp = parts.get("t", "")
    if not stamp.isdigit() or abs((now or time.time()) - int(stamp)) > TOLERANCE_SECONDS:
        raise BadNotification("missing or stale timestamp")
    expected = hmac.new(_secret(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, parts.get("v1", "")):
        raise BadNotification("bad signature")


def _remote(row: DemoCheckout) -> RemotePayment:
    return RemotePayment(
        provider_ref=row.ref,
        state=STATES.get(row.state, PaymentState.PENDING),
        amount=Money(row.amount_minor, row.currency),
        refunded_minor=row.refunded_minor,
        provider_payment_ref=row.ref,
        payment_id=row.payment_id,
    )


def notification_body(row: DemoCheckout, event_type: str) -> bytes:
    remote = _remote(row)
    return json.dumps(
        {
            "id": f"evt_{secrets.token_hex(12)}",
            "type": event_type,
            "checkout": {
                "ref": remote.provider_ref,
                "state": row.state,
                "amount_minor": row.amount_minor,
                "currency": row.currency,
                "refunded_minor": row.refunded_minor,
                "payment_id": row.payment_id,
            },
        },
        separators=(",", ":"),
    ).encode()


class DemoGateway:
    name = "demo"

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        ref = f"demo_{secrets.token_urlsafe(24)}"
        with session_scope() as session:
            session.add(
                DemoCheckout(
                    ref=ref,
                    amount_minor=request.amount.minor,
                    currency=request.amount.currency,
                    description=request.description[:255],
                    payment_id=request.payment_id,
                    return_url=request.return_url,
                    cancel_url=request.cancel_url,
                )
            )
        return Checkout(provider_ref=ref, url=f"{get_settings().base_url}/checkout/demo/{ref}?lang={request.lang}")

    def parse_notification(self, body: bytes, headers: Mapping[str, str]) -> Notification:
        verify(body, headers.get(SIGNATURE_HEADER))
        try:
            data = json.loads(body)
            checkout = data["checkout"]
            remote = RemotePayment(
                provider_ref=str(checkout["ref"]),
                state=STATES[checkout["state"]],
                amount=Money(int(checkout["amount_minor"]), str(checkout["currency"])),
                refunded_minor=int(checkout["refunded_minor"]),
                provider_payment_ref=str(checkout["ref"]),
                payment_id=int(checkout["payment_id"]),
            )
            return Notification(event_id=str(data["id"]), event_type=str(data["type"]), remote=remote)
        except (ValueError, KeyError, TypeError) as exc:
            raise BadNotification("malformed notification") from exc

    def fetch(self, provider_ref: str) -> RemotePayment:
        with session_scope() as session:
            row = session.get(DemoCheckout, provider_ref)
            if row is None:
                raise ProviderUnavailable("no such demo checkout")
            return _remote(row)

    def refund(self, *, provider_ref: str, provider_payment_ref: str | None, amount: Money, idem_key: str) -> str:
        with session_scope() as session:
            row = session.get(DemoCheckout, provider_ref, with_for_update=True)
            if row is None or row.state != "paid" or row.refunded_minor + amount.minor > row.amount_minor:
                raise ProviderUnavailable("the demo provider refused the refund")
            row.refunded_minor += amount.minor
        return f"re_{idem_key[-24:]}"


@dataclass(frozen=True)
class DemoCheckoutView:
    ref: str
    amount: Money
    description: str
    state: str


def demo_checkout(ref: str) -> DemoCheckoutView | None:
    """The demo provider's hosted page: what is being paid (None: no such checkout)."""
    if not isinstance(ref, str) or not ref.startswith("demo_") or len(ref) > 64:
        return None
    with session_scope() as session:
        row = session.get(DemoCheckout, ref)
        if row is None:
            return None
        return DemoCheckoutView(row.ref, Money(row.amount_minor, row.currency), row.description, row.state)


def demo_act(ref: str, action: str, deliver: Callable[[bytes, dict[str, str]], object]) -> str | None:
    """The customer's choice on the demo page: the checkout changes (once), its notification is signed and
    handed to `deliver` (the panel's webhook handler, as a real provider would POST it), and the address to
    send the customer back to is returned (None: no such open checkout)."""
    new_state = ACTIONS.get(action)
    if new_state is None or demo_checkout(ref) is None:
        return None
    with session_scope() as session:
        row = session.get(DemoCheckout, ref, with_for_update=True)
        assert row is not None
        if row.state == "open":
            row.state = new_state
        body = notification_body(row, f"checkout.{row.state}")
        back = row.cancel_url if row.state == "left" else row.return_url
    if row.state != "open":
        deliver(body, {SIGNATURE_HEADER: sign(body)})
    return back
