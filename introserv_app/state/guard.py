"""Server-side session checks for event handlers.

The Reflex tab token is not a credential: every handler resolves the viewer from the HttpOnly
session cookie of the websocket handshake (`router.headers.cookie`, never sent to the browser).
"""

from __future__ import annotations

import reflex as rx

from introserv_app.db.session import session_scope
from introserv_app.services.auth import Viewer, resolve_session, token_from_cookie_header


def client_ip(state: rx.State) -> str:
    """The socket peer (X-Forwarded-For only through `trusted_proxy_hops` in rxconfig)."""
    return state.router.session.client_ip or ""


def current_viewer(state: rx.State) -> Viewer | None:
    """The logged-in viewer of this event, or None."""
    token = token_from_cookie_header(state.router.headers.cookie)
    if not token:
        return None
    with session_scope() as session:
        return resolve_session(session=session, token=token, ip=client_ip(state))


def page_from_url(state: rx.State) -> int:
    """The `page` query parameter of the page being loaded (1 when missing or not a small number)."""
    raw = (dict(state.router.url.query_parameters) if state.router.url else {}).get("page")
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) <= 6 else 1
