"""The signed token of a newsletter's one-click unsubscribe link (the user; HMAC with the secret key). It needs no
sign-in and does not expire: it can only ever turn the newsletter off for the account it names."""

from __future__ import annotations

import hashlib
import hmac

from introserv_app.config import get_settings


def _sign(payload: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"unsubscribe:" + payload.encode(), hashlib.sha256).hexdigest()[:32]


def make_token(user_id: int) -> str:
    return f"{user_id}.{_sign(str(user_id))}"


def user_of(token: str) -> int | None:
    """The user a genuine token names; None for anything else."""
    uid, _, mac = (token or "").partition(".")
    if not (uid.isascii() and uid.isdigit() and len(uid) <= 12 and len(mac) == 32 and mac.isascii()):
        return None
    if not hmac.compare_digest(mac, _sign(uid)):
        return None
    return int(uid)


def unsubscribe_url(user_id: int) -> str:
    return f"{get_settings().base_url}/unsubscribe/{make_token(user_id)}"
