"""The signed token of a pay link (invoice, owner, expiry; HMAC with the secret key): made here so that billing
(which checks it) and messaging (which puts pay links into mails) share one definition."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from introserv_app.config import get_settings


def sign(payload: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"paylink:" + payload.encode(), hashlib.sha256).hexdigest()


def make_token(*, invoice_id: int, user_id: int, expires_at: datetime) -> str:
    payload = f"{invoice_id}.{user_id}.{int(expires_at.timestamp())}"
    return f"{payload}.{sign(payload)}"


def pay_link_url(*, invoice_id: int, user_id: int, now: datetime) -> str:
    """A pay link valid for `INTROSERV_PAY_LINK_DAYS` from `now`."""
    settings = get_settings()
    expires = now + timedelta(days=settings.pay_link_days)
    return f"{settings.base_url}/pay?t={make_token(invoice_id=invoice_id, user_id=user_id, expires_at=expires)}"


def invoice_page_url(number: str) -> str:
    """The invoice in the panel (after sign-in)."""
    return f"{get_settings().base_url}/invoices?status=unpaid&number={number}"


def pay_url(*, invoice_id: int, user_id: int, number: str, links_allowed: bool, now: datetime) -> str:
    """Where a mail's pay button goes: the invoice's pay link when its owner allows payment without signing in
    ("Payment Without Authorization"), otherwise the invoice in the panel (after sign-in)."""
    if links_allowed:
        return pay_link_url(invoice_id=invoice_id, user_id=user_id, now=now)
    return invoice_page_url(number)
