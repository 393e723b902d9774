"""The signed token of a newsletter's one-click unsubscribe link: the user and the newsletter the mail carried (HMAC
with the secret key). It needs no sign-in and does not expire: it can only ever turn the newsletter off for the
account it names; the newsletter only says, in the audit log, which mail the customer left from."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from introserv_app.config import get_settings


@dataclass(frozen=True)
class UnsubscribeLink:
    user_id: int
    newsletter_id: int | None  # None: a link without a newsletter (the first form of the token, `<user>.<mac>`)


def _sign(payload: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"unsubscribe:" + payload.encode(), hashlib.sha256).hexdigest()[:32]


def make_token(user_id: int, newsletter_id: int | None = None) -> str:
    payload = str(user_id) if newsletter_id is None else f"{user_id}.{newsletter_id}"
    return f"{payload}.{_sign(payload)}"


def _number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 12


def link_of(token: str) -> UnsubscribeLink | None:
    """What a genuine token names; None for anything else (forged, changed, cut or malformed)."""
    payload, _, mac = (token or "").rpartition(".")
    parts = payload.split(".")
    if not (1 <= len(parts) <= 2 and all(_number(p) for p in parts) and len(mac) == 32 and mac.isascii()):
        return None
    if not hmac.compare_digest(mac, _sign(payload)):
        return None
    return UnsubscribeLink(int(parts[0]), int(parts[1]) if len(parts) == 2 else None)


def user_of(token: str) -> int | None:
    """The user a genuine token names; None for anything else."""
    link = link_of(token)
    return None if link is None else link.user_id


def unsubscribe_url(user_id: int, newsletter_id: int | None = None) -> str:
    return f"{get_settings().base_url}/unsubscribe/{make_token(user_id, newsletter_id)}"
