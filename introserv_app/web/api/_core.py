"""What every API operation shares: problem documents (RFC 9457) with the UI's translated texts, the caller (an API
key, its scopes, the limits), the database scope, idempotency keys and page links."""

from __future__ import annotations

import hashlib
import http
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from introserv_app.config import get_settings
from introserv_app.domain.text import N_
from introserv_app.i18n import SUPPORTED_LANGUAGES, gettext, translate_error
from introserv_app.services.apikeys import ApiCaller, ApiRefused, authenticate, prefix_of, require_scope, touch_key
from introserv_app.services.common.errors import PermissionDenied, ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.web.api._limits import Limiter
from introserv_app.web.security import peer_ip

log = logging.getLogger("introserv")

PROBLEM = "application/problem+json"
Scope = Callable[[], AbstractContextManager[Session]]
T = TypeVar("T")

MSG_RATE_KEY = N_("Too many requests with this API key: at most {limit} a minute. Try again in {seconds} s.")
MSG_RATE_IP = N_("Too many requests from your address: at most {limit} a minute. Try again in {seconds} s.")
MSG_INVALID_REQUEST = N_("The request is not valid; the errors list says what to change.")
MSG_BODY_TOO_LARGE = N_("The request body is too large (at most {kb} KB).")
MSG_IDEMPOTENCY_KEY = N_(
    "This request needs an Idempotency-Key header (1 to 200 visible characters); a repeat with the same key "
    "returns the first answer."
)
MSG_NOT_FOUND = N_("Not found.")
MSG_METHOD = N_("This method is not allowed here.")
MSG_INTERNAL = N_("Something went wrong on our side. Nothing was saved; please try again.")

#: Service refusals that mean "no such thing for you": 404 exactly as for an unknown id.
NOT_FOUND = frozenset(
    {
        "Order not found.",
        "Invoice not found.",
        "Ticket not found.",
        "Tariff not found.",
        "This tariff is not available.",
        "API key not found.",
        "Payment not found.",
        "Credit note not found.",
    }
)


class ApiProblem(Exception):
    """An answer other than success: status, a msgid and its values, optional headers and field errors."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        values: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.values = status, message, values or {}
        self.headers, self.errors = headers or {}, errors


def language(request: Request) -> str:
    """The first supported language of Accept-Language (by q), else English."""
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(request.headers.get("accept-language", "")[:200].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        base = tag.strip().lower().split("-")[0]
        if base in SUPPORTED_LANGUAGES and quality > 0:
            choices.append((-quality, index, base))
    return min(choices)[2] if choices else "en"


def problem(request: Request, answer: ApiProblem) -> JSONResponse:
    lang = language(request)
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": http.HTTPStatus(answer.status).phrase,
        "status": answer.status,
        "detail": translate_error(lang, answer.message, dict(answer.values)),
        "instance": request.url.path,
    }
    if answer.errors is not None:
        body["errors"] = answer.errors
    headers = {"Cache-Control": "no-store", "Content-Language": lang, **answer.headers}
    return JSONResponse(body, status_code=answer.status, media_type=PROBLEM, headers=headers)


@dataclass(frozen=True)
class Context:
    """One request's caller: who (a customer viewer from the key), from where, in which language."""

    caller: ApiCaller
    ip: str
    lang: str
    scope: Scope

    @property
    def viewer(self) -> Viewer:
        return self.caller.viewer

    async def run(self, work: Callable[[Session], T]) -> T:
        """`work` in one transaction, on a worker thread; a service refusal becomes its problem (404 for what the
        caller may not see)."""

        def in_transaction() -> T:
            with self.scope() as session:
                return work(session)

        return await self.call(in_transaction)

    async def call(self, work: Callable[[], T]) -> T:
        """`work` (which opens its own transactions) on a worker thread; a service refusal becomes its problem."""
        try:
            return await run_in_threadpool(work)
        except PermissionDenied as exc:
            raise ApiProblem(403, exc.message, values=exc.values) from None
        except ServiceError as exc:
            status = 404 if exc.message in NOT_FOUND else 422
            raise ApiProblem(status, exc.message, values=exc.values) from None


_bearer = HTTPBearer(auto_error=False, description="An API key from Settings → API keys: `Bearer isk_…`.")


def _limit(limiter: Limiter, name: str, limit: int, message: str) -> None:
    """Count one request against `name`'s limit; over it: 429 with Retry-After."""
    verdict = limiter.hit(name, limit)
    if not verdict.allowed:
        raise ApiProblem(
            429,
            message,
            values={"limit": limit, "seconds": verdict.retry_after},
            headers={"Retry-After": str(verdict.retry_after)},
        )


def caller(scope: str, also: str | None = None) -> Callable[..., Context]:
    """The dependency of an operation that needs `scope` (or `also`)."""

    def dependency(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
    ) -> Context:
        settings = get_settings()
        ip, lang = peer_ip(request), language(request)
        limiter = request.app.state.limiter
        _limit(limiter, f"ip:{ip}", settings.api_per_ip_per_minute, MSG_RATE_IP)
        key = credentials.credentials if credentials is not None else None
        # Counted before the key is looked up, refusals included: guessing at one key is limited like using it.
        prefix = prefix_of(key)
        if prefix is not None:
            _limit(limiter, f"key:{prefix}", settings.api_per_key_per_minute, MSG_RATE_KEY)
        open_scope: Scope = request.app.state.scope
        try:
            with open_scope() as session:
                who = authenticate(session=session, key=key, ip=ip, language=lang)
                require_scope(session=session, caller=who, scope=scope, ip=ip, also=also)
        except ApiRefused as exc:
            headers = {"WWW-Authenticate": 'Bearer realm="introserv"'} if exc.status == 401 else {}
            raise ApiProblem(exc.status, exc.message, values=exc.values, headers=headers) from None
        if who.touch:
            with open_scope() as session:
                touch_key(session=session, caller=who, ip=ip)
        return Context(caller=who, ip=ip, lang=lang, scope=open_scope)

    return dependency


MSG_UNKNOWN_PARAMETER = N_("Unknown query parameter: {name}.")
MSG_REPEATED_PARAMETER = N_("The query parameter {name} is given more than once.")


def _query_names(dependant: Any) -> frozenset[str]:
    names: set[str] = set()
    stack = [dependant]
    while stack:
        current = stack.pop()
        names.update(p.alias for p in current.query_params)
        stack.extend(current.dependencies)
    return frozenset(names)


async def known_query_only(request: Request) -> None:
    """Refuse query parameters the operation does not have (a typo in a filter must not silently list everything)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _query_names(dependant)
    seen: set[str] = set()
    for name, _ in request.query_params.multi_items():
        if name not in known:
            raise ApiProblem(422, MSG_UNKNOWN_PARAMETER, values={"name": name[:40]})
        if name in seen:
            raise ApiProblem(422, MSG_REPEATED_PARAMETER, values={"name": name[:40]})
        seen.add(name)


def idempotency_key(ctx: Context, raw: str | None) -> str:
    """The service's idempotency key for this caller's `Idempotency-Key` header (422 when missing or odd)."""
    if raw is None or not 1 <= len(raw) <= 200 or not raw.isascii() or not raw.isprintable() or not raw.strip():
        raise ApiProblem(422, MSG_IDEMPOTENCY_KEY)
    return "api" + hashlib.sha256(f"{ctx.caller.key_id}:{raw}".encode()).hexdigest()[:48]


def page_links(request: Request, page: int, pages: int) -> dict[str, str]:
    """`Link` (first, prev, next, last) and the page counts as headers."""

    def url(n: int) -> str:
        return str(request.url.include_query_params(page=n))

    links = [f'<{url(1)}>; rel="first"']
    if page > 1:
        links.append(f'<{url(page - 1)}>; rel="prev"')
    if page < pages:
        links.append(f'<{url(page + 1)}>; rel="next"')
    links.append(f'<{url(pages)}>; rel="last"')
    return {"Link": ", ".join(links), "X-Page": str(page), "X-Pages": str(pages)}


def msg(lang: str, msgid: str) -> str:
    return gettext(lang, msgid)
