"""A local fake of the part of Stripe's API the panel uses, for the official `stripe` SDK to talk to
(`INTROSERV_STRIPE_API_BASE`): Checkout Sessions (create with an idempotency key, retrieve), refunds, and
webhook events signed exactly as Stripe signs them (`Stripe-Signature: t=<unix>,v1=<HMAC-SHA256 of
"<t>.<raw body>" with the endpoint secret>`)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

WEBHOOK_SECRET = "whsec_test_" + "0" * 24
API_KEY = "sk_test_fake"


def stripe_signature(body: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    stamp = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


class FakeStripe:
    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}
        self.refunds: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str]] = []
        self._idem: dict[str, bytes] = {}
        self.down = False  # answer 500 to everything (a provider outage)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: dict[str, Any] | bytes) -> None:
                body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Request-Id", "req_" + secrets.token_hex(6))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                fake.requests.append(("GET", self.path))
                if fake.down:
                    return self._send(500, {"error": {"type": "api_error", "message": "down"}})
                if self.path.startswith("/v1/checkout/sessions/"):
                    found = fake.sessions.get(self.path.rsplit("/", 1)[1].split("?")[0])
                    if found is not None:
                        return self._send(200, found)
                return self._send(404, {"error": {"type": "invalid_request_error", "message": "No such session"}})

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                form = dict(parse_qsl(raw.decode(), keep_blank_values=True))
                fake.requests.append(("POST", self.path))
                if fake.down:
                    return self._send(500, {"error": {"type": "api_error", "message": "down"}})
                key = self.headers.get("Idempotency-Key")
                with fake._lock:
                    if key and key in fake._idem:
                        return self._send(200, fake._idem[key])
                    if self.path == "/v1/checkout/sessions":
                        result = fake._create_session(form)
                    elif self.path == "/v1/refunds":
                        result = fake._refund(form)
                        if "error" in result:
                            return self._send(400, result)
                    else:
                        return self._send(404, {"error": {"type": "invalid_request_error", "message": "unknown"}})
                    body = json.dumps(result).encode()
                    if key:
                        fake._idem[key] = body
                return self._send(200, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

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
