"""API keys: a customer's keys for the REST API (create with scopes, an IP list and an expiry; the secret shown once
and kept as a hash; list with last use; revoke), who a request's key belongs to (`authenticate`: the account's
own IP restrictions apply too; refusals audited) and what it may do (`require_scope`). Staff list and revoke a
customer's keys; a key never belongs to staff. Imports services.common only. A new kind of key or scope goes here."""

from __future__ import annotations

# Readers: view data for screens.
from ._readers.keys import KeyLine, api_keys

# Vocabulary: values, limits and messages.
from ._rules import (
    KEYS_PER_USER,
    MSG_KEY_CUSTOMERS,
    MSG_KEY_INVALID,
    MSG_KEY_NOT_FOUND,
    MSG_KEY_SCOPE,
    SCOPES,
    prefix_of,
)

# Writers: commands that change data.
from ._writers.keys import KeyFormInvalid, NewKey, create_key, create_key_for, revoke_by_prefix, revoke_key
from ._writers.use import ApiCaller, ApiRefused, authenticate, require_scope, touch_key

__all__ = [
    "KEYS_PER_USER",
    "MSG_KEY_CUSTOMERS",
    "MSG_KEY_INVALID",
    "MSG_KEY_NOT_FOUND",
    "MSG_KEY_SCOPE",
    "SCOPES",
    "ApiCaller",
    "ApiRefused",
    "KeyFormInvalid",
    "KeyLine",
    "NewKey",
    "api_keys",
    "authenticate",
    "create_key",
    "create_key_for",
    "prefix_of",
    "require_scope",
    "revoke_by_prefix",
    "revoke_key",
    "touch_key",
]
