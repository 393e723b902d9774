"""Reflex configuration. Our own settings come from INTROSERV_* variables (introserv_app/config.py)."""

import os

import reflex as rx

from introserv_app.web.tab_token import SecureTabTokens

_base_url = (os.environ.get("INTROSERV_BASE_URL", "").strip() or "http://localhost:3000").rstrip("/")
_port = int(os.environ.get("INTROSERV_PORT", "3000"))

config = rx.Config(
    app_name="introserv_app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=_port,
    backend_port=_port,
    # Reflex's Redis state manager for several workers (optional; the embedded mode keeps state in memory).
    redis_url=os.environ.get("INTROSERV_REDIS_URL", "").strip() or None,
    # The websocket and the routes accept only the panel's own origin.
    cors_allowed_origins=[_base_url],
    # X-Forwarded-For is trusted only through this many reverse proxies (0: use the socket peer).
    trusted_proxy_hops=int(os.environ.get("INTROSERV_TRUSTED_PROXY_HOPS", "0") or 0),
    plugins=[
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium")),
        # Tab tokens from crypto.getRandomValues instead of Math.random (introserv_app/web/tab_token.py).
        SecureTabTokens(),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
