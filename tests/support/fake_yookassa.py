"""A local fake of the part of YooKassa's API v3 the panel uses, for the official `yookassa` SDK to talk to
(`INTROSERV_YOOKASSA_API_BASE`): payments with a redirect confirmation (created once per Idempotence-Key,
fetched), refunds; HTTP Basic authentication with the shop id and secret key, as YooKassa checks it."""

from __future__ import annotations

import base64
import json
import uuid
from decimal import Decimal
from typing import Any

from tests.support.fake_api import FakeApi

SHOP_ID = "123456"
SECRET_KEY = "test_fake_yookassa_key"


class FakeYooKassa(FakeApi):
    def __init__(self) -> None:
        self.payments: dict[str, dict[str, Any]] = {}
        self.refunds: list[dict[str, Any]] = []
        self._idem: dict[str, tuple[int, dict[str, Any]]] = {}
        super().__init__()

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        expected = "Basic " + base64.b64encode(f"{SHOP_ID}:{SECRET_KEY}".encode()).decode()
        if headers.get("Authorization") != expected:
            return 401, {"type": "error", "code": "invalid_credentials", "description": "Authentication failed"}
        if method == "GET" and path.startswith("/v3/payments/"):
            found = self.payments.get(path.rsplit("/", 1)[1])
            return (200, found) if found else (404, {"type": "error", "code": "not_found"})
        key = headers.get("Idempotence-Key", "")
        if key in self._idem:
            return self._idem[key]
        data = json.loads(body or b"{}")
        if path == "/v3/payments":
            result = (200, self._create(data))
        elif path == "/v3/refunds":
            result = self._refund(data)
        else:
            return 404, {"type": "error", "code": "not_found"}
        self._idem[key] = result
        return result

    def _create(self, data: dict[str, Any]) -> dict[str, Any]:
        pid = str(uuid.uuid4())
        payment = {
            "id": pid,
            "status": "pending",
            "paid": False,
            "amount": data["amount"],
            "confirmation": {
                "type": "redirect",
                "return_url": data["confirmation"]["return_url"],
                "confirmation_url": f"{self.base}/checkout/{pid}",
            },
            "created_at": "2026-12-03T10:00:00.000Z",
            "description": data.get("description", ""),
            "metadata": data.get("metadata", {}),
            "recipient": {"account_id": SHOP_ID, "gateway_id": "1"},
            "refundable": False,
            "test": True,
        }
        self.payments[pid] = payment
        return payment

    def _refund(self, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        payment = self.payments.get(data.get("payment_id", ""))
        amount = Decimal(data["amount"]["value"])
        done = sum(Decimal(r["amount"]["value"]) for r in self.refunds if r["payment_id"] == data.get("payment_id"))
        if payment is None or payment["status"] != "succeeded" or done + amount > Decimal(payment["amount"]["value"]):
            return 400, {"type": "error", "code": "invalid_request", "description": "Refund is not possible"}
        refund = {"id": str(uuid.uuid4()), "payment_id": payment["id"], "status": "succeeded",
                  "amount": data["amount"], "created_at": "2026-12-03T10:05:00.000Z"}  # fmt: skip
        self.refunds.append(refund)
        payment["refunded_amount"] = {"value": f"{done + amount:.2f}", "currency": data["amount"]["currency"]}
        return 200, refund

    def pay(self, pid: str) -> None:
        self.payments[pid].update(status="succeeded", paid=True, refundable=True)

    def cancel(self, pid: str) -> None:
        self.payments[pid].update(
            status="canceled", cancellation_details={"party": "yoo_money", "reason": "expired_on_confirmation"}
        )

    def notification(self, event: str, pid: str, **overrides: Any) -> bytes:
        """The body YooKassa POSTs (not signed); `overrides` change what the body claims about the payment."""
        return json.dumps(
            {"type": "notification", "event": event, "object": {**self.payments[pid], **overrides}}
        ).encode()

    def payment_of(self, payment_id: int) -> dict[str, Any]:
        return next(p for p in self.payments.values() if p["metadata"].get("payment_id") == str(payment_id))
