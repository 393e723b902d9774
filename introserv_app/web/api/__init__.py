"""The REST API at /api/v1 (FastAPI, mounted into the panel's own HTTP routes: one port). Customers' scripts
authenticate with an API key (`Authorization: Bearer isk_…`); every operation calls the same services as the pages.
The schema is at /api/v1/openapi.json, a readable page at /api/v1/docs."""

from __future__ import annotations

import logging
import re
from typing import Any

import sqlalchemy.exc as sa_exc
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.services.common.errors import MSG_DB_UNAVAILABLE

from . import billing, orders, servers, tickets
from ._core import (
    MSG_BODY_TOO_LARGE,
    MSG_INTERNAL,
    MSG_INVALID_REQUEST,
    MSG_METHOD,
    MSG_NOT_FOUND,
    PROBLEM,
    ApiProblem,
    known_query_only,
    problem,
)
from ._core import (
    Scope as DbScope,
)
from ._docs import docs_page
from ._limits import Limiter, limiter_for

log = logging.getLogger("introserv")

#: Request bodies are read up to this size; a larger one is refused before any JSON is parsed.
BODY_MAX = 2 * 1024 * 1024
_ERRORS = {
    401: "No valid API key (missing, unknown, revoked or expired).",
    403: "The key may not do this: its scopes, its IP list or the account's IP restrictions.",
    404: "No such thing for this key (another customer's is the same as an unknown id).",
    413: "The request body is too large.",
    422: "The request is not valid, or the panel refused it (the detail says why).",
    429: "Too many requests: wait the Retry-After seconds.",
    503: "The database does not answer; nothing was saved.",
}
VERSION = "1.0.0"


class BodyLimit:
    """Reads a request's body up to BODY_MAX before the app sees it; beyond that: 413 with a problem document."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        too_large = not declared.isdigit() or int(declared) > BODY_MAX
        body = bytearray()
        more = not too_large
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            too_large = len(body) > BODY_MAX
            more = more and not too_large
        if too_large:
            request = Request(scope)
            response = problem(request, ApiProblem(413, MSG_BODY_TOO_LARGE, values={"kb": BODY_MAX // 1024}))
            await response(scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)
    return problem(request, exc)


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Where and what, never the input itself (it may be a megabyte).
    errors = [
        {"loc": [str(p) for p in e.get("loc", ())][:6], "msg": str(e.get("msg", ""))[:200], "type": e.get("type", "")}
        for e in exc.errors()[:20]
    ]
    return problem(request, ApiProblem(422, MSG_INVALID_REQUEST, errors=errors))


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = {404: MSG_NOT_FOUND, 405: MSG_METHOD}.get(exc.status_code, MSG_INVALID_REQUEST)
    # A body FastAPI cannot even decode (400) is invalid input like any other: 422.
    status = 422 if exc.status_code == 400 else exc.status_code
    return problem(request, ApiProblem(status, message, headers=dict(exc.headers or {})))


async def _db_down(request: Request, exc: Exception) -> JSONResponse:
    log.warning("API: database unavailable: %s", type(exc).__name__)
    return problem(request, ApiProblem(503, MSG_DB_UNAVAILABLE, headers={"Retry-After": "10"}))


async def _crash(request: Request, exc: Exception) -> JSONResponse:
    log.exception("API: unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(request, ApiProblem(500, MSG_INTERNAL))


def _schema(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with every refusal documented as an RFC 9457 problem document."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes,
        servers=[{"url": "/api/v1"}],
    )  # fmt: skip
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    components["Problem"] = {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object"}},
        },
    }
    ref = {"content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, text in _ERRORS.items():
                responses[str(status)] = {"description": text, **ref}
    app.openapi_schema = schema
    return schema


def api_mount(app: ASGIApp | None = None) -> Mount:
    """The API under /api/v1. Starlette's mount pattern stops at a line break in the path, so such a path would
    miss the API and get someone else's 404: ours matches every path under the prefix."""
    mount = Mount("/api/v1", app=app or build_rest_api())
    mount.path_regex = re.compile(mount.path_regex.pattern, re.DOTALL)
    return mount


def build_rest_api(scope: DbScope = session_scope, limiter: Limiter | None = None) -> FastAPI:
    """The API app; `scope` opens the database transactions (tests pass their engine's)."""
    app = FastAPI(
        title="INTROSERV client area API",
        version=VERSION,
        description=(
            "Orders, invoices, balance, tickets and servers of the customer who owns the API key. Send the key as "
            "`Authorization: Bearer <key>`. Errors are RFC 9457 problem documents in the `Accept-Language` "
            "(English or Russian)."
        ),
        openapi_url="/openapi.json",
        dependencies=[Depends(known_query_only)],
        docs_url=None,
        redoc_url=None,
        exception_handlers={
            ApiProblem: _problem,
            RequestValidationError: _invalid,
            StarletteHTTPException: _http,
            sa_exc.OperationalError: _db_down,
            sa_exc.InterfaceError: _db_down,
            Exception: _crash,
        },
    )
    app.state.scope = scope
    app.state.limiter = limiter or limiter_for(get_settings().redis_url)
    for module in (orders, billing, tickets, servers):
        app.include_router(module.router)
    app.openapi = lambda: _schema(app)  # type: ignore[method-assign]
    app.add_api_route("/docs", lambda: docs_page(_schema(app)), include_in_schema=False)
    app.add_middleware(BodyLimit)
    return app
