"""Newsletter routes: the one-click unsubscribe link of every newsletter mail (`/unsubscribe/<token>`) and the
staff's subscriber list as CSV.

`GET /unsubscribe/<token>` only shows a page with a button: mail scanners open links, and must not unsubscribe
anyone. `POST` unsubscribes: the page's button, or the mail client itself (RFC 8058, body
`List-Unsubscribe=One-Click`). That POST comes from another site by design and carries no session: the signed token
is the whole credential, and all it can do is turn the newsletter off for the account it names. This is the one
POST route that does not refuse cross-site requests."""

from __future__ import annotations

import html

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse

from introserv_app.db.session import session_scope
from introserv_app.db.types import utcnow
from introserv_app.domain.text import N_
from introserv_app.i18n import gettext, normalize_language
from introserv_app.services import messaging
from introserv_app.services.accounts import (
    MSG_STAFF_2FA_FIRST,
    resolve_session,
    staff_lacks_second_factor,
    token_from_cookie_header,
)
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import PermissionDenied, ServiceError
from introserv_app.web.payments import page as simple_page
from introserv_app.web.security import NO_STORE, peer_ip

MSG_TITLE = N_("Newsletter")
MSG_CONFIRM = N_("Stop getting the INTROSERV newsletter at this address? Mails about your services keep coming.")
MSG_BUTTON = N_("Unsubscribe")
MSG_DONE = N_("You are unsubscribed from the newsletter. You can subscribe again in Settings.")
MSG_BAD = N_("This unsubscribe link is not valid. Turn the newsletter off in Settings instead.")
FORM_MAX_BYTES = 1024


def _view(token: str) -> tuple[str, bool] | None:
    with session_scope() as session:
        return messaging.unsubscribe_view(session=session, token=token)


def unsubscribe_page(request: Request) -> Response:
    view = _view(request.path_params["token"])
    if view is None:
        lang = normalize_language(request.cookies.get("introserv_lang", ""))
        return _answer(lang, MSG_BAD, 400)
    lang, subscribed = normalize_language(view[0]), view[1]
    if not subscribed:
        return _answer(lang, MSG_DONE)
    title = gettext(lang, MSG_TITLE)
    inner = (
        f"<h1>{html.escape(title)}</h1><p id='unsubscribe-question'>{html.escape(gettext(lang, MSG_CONFIRM))}</p>"
        f"<form method='post'><button type='submit' name='confirm' value='1' id='unsubscribe-confirm'>"
        f"{html.escape(gettext(lang, MSG_BUTTON))}</button></form>"
    )
    return simple_page(lang, title, inner)


def _answer(lang: str, message: str, status: int = 200) -> HTMLResponse:
    title = gettext(lang, MSG_TITLE)
    inner = f"<h1>{html.escape(title)}</h1><p id='unsubscribe-result'>{html.escape(gettext(lang, message))}</p>"
    response = simple_page(lang, title, inner)
    response.status_code = status
    return response


def _unsubscribe(token: str, via: str, ip: str) -> str | None:
    try:
        with session_scope() as session:
            return messaging.unsubscribe(session=session, token=token, via=via, ip=ip)
    except ServiceError:
        return None


async def unsubscribe_post(request: Request) -> Response:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > FORM_MAX_BYTES:
        return PlainTextResponse("too large", status_code=413)
    body = b""
    async for chunk in request.stream():  # read no more than the limit, whatever the client announced
        body += chunk
        if len(body) > FORM_MAX_BYTES:
            return PlainTextResponse("too large", status_code=413)
    via = "one-click" if b"List-Unsubscribe=One-Click" in body else "page"
    lang = await run_in_threadpool(_unsubscribe, request.path_params["token"], via, peer_ip(request))
    if lang is None:
        return _answer(normalize_language(request.cookies.get("introserv_lang", "")), MSG_BAD, 400)
    return _answer(normalize_language(lang), MSG_DONE)


def _stream_subscribers():  # type: ignore[no-untyped-def]
    with session_scope() as session:
        for chunk in messaging.iter_subscribers_csv(session=session):
            yield chunk.encode("utf-8")


def export_subscribers(request: Request) -> Response:
    """GET /staff/newsletter/subscribers.csv: support and admins (a customer gets 403 and an audited refusal)."""
    token = token_from_cookie_header(request.headers.get("cookie", ""))
    ip = peer_ip(request)
    with session_scope() as session:
        viewer = resolve_session(session=session, token=token, ip=ip)
        if viewer is None:
            return PlainTextResponse("Not signed in.", status_code=401, headers=NO_STORE)
        lang = normalize_language(viewer.language)
        if staff_lacks_second_factor(session, is_staff=viewer.is_staff, user_id=viewer.user_id):
            return PlainTextResponse(gettext(lang, MSG_STAFF_2FA_FIRST), status_code=403, headers=NO_STORE)
        try:
            access.require_staff(session=session, viewer=viewer, target="newsletter.export", ip=ip)
        except PermissionDenied as exc:
            return PlainTextResponse(gettext(lang, exc.message), status_code=403, headers=NO_STORE)
        audit.record(session=session, action="newsletter.export", actor_id=viewer.user_id, ip=ip, details={})
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    headers = {
        **NO_STORE,
        "Content-Disposition": f'attachment; filename="newsletter-subscribers-{stamp}.csv"',
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(_stream_subscribers(), media_type="text/csv; charset=utf-8", headers=headers)
