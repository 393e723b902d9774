"""What an API key is and what it may be: scopes, the key's shape, the form's checks, the messages."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from introserv_app.domain.api_scopes import SCOPES
from introserv_app.domain.settings_rules import FieldError, parse_ip_rules, text
from introserv_app.domain.text import N_

KEY_PREFIX = "isk_"
NAME_MAX = 60
KEYS_PER_USER = 20
#: A key may be valid for at most this many days ahead.
EXPIRY_MAX_DAYS = 3 * 366
#: `last_used_at` is written at most this often per key (seconds), or when the address changes.
TOUCH_EVERY_SECONDS = 60

MSG_KEY_NAME = N_("Give the key a name (up to 60 characters), e.g. the script that uses it.")
MSG_KEY_SCOPES = N_("Choose at least one scope.")
MSG_KEY_EXPIRY = N_("The expiry must be a date after today, at most three years ahead (YYYY-MM-DD).")
MSG_KEY_TOO_MANY = N_("You have 20 API keys already: revoke one you no longer use first.")
MSG_KEY_NOT_FOUND = N_("API key not found.")
MSG_KEY_CUSTOMERS = N_("API keys are for customer accounts; staff accounts cannot have them.")
MSG_KEY_INVALID = N_("The API key is missing, unknown, revoked or expired.")
MSG_KEY_IP_LIST = N_("Write one address, range or CIDR per line.")
MSG_KEY_IP = N_("This API key may not be used from your address.")
MSG_ACCOUNT_IP = N_("Your account's IP restrictions do not allow your address.")
MSG_KEY_SCOPE = N_("This API key does not have the scope this request needs: {scope}.")


def new_key() -> tuple[str, str, str]:
    """(the whole key, shown once; its visible prefix; the hash kept)."""
    prefix = KEY_PREFIX + secrets.token_hex(4)
    key = f"{prefix}_{secrets.token_urlsafe(32)}"
    return key, prefix, key_hash(key)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def prefix_of(key: object) -> str | None:
    """The prefix of a well-formed key, else None."""
    if not isinstance(key, str) or len(key) > 120 or not key.startswith(KEY_PREFIX):
        return None
    prefix, sep, rest = key.partition("_")[2].partition("_")
    if not sep or len(prefix) != 8 or not rest:
        return None
    return KEY_PREFIX + prefix


def clean_name(raw: object) -> str:
    try:
        return text(raw, max_len=NAME_MAX, required=True)
    except FieldError:
        raise FieldError(MSG_KEY_NAME) from None


def clean_scopes(raw: object) -> tuple[str, ...]:
    values = raw if isinstance(raw, list | tuple) else []
    chosen = tuple(s for s in SCOPES if s in {v for v in values if isinstance(v, str)})
    if not chosen or any(not isinstance(v, str) or v not in SCOPES for v in values):
        raise FieldError(MSG_KEY_SCOPES)
    return chosen


def clean_ip_list(raw: object) -> str:
    """The normal form of an IP list (the IP restrictions' parser; its messages name the bad line)."""
    if raw is not None and not isinstance(raw, str):
        raise FieldError(MSG_KEY_IP_LIST)
    normal, _ = parse_ip_rules(raw or "")
    return normal


def clean_expiry(raw: object, today: date) -> date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = raw if isinstance(raw, date) else date.fromisoformat(str(raw).strip())
    except ValueError:
        raise FieldError(MSG_KEY_EXPIRY) from None
    if not today < value <= date.fromordinal(today.toordinal() + EXPIRY_MAX_DAYS):
        raise FieldError(MSG_KEY_EXPIRY)
    return value
