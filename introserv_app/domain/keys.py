"""Idempotency keys: one per user action (a dialog or a form when it opens), so that a double submit or a
retry after a lost answer posts, charges or orders once (services look the key up before they act)."""

from __future__ import annotations

import secrets

#: The longest key a service accepts (`billing.check_idem_key`).
IDEM_KEY_MAX = 64


def new_idem_key(purpose: str) -> str:
    """`<purpose>-<128 random bits in hex>`, e.g. `topup-3f2a…`; `purpose` names the action (a few letters)."""
    if not purpose.isascii() or not purpose.replace("_", "").isalnum() or len(purpose) > 16:
        raise ValueError(f"an idempotency key's purpose is a short ASCII word, not {purpose!r}")
    return f"{purpose}-{secrets.token_hex(16)}"
