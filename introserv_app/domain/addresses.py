"""The client's address, the one rule for the websocket's events and the HTTP routes alike."""

from __future__ import annotations


def client_address(peer: str, forwarded_for: str, trusted_hops: int) -> str:
    """The socket peer; behind `trusted_hops` reverse proxies (INTROSERV_TRUSTED_PROXY_HOPS), the address the
    outermost trusted proxy saw, read from the right of `X-Forwarded-For` (anything further left is whatever
    the client claimed, and is never trusted)."""
    if trusted_hops > 0:
        forwarded = [part.strip() for part in (forwarded_for or "").split(",") if part.strip()]
        if len(forwarded) >= trusted_hops:
            return forwarded[-trusted_hops]
    return peer or ""
