"""Reflex's event socket answers only the panel's own pages.

Engine.IO checks a *present* Origin header against `cors_allowed_origins` (the base URL, rxconfig.py) but
lets a connection without one through. Browsers always send Origin on a websocket handshake, so a missing
one is a script or a tool, never a tab of the panel: it is refused here, before Socket.IO sees it, like a
foreign one. (The load generator and the tests send the panel's origin.)
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from introserv_app.config import get_settings

log = logging.getLogger("introserv")

EVENT_PATH = "/_event"


def _origin(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"origin":
            return bytes(value).decode("latin-1")
    return None


def require_socket_origin(app: ASGIApp) -> ASGIApp:
    """Wrap the backend: requests to the event socket without the panel's Origin are refused (403)."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> Any:
        if scope["type"] in ("http", "websocket") and str(scope.get("path", "")).startswith(EVENT_PATH):
            origin = _origin(scope)
            if origin is None or origin.rstrip("/") != get_settings().base_url:
                log.warning("event socket refused: origin %r", (origin or "none")[:100])
                if scope["type"] == "websocket":
                    await receive()  # websocket.connect
                    await send({"type": "websocket.close", "code": 1008})
                    return None
                return await PlainTextResponse("Forbidden", status_code=403)(scope, receive, send)
        return await app(scope, receive, send)

    return guarded
