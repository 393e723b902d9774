"""HTTP routes: the sign-in exchange (sets the HttpOnly session cookie), sign-out, CSV export, PDFs, health."""

from __future__ import annotations

import logging
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute

from introserv_app.config import get_settings
from introserv_app.db.session import get_engine, session_scope
from introserv_app.db.types import utcnow
from introserv_app.domain.grid import GridQuery, parse_grid_query
from introserv_app.domain.validation import safe_next
from introserv_app.i18n import gettext, normalize_language, translate_error
from introserv_app.services import support
from introserv_app.services.accounts import (
    DEVICE_COOKIE,
    DEVICE_DAYS,
    LOGIN_BINDING_COOKIE,
    MSG_STAFF_2FA_FIRST,
    SESSION_COOKIE,
    complete_login,
    confirm_email,
    logout,
    my_data_files,
    resolve_session,
    staff_lacks_second_factor,
    token_from_cookie_header,
)
from introserv_app.services.billing import (
    InvoiceDocument,
    credit_note_document,
    invoice_document,
    link_document,
    render_invoice_pdf,
)
from introserv_app.services.common import audit
from introserv_app.services.common.errors import MSG_DB_UNAVAILABLE, PermissionDenied, ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.orders import export_count, iter_orders_csv
from introserv_app.web.api import api_mount
from introserv_app.web.console import console_socket
from introserv_app.web.newsletter import export_subscribers, unsubscribe_page, unsubscribe_post
from introserv_app.web.payments import demo_checkout_action, demo_checkout_page, webhook
from introserv_app.web.security import NO_STORE, cross_site, peer_ip

log = logging.getLogger("introserv")

FORM_MAX_BYTES = 4096


async def _form(request: Request) -> dict[str, str]:
    """A small urlencoded form body (the sign-in and sign-out POSTs); anything else is empty."""
    if "application/x-www-form-urlencoded" not in request.headers.get("content-type", ""):
        return {}
    body = await request.body()
    if len(body) > FORM_MAX_BYTES:
        return {}
    pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=10)
    return {k: v for k, v in pairs}


def _login_failed() -> Response:
    response = RedirectResponse("/login?failed=1", status_code=303, headers=NO_STORE)
    response.delete_cookie(LOGIN_BINDING_COOKIE, path="/auth/complete", samesite="strict")
    return response


async def auth_complete(request: Request) -> Response:
    """POST /auth/complete (ticket, next; the binding cookie): one-time ticket -> session cookie -> full page
    load. Refused when cross-site, and useless without the binding cookie of the browser that signed in."""
    if cross_site(request):
        log.warning("cross-site sign-in exchange refused (%s)", request.headers.get("origin", "no origin"))
        return _login_failed()
    form = await _form(request)
    next_path = safe_next(form.get("next", "/"))
    binding = request.cookies.get(LOGIN_BINDING_COOKIE, "")
    ip = peer_ip(request)
    # On the event loop, like the state's handlers: a thread doing these short queries would wait for the GIL
    # behind the busy loop at every round trip (measured: slower sign-ins under load).
    with session_scope() as session:
        done = complete_login(
            session=session,
            ticket=form.get("ticket", ""),
            binding=binding,
            ip=ip,
            device_cookie=request.cookies.get(DEVICE_COOKIE),
        )
    if done is None:
        return _login_failed()
    settings = get_settings()
    response = RedirectResponse(next_path, status_code=303, headers=NO_STORE)
    response.delete_cookie(LOGIN_BINDING_COOKIE, path="/auth/complete", samesite="strict")
    cookie = {"path": "/", "httponly": True, "secure": settings.cookie_secure, "samesite": "strict"}
    response.set_cookie(SESSION_COOKIE, done.token, max_age=settings.session_absolute_hours * 3600, **cookie)  # type: ignore[arg-type]
    response.set_cookie(DEVICE_COOKIE, done.device_cookie, max_age=DEVICE_DAYS * 86400, **cookie)  # type: ignore[arg-type]
    return response


async def auth_logout(request: Request) -> Response:
    """POST /auth/logout : revoke the cookie's session on the server and delete the cookie. A GET, or a
    request from another site, signs nobody out."""
    if request.method != "POST" or cross_site(request):
        return RedirectResponse("/", status_code=303, headers=NO_STORE)
    with session_scope() as session:
        logout(session=session, token=token_from_cookie_header(request.headers.get("cookie", "")), ip=peer_ip(request))
    response = RedirectResponse("/login", status_code=303, headers=NO_STORE)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, secure=get_settings().cookie_secure, samesite="strict"
    )
    return response


def _console_closed(session: Session, viewer: Viewer) -> Response | None:
    """403 for a staff member who must set up a second factor first (`INTROSERV_STAFF_2FA=required`)."""
    if not staff_lacks_second_factor(session, is_staff=viewer.is_staff, user_id=viewer.user_id):
        return None
    lang = normalize_language(viewer.language)
    return PlainTextResponse(gettext(lang, MSG_STAFF_2FA_FIRST), status_code=403, headers=NO_STORE)


def _stream_export(viewer: Viewer, query: GridQuery, total: int) -> Iterator[bytes]:
    """Runs in Starlette's thread pool; one database session for the whole download."""
    with session_scope() as session:
        for chunk in iter_orders_csv(session=session, viewer=viewer, query=query, expected_rows=total):
            yield chunk.encode("utf-8")


def export_orders(request: Request) -> Response:
    """GET /export/orders.csv?<grid query> : every order the grid's filters and sort select, as CSV.

    Authenticated by the session cookie; the scope (own orders / everyone's for staff) comes from the
    session, never from the URL. The row count is sent ahead in X-Total-Rows for the progress bar.
    """
    token = token_from_cookie_header(request.headers.get("cookie", ""))
    with session_scope() as session:
        viewer = resolve_session(session=session, token=token, ip=peer_ip(request))
        if viewer is None:
            return PlainTextResponse("Not signed in.", status_code=401, headers=NO_STORE)
        if (closed := _console_closed(session, viewer)) is not None:
            return closed
        query, _ = parse_grid_query(dict(request.query_params))
        total = export_count(session=session, viewer=viewer, query=query)
        audit.record(
            session=session,
            action="orders.export",
            actor_id=viewer.user_id,
            subject_user_id=None if viewer.is_staff else viewer.user_id,
            ip=peer_ip(request),
            details={"rows": total, "query": str(request.url.query)[:500]},
        )
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    headers = {
        **NO_STORE,
        "Content-Disposition": f'attachment; filename="orders-{stamp}.csv"',
        "X-Total-Rows": str(total),
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(
        _stream_export(viewer, query, total), media_type="text/csv; charset=utf-8", headers=headers
    )


def _stream_my_data(viewer: Viewer) -> Iterator[bytes]:
    """The zip is written to a spooled temporary file (memory up to 8 MB, then disk) and sent in 64 KB chunks."""
    with tempfile.SpooledTemporaryFile(max_size=8 * 2**20) as spool:
        with session_scope() as session, zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in my_data_files(session=session, viewer=viewer):
                archive.writestr(f"introserv-{viewer.username}/{name}", content)
        spool.seek(0)
        while chunk := spool.read(65536):
            yield chunk


def export_my_data(request: Request) -> Response:
    """GET /account/my-data.zip : "Download my data" (the signed-in customer's own data only)."""
    ip = peer_ip(request)
    with session_scope() as session:
        viewer = resolve_session(session=session, token=request.cookies.get(SESSION_COOKIE), ip=ip)
        if viewer is None:
            return PlainTextResponse("Not signed in.", status_code=401, headers=NO_STORE)
        audit.record(
            session=session,
            action="account.data_export",
            actor_id=viewer.user_id,
            subject_user_id=viewer.user_id,
            ip=ip,
        )
    stamp = utcnow().strftime("%Y%m%d")
    headers = {
        **NO_STORE,
        "Content-Disposition": f'attachment; filename="introserv-my-data-{stamp}.zip"',
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(_stream_my_data(viewer), media_type="application/zip", headers=headers)


def _stream_audit(filters: support.AuditFilters) -> Iterator[bytes]:
    with session_scope() as session:
        for chunk in support.iter_audit_csv(session=session, filters=filters):
            yield chunk.encode("utf-8")


def export_audit(request: Request) -> Response:
    """GET /staff/audit.csv?<audit filters> : the filtered audit log as CSV, for staff only (a customer gets
    403 and an `access.denied` event)."""
    token = token_from_cookie_header(request.headers.get("cookie", ""))
    filters = support.clean_filters(dict(request.query_params))
    with session_scope() as session:
        viewer = resolve_session(session=session, token=token, ip=peer_ip(request))
        if viewer is None:
            return PlainTextResponse("Not signed in.", status_code=401, headers=NO_STORE)
        if (closed := _console_closed(session, viewer)) is not None:
            return closed
        lang = normalize_language(viewer.language)
        try:
            support.check_export(session=session, viewer=viewer, filters=filters, ip=peer_ip(request))
        except PermissionDenied as exc:
            return PlainTextResponse(gettext(lang, exc.message), status_code=403, headers=NO_STORE)
        except ServiceError as exc:
            return PlainTextResponse(translate_error(lang, exc.message, exc.values), status_code=400, headers=NO_STORE)
        audit.record(
            session=session,
            action="audit.export",
            actor_id=viewer.user_id,
            ip=peer_ip(request),
            details={"filters": filters.query()},
        )
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    headers = {
        **NO_STORE,
        "Content-Disposition": f'attachment; filename="audit-{stamp}.csv"',
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(_stream_audit(filters), media_type="text/csv; charset=utf-8", headers=headers)


def _pdf(doc: InvoiceDocument) -> Response:
    name = "credit-note" if doc.kind == "credit_note" else "invoice"
    headers = {
        **NO_STORE,
        "Content-Disposition": f'inline; filename="{name}-{doc.number}.pdf"',
        "X-Content-Type-Options": "nosniff",
    }
    return Response(render_invoice_pdf(doc), media_type="application/pdf", headers=headers)


def _signed_in_pdf(request: Request, load: Callable[[Session, Viewer, str], InvoiceDocument]) -> Response:
    """A document of the signed-in viewer as a PDF, in `?lang=` (else the viewer's language); 404 when refused."""
    token = token_from_cookie_header(request.headers.get("cookie", ""))
    with session_scope() as session:
        viewer = resolve_session(session=session, token=token, ip=peer_ip(request))
        if viewer is None:
            return RedirectResponse("/login?next=/invoices", status_code=303, headers=NO_STORE)
        if (closed := _console_closed(session, viewer)) is not None:
            return closed
        lang = normalize_language(request.query_params.get("lang") or viewer.language)
        try:
            doc = load(session, viewer, lang)
        except ServiceError as exc:
            return PlainTextResponse(gettext(lang, exc.message), status_code=404, headers=NO_STORE)
    return _pdf(doc)


def invoice_pdf(request: Request) -> Response:
    """GET /invoices/{id}.pdf?lang=ru : the viewer's invoice as a PDF (staff: anyone's)."""
    invoice_id, ip = request.path_params["invoice_id"], peer_ip(request)
    return _signed_in_pdf(
        request,
        lambda s, v, lang: invoice_document(session=s, viewer=v, invoice_id=invoice_id, lang=lang, ip=ip),
    )


def credit_note_pdf(request: Request) -> Response:
    """GET /credit-notes/{id}.pdf?lang=ru : the viewer's credit note as a PDF (staff: anyone's)."""
    note_id = request.path_params["credit_note_id"]
    return _signed_in_pdf(
        request, lambda s, v, lang: credit_note_document(session=s, viewer=v, credit_note_id=note_id, lang=lang)
    )


def pay_link_pdf(request: Request) -> Response:
    """GET /pay/invoice.pdf?t=<pay link token>&lang=ru : the PDF of a pay link's invoice, without a login."""
    lang = normalize_language(request.query_params.get("lang"))
    with session_scope() as session:
        try:
            doc = link_document(
                session=session, token=request.query_params.get("t", ""), lang=lang, ip=peer_ip(request)
            )
        except ServiceError as exc:
            return PlainTextResponse(gettext(lang, exc.message), status_code=404, headers=NO_STORE)
    return _pdf(doc)


def confirm_email_link(request: Request) -> Response:
    """GET /settings/confirm-email?t=... : the link from the confirmation email (single use, 24 h). Opened in
    a signed-in browser it returns to Settings, elsewhere (a new account's first visit) to the login page."""
    ip = peer_ip(request)
    with session_scope() as session:
        signed_in = resolve_session(session=session, token=request.cookies.get(SESSION_COOKIE), ip=ip) is not None
    try:
        with session_scope() as session:
            confirm_email(session=session, token=request.query_params.get("t", ""), ip=ip)
    except ServiceError:
        return RedirectResponse("/settings?email=invalid" if signed_in else "/login?email=invalid", 303, NO_STORE)
    return RedirectResponse("/settings?email=confirmed" if signed_in else "/login?confirmed=1", 303, NO_STORE)


async def healthz(_: Request) -> Response:
    try:
        with get_engine().connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception:  # noqa: BLE001 - health reports, never raises
        return JSONResponse({"status": "database unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


async def database_unavailable(request: Request, exc: Exception) -> Response:
    """A route that needs the database while it is down or restarting: 503, retry later, no stack trace."""
    log.warning("database unavailable during a request: %s", type(exc).__name__)
    lang = normalize_language(request.cookies.get("introserv_lang", ""))
    return PlainTextResponse(
        gettext(lang, MSG_DB_UNAVAILABLE),
        status_code=503,
        headers={"Retry-After": "10"},
    )


def build_api() -> Starlette:
    return Starlette(
        exception_handlers={
            sa_exc.OperationalError: database_unavailable,
            sa_exc.InterfaceError: database_unavailable,
        },
        routes=[
            Route("/auth/complete", auth_complete, methods=["POST"]),
            Route("/auth/logout", auth_logout, methods=["GET", "POST"]),
            Route("/export/orders.csv", export_orders, methods=["GET"]),
            Route("/staff/audit.csv", export_audit, methods=["GET"]),
            Route("/invoices/{invoice_id:int}.pdf", invoice_pdf, methods=["GET"]),
            Route("/credit-notes/{credit_note_id:int}.pdf", credit_note_pdf, methods=["GET"]),
            Route("/pay/invoice.pdf", pay_link_pdf, methods=["GET"]),
            Route("/settings/confirm-email", confirm_email_link, methods=["GET"]),
            Route("/account/my-data.zip", export_my_data, methods=["GET"]),
            Route("/webhooks/{provider:str}", webhook, methods=["POST"]),
            Route("/checkout/demo/{ref:str}", demo_checkout_page, methods=["GET"]),
            Route("/checkout/demo/{ref:str}", demo_checkout_action, methods=["POST"]),
            Route("/unsubscribe/{token:str}", unsubscribe_page, methods=["GET"]),
            Route("/unsubscribe/{token:str}", unsubscribe_post, methods=["POST"]),
            Route("/staff/newsletter/subscribers.csv", export_subscribers, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
            WebSocketRoute("/servers/{order_id:int}/console", console_socket),
            api_mount(),
        ],
    )
