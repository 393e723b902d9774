"""Payment routes: providers' notifications (`POST /webhooks/<provider>`) and the demo provider's hosted
checkout page (`/checkout/demo/<ref>`), which stands where a real provider's page would."""

from __future__ import annotations

import html

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from introserv_app.domain.text import N_
from introserv_app.i18n import format_money, gettext, normalize_language
from introserv_app.services.billing import demo_act, demo_checkout, receive_notification
from introserv_app.web.security import NO_STORE, cross_site

#: The demo page's headers: with "no-referrer" a browser would send `Origin: null` with its form, which the
#: cross-site test refuses.
PAGE_HEADERS = {**NO_STORE, "Referrer-Policy": "same-origin"}
#: Notifications are small JSON documents; anything larger is not one.
WEBHOOK_MAX_BYTES = 256 * 1024

MSG_DEMO_TITLE = N_("Demo payment provider")
MSG_DEMO_NOTE = N_("This page stands in for a payment provider's checkout. No real money moves.")
MSG_DEMO_PAY = N_("Pay")
MSG_DEMO_DECLINE = N_("Decline the card")
MSG_DEMO_LEAVE = N_("Cancel and return")
MSG_DEMO_GONE = N_("This checkout does not exist or has ended.")
MSG_DEMO_AMOUNT = N_("Amount")


async def webhook(request: Request) -> Response:
    provider = request.path_params["provider"]
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > WEBHOOK_MAX_BYTES:
        return PlainTextResponse("too large", status_code=413)
    body = await request.body()
    if len(body) > WEBHOOK_MAX_BYTES:
        return PlainTextResponse("too large", status_code=413)
    headers = {k.lower(): v for k, v in request.headers.items()}
    status = await run_in_threadpool(receive_notification, provider, body, headers)
    return PlainTextResponse("ok" if status == 200 else "refused", status_code=status)


def page(lang: str, title: str, inner: str) -> HTMLResponse:
    """A small page of its own (outside the app): the demo checkout, the unsubscribe page."""
    return HTMLResponse(
        f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;background:#f4f4f6;display:flex;justify-content:center;
padding:3em 1em}}main{{background:#fff;border-radius:12px;padding:2em;max-width:26em;width:100%;
box-shadow:0 2px 8px #0002}}button{{font-size:1em;padding:.6em 1em;margin:.3em .3em 0 0;border-radius:8px;
border:1px solid #ccd;cursor:pointer}}#demo-pay{{background:#3e63dd;color:#fff;border-color:#3e63dd}}
.note{{color:#667;font-size:.9em}}.amount{{font-size:1.6em;font-weight:600}}</style></head>
<body><main>{inner}</main></body></html>""",
        headers=PAGE_HEADERS,
    )


def demo_checkout_page(request: Request) -> Response:
    lang = normalize_language(request.query_params.get("lang"))
    view = demo_checkout(request.path_params["ref"])
    title = gettext(lang, MSG_DEMO_TITLE)
    if view is None or view.state != "open":
        return page(lang, title, f"<h1>{html.escape(title)}</h1><p id='demo-gone'>{gettext(lang, MSG_DEMO_GONE)}</p>")
    button = "<button type='submit' name='action' value='{0}' id='demo-{0}'>{1}</button>"
    inner = (
        f"<h1>{html.escape(title)}</h1><p>{html.escape(view.description)}</p>"
        f"<p>{gettext(lang, MSG_DEMO_AMOUNT)}: <span class='amount' id='demo-amount'>"
        f"{html.escape(format_money(view.amount, lang))}</span></p>"
        f"<form method='post'>{button.format('pay', html.escape(gettext(lang, MSG_DEMO_PAY)))}"
        f"{button.format('decline', html.escape(gettext(lang, MSG_DEMO_DECLINE)))}"
        f"{button.format('leave', html.escape(gettext(lang, MSG_DEMO_LEAVE)))}</form>"
        f"<p class='note'>{html.escape(gettext(lang, MSG_DEMO_NOTE))}</p>"
    )
    return page(lang, title, inner)


def _deliver(body: bytes, headers: dict[str, str]) -> object:
    return receive_notification("demo", body, headers)


async def demo_checkout_action(request: Request) -> Response:
    if cross_site(request):
        return PlainTextResponse("cross-site request refused", status_code=403)
    form = await request.form(max_fields=2, max_files=0)
    action = form.get("action")
    back = await run_in_threadpool(
        demo_act, request.path_params["ref"], action if isinstance(action, str) else "", _deliver
    )
    if back is None:
        return demo_checkout_page(request)
    return RedirectResponse(back, status_code=303, headers=NO_STORE)
