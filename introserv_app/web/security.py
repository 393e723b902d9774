"""What every HTTP route shares: the no-store headers, the client's address and the cross-site test."""

from __future__ import annotations

from starlette.requests import Request

from introserv_app.config import get_settings
from introserv_app.domain.addresses import client_address

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def peer_ip(request: Request) -> str:
    """The client's address (`domain.addresses.client_address`: X-Forwarded-For only through trusted proxies)."""
    peer = request.client.host if request.client else ""
    # Every X-Forwarded-For line, in order: a proxy that adds a line of its own must not leave the client's first.
    forwarded = ", ".join(request.headers.getlist("x-forwarded-for"))
    return client_address(peer, forwarded, get_settings().trusted_proxy_hops)


def cross_site(request: Request) -> bool:
    """A request a browser sent on behalf of another site (or from an opaque origin). Browsers say so in
    `Sec-Fetch-Site` and, for a POST, in `Origin`; a client that sends neither is not a browser acting for a
    page elsewhere, and gets no further than its own credentials allow."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site != "same-origin":
        return True
    origin = request.headers.get("origin")
    return origin is not None and origin.rstrip("/") != get_settings().base_url
