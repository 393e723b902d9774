"""A local fake of the part of Stripe's API the panel uses, for the official `stripe` SDK to talk to
(`INTROSERV_STRIPE_API_BASE`): Checkout Sessions (create with an idempotency key, retrieve), refunds, and
webhook events signed exactly as Stripe signs them (`Stripe-Signature: t=<unix>,v1=<HMAC-SHA256 of
"<t>.<raw body>" with the endpoint secret>`)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any
from urllib.parse import parse_qsl

from tests.support.fake_api import FakeApi

WEBHOOK_SECRET = "whsec_test_" + "0" * 24
API_KEY = "sk_test_fake"


def stripe_signature(body: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    stamp = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


class FakeStripe(FakeApi):
    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}
        self.refunds: list[dict[str, Any]] = []
        self._idem: dict[str, tuple[int, dict[str, Any]]] = {}
        super().__init__()

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        if method == "GET":
            found = (
                self.sessions.get(path.split("?")[0].rsplit("/", 1)[1])
                if path.startswith("/v1/checkout/sessions/")
                else None
            )
            if found is not None:
                return 200, found
            return 404, {"error": {"type": "invalid_request_error", "message": "No such session"}}
        key = headers.get("Idempotency-Key")
        if key and key in self._idem:
            return self._idem[key]
        form = dict(parse_qsl(body.decode(), keep_blank_values=True))
        if path == "/v1/checkout/sessions":
            result: tuple[int, dict[str, Any]] = (200, self._create_session(form))
        elif path == "/v1/refunds":
            refund = self._refund(form)
            result = (400 if "error" in refund else 200, refund)
        else:
            return 404, {"error": {"type": "invalid_request_error", "message": "unknown"}}
        if key:
            self._idem[key] = result
        return result

    # ---- the API -------------------------------------------------------------------------------------------------

    def _create_session(self, form: dict[str, str]) -> dict[str, Any]:
        sid = "cs_test_" + secrets.token_hex(12)
        session = {
            "id": sid,
            "object": "checkout.session",
            "url": f"{self.base}/checkout/{sid}",
            "status": "open",
            "payment_status": "unpaid",
            "mode": form.get("mode"),
            "amount_total": int(form["line_items[0][price_data][unit_amount]"]),
            "currency": form["line_items[0][price_data][currency]"],
            "client_reference_id": form.get("client_reference_id"),
            "metadata": {"payment_id": form.get("metadata[payment_id]")},
            "success_url": form.get("success_url"),
            "cancel_url": form.get("cancel_url"),
            "customer_email": form.get("customer_email"),
            "payment_intent": None,
        }
        self.sessions[sid] = session
        return session

    def _refund(self, form: dict[str, str]) -> dict[str, Any]:
        intent, amount = form.get("payment_intent"), int(form.get("amount") or 0)
        session = next((s for s in self.sessions.values() if s["payment_intent"] == intent), None)
        done = sum(r["amount"] for r in self.refunds if r["payment_intent"] == intent)
        if session is None or done + amount > session["amount_total"]:
            return {"error": {"type": "invalid_request_error", "message": "Refund exceeds the charge"}}
        refund = {"id": "re_" + secrets.token_hex(10), "object": "refund", "amount": amount,
                  "payment_intent": intent, "status": "succeeded", "currency": session["currency"]}  # fmt: skip
        self.refunds.append(refund)
        return refund

    # ---- what the customer does on Stripe's page, and the events Stripe sends --------------------------------------

    def pay(self, session_id: str) -> None:
        session = self.sessions[session_id]
        session.update(status="complete", payment_status="paid", payment_intent="pi_" + secrets.token_hex(10))

    def expire(self, session_id: str) -> None:
        self.sessions[session_id].update(status="expired")

    def event(self, event_type: str, obj: dict[str, Any], event_id: str | None = None) -> bytes:
        return json.dumps(
            {
                "id": event_id or "evt_" + secrets.token_hex(12),
                "object": "event",
                "api_version": "2025-01-01",
                "created": int(time.time()),
                "type": event_type,
                "livemode": False,
                "pending_webhooks": 1,
                "request": {"id": None, "idempotency_key": None},
                "data": {"object": dict(obj)},
            }
        ).encode()

    def session_of_payment(self, payment_id: int) -> dict[str, Any]:
        return next(s for s in self.sessions.values() if s["metadata"]["payment_id"] == str(payment_id))
