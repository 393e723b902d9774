"""YooKassa through its official SDK (roubles): payments confirmed by a redirect to YooKassa's page,
notifications believed only after the payment is fetched again from the API (YooKassa does not sign them),
refunds. `INTROSERV_YOOKASSA_API_BASE` points the SDK at another API address (the tests' local fake).

The SDK keeps its configuration in class attributes and sets no network timeout, so every call runs on a worker
thread with a deadline: a provider that does not answer in time is reported as unavailable."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from yookassa import Configuration
from yookassa import Payment as YooPayment
from yookassa import Refund as YooRefund

from introserv_app.domain.money import CURRENCY_EXPONENT, Money
from introserv_app.domain.payments import PaymentState
from introserv_app.services.billing._gateways.base import (
    BadNotification,
    Checkout,
    CheckoutRequest,
    Notification,
    ProviderUnavailable,
    RemotePayment,
)

DEADLINE_SECONDS = 20
#: The notification events acted on (each after fetching the payment again); others are acknowledged and ignored.
EVENTS = ("payment.succeeded", "payment.canceled", "payment.waiting_for_capture")
STATES = {
    "pending": PaymentState.PENDING,
    "waiting_for_capture": PaymentState.PENDING,
    "succeeded": PaymentState.SUCCEEDED,
    "canceled": PaymentState.CANCELED,
}
T = TypeVar("T")
_configure_lock = threading.Lock()
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="yookassa")


def _value(money: Money) -> str:
    return f"{money.amount:.{CURRENCY_EXPONENT[money.currency]}f}"


def _money(amount: Any) -> Money | None:
    try:
        value, currency = Decimal(str(amount.value)), str(amount.currency)
        return Money.from_decimal(value, currency) if currency in CURRENCY_EXPONENT else None
    except (AttributeError, InvalidOperation, ValueError):
        return None


def _remote(payment: Any) -> RemotePayment:
    metadata = getattr(payment, "metadata", None) or {}
    raw_id = metadata.get("payment_id") if isinstance(metadata, dict) else None
    refunded = getattr(payment, "refunded_amount", None)
    refunded_money = _money(refunded) if refunded is not None else None
    return RemotePayment(
        provider_ref=str(payment.id),
        state=STATES.get(str(payment.status), PaymentState.PENDING),
        amount=_money(payment.amount),
        refunded_minor=refunded_money.minor if refunded_money else 0,
        provider_payment_ref=str(payment.id),
        payment_id=int(raw_id) if isinstance(raw_id, str) and raw_id.isdigit() else None,
    )


class YooKassaGateway:
    name = "yookassa"

    def __init__(self, *, shop_id: str, secret_key: str, api_base: str = "") -> None:
        self._settings = {"account_id": shop_id, "secret_key": secret_key}
        self._api_base = api_base or "https://api.yookassa.ru/v3"

    def _call(self, fn: Callable[[], T]) -> T:
        def run() -> T:
            with _configure_lock:  # the SDK's configuration is global: set it for this shop and address
                Configuration.configure(**self._settings, api_url=self._api_base)
            return fn()

        try:
            return _pool.submit(run).result(timeout=DEADLINE_SECONDS)
        except FutureTimeout as exc:
            raise ProviderUnavailable("yookassa: no answer in time") from exc
        except Exception as exc:
            raise ProviderUnavailable(f"yookassa: {type(exc).__name__}") from exc

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        params = {
            "amount": {"value": _value(request.amount), "currency": request.amount.currency},
            "confirmation": {
                "type": "redirect",
                "return_url": request.return_url,
                "locale": "ru_RU" if request.lang == "ru" else "en_US",
            },
            "capture": True,
            "description": request.description[:128],
            "metadata": {"payment_id": str(request.payment_id)},
        }
        payment = self._call(lambda: YooPayment.create(params, request.idem_key))
        url = getattr(getattr(payment, "confirmation", None), "confirmation_url", None)
        if not url:
            raise ProviderUnavailable("yookassa: no confirmation URL")
        return Checkout(provider_ref=str(payment.id), url=str(url))

    def parse_notification(self, body: bytes, headers: Mapping[str, str]) -> Notification:
        try:
            data = json.loads(body)
            event, obj = str(data["event"]), data["object"]
            ref = str(obj["id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise BadNotification("malformed notification") from exc
        if event not in EVENTS:
            return Notification(event_id=f"{event}:{ref}", event_type=event, remote=None)
        try:
            remote = self.fetch(ref)  # what the API says, not what the request claims
        except ProviderUnavailable as exc:
            raise BadNotification("the payment could not be fetched from YooKassa") from exc
        return Notification(event_id=f"{event}:{ref}", event_type=event, remote=remote)

    def fetch(self, provider_ref: str) -> RemotePayment:
        return _remote(self._call(lambda: YooPayment.find_one(provider_ref)))

    def refund(self, *, provider_ref: str, provider_payment_ref: str | None, amount: Money, idem_key: str) -> str:
        params = {"payment_id": provider_ref, "amount": {"value": _value(amount), "currency": amount.currency}}
        refund = self._call(lambda: YooRefund.create(params, idem_key))
        if str(getattr(refund, "status", "")) == "canceled":
            raise ProviderUnavailable("yookassa: the refund was canceled")
        return str(refund.id)
