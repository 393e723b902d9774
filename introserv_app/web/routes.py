"""HTTP routes: the login ticket exchange (sets the HttpOnly session cookie), logout, health."""

from __future__ import annotations

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from introserv_app.config import get_settings
from introserv_app.db.session import get_engine, session_scope
from introserv_app.services.auth import SESSION_COOKIE, complete_login
from introserv_app.state.login import safe_next

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _peer_ip(request: Request) -> str:
    """The socket peer; X-Forwarded-For only from the configured number of trusted proxies."""
    peer = request.client.host if request.client else ""
    hops = get_settings().trusted_proxy_hops
    if hops:
        forwarded = [p.strip() for p in request.headers.get("x-forwarded-for", "").split(",") if p.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return peer


async def auth_complete(request: Request) -> Response:
    """GET /auth/complete?ticket=...&next=/path : one-time ticket -> session cookie -> full page load."""
    ticket = request.query_params.get("ticket", "")
    next_path = safe_next(request.query_params.get("next", "/"))
    with session_scope() as session:
        token = complete_login(session=session, ticket=ticket, ip=_peer_ip(request))
    if token is None:
        return RedirectResponse("/login", status_code=303, headers=NO_STORE)
    settings = get_settings()
    response = RedirectResponse(next_path, status_code=303, headers=NO_STORE)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_absolute_hours * 3600,
        path="/",
        httponly=True,
        secure=settings.cookie_secure,
        samesite="strict",
    )
    return response


async def auth_logout(request: Request) -> Response:
    """GET /auth/logout : the session row was revoked by the event handler; drop the cookie here."""
    response = RedirectResponse("/login", status_code=303, headers=NO_STORE)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, secure=get_settings().cookie_secure, samesite="strict"
    )
    return response


async def healthz(_: Request) -> Response:
    try:
        with get_engine().connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception:  # noqa: BLE001 - health reports, never raises
        return JSONResponse({"status": "database unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


def build_api() -> Starlette:
    return Starlette(
        routes=[
            Route("/auth/complete", auth_complete, methods=["GET"]),
            Route("/auth/logout", auth_logout, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )
