"""/pay?t=<token>: an invoice paid through its signed link, without logging in."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import reflex as rx

from introserv_app.domain.keys import new_idem_key
from introserv_app.domain.payments import provider_label
from introserv_app.domain.statuses import InvoiceStatus
from introserv_app.services.billing import (
    MSG_ALREADY_PAID,
    MSG_LINK_INVALID,
    link_document,
    link_payment_view,
    link_providers,
    open_link_payment,
)
from introserv_app.services.common.errors import ServiceError
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.funds import go_to, start
from introserv_app.state.payments import POLL_MAX, payment_dict, poll_later
from introserv_app.state.url import page_url


def _key() -> str:
    return new_idem_key("paylink")


class PayLinkState(rx.State):
    ok: Field[bool] = field(False)
    error: Field[str] = field("")
    notice: Field[str] = field("")
    busy: Field[bool] = field(False)
    number: Field[str] = field("")
    status: Field[str] = field("")
    status_label: Field[str] = field("")
    seller: Field[str] = field("")
    customer: Field[str] = field("")
    issued: Field[str] = field("")
    due: Field[str] = field("")
    lines: Field[list[dict[str, str]]] = field([])
    net: Field[str] = field("")
    vat_label: Field[str] = field("")
    vat: Field[str] = field("")
    gross: Field[str] = field("")
    vat_note: Field[str] = field("")
    pdf_href: Field[str] = field("")
    providers: Field[list[dict[str, str]]] = field([])
    #: The payment the customer came back from (`payment_dict`), or {}.
    payment: Field[dict[str, str]] = field({})
    _polls: int = 0
    _token: str = ""
    _idem: str = ""

    def _show(self, ctx: Ctx) -> None:
        """The invoice of the link (raises the service's refusal)."""
        lang = ctx.lang
        with ctx.session() as session:
            doc = link_document(session=session, token=self._token, lang=lang, ip=ctx.ip)
            unpaid = doc.status == InvoiceStatus.UNPAID
            names = link_providers(session=session, token=self._token, ip=ctx.ip) if unpaid else ()
        self.ok, self.number, self.status, self.status_label = True, doc.number, doc.status, doc.status_label
        self.seller, self.customer = doc.seller_name, doc.customer_name
        self.issued, self.due = doc.issued, doc.due
        self.lines = [{"description": x.description, "period": x.period, "net": x.net} for x in doc.lines]
        self.net, self.vat, self.gross, self.vat_note = doc.net, doc.vat, doc.gross, doc.vat_note
        self.vat_label = doc.vat_rate
        self.pdf_href = f"/pay/invoice.pdf?t={quote(self._token)}&lang={lang}"
        self.providers = [{"value": n, "label": ctx.text(provider_label(n))} for n in names]

    @event
    async def load(self):
        ctx = await Ctx.of(self)
        self.ok, self.error, self.notice, self.busy = False, "", "", False
        self._token = page_url(self).get("t") or ""
        self._idem = _key()
        try:
            self._show(ctx)
        except ServiceError as exc:
            self.error = ctx.refusal(exc) if self._token else ctx.text(MSG_LINK_INVALID)
            return
        self._polls = 0
        if self.status == InvoiceStatus.PAID and page_url(self).id("payment") is None:
            self.notice = ctx.text(MSG_ALREADY_PAID)
        return self._payment(ctx)

    @event
    async def pay(self, form: dict):
        if self.busy or not self.ok or self.status != InvoiceStatus.UNPAID:
            return None
        ctx = await Ctx.of(self)
        provider = form.get("provider") if isinstance(form.get("provider"), str) else ""
        self.busy, self.error = True, ""
        token, idem_key, ip, lang = self._token, self._idem, ctx.ip, ctx.lang
        draft = ctx.attempt(
            lambda s: open_link_payment(
                session=s, token=token, provider=str(provider), idem_key=idem_key, ip=ip, lang=lang
            )
        )
        url = draft if isinstance(draft, Refused) else start(ctx, draft)
        if isinstance(url, Refused):
            self.busy, self.error = False, url.message
            self._idem = _key()  # another attempt is another payment
            return None
        self.busy = False
        return go_to(url)

    def _payment(self, ctx: Ctx) -> Any:
        """The payment the customer came back from (`&payment=<id>`): its outcome, asked again while open."""
        payment_id, token, ip = page_url(self).id("payment"), self._token, ctx.ip
        if payment_id is None:
            self.payment = {}
            return None
        view = ctx.attempt(lambda s: link_payment_view(session=s, token=token, payment_id=payment_id, ip=ip))
        if isinstance(view, Refused):
            self.payment = {}
            return None
        self.payment = payment_dict(view, ctx.lang)
        if self.payment["open"] and self._polls < POLL_MAX:
            return poll_later()
        if view.invoice_status == InvoiceStatus.PAID and self.status != InvoiceStatus.PAID:
            try:
                self._show(ctx)
            except ServiceError:
                pass  # e.g. the link expired this second: the payment stands, the summary is the one shown
        return None

    @event
    async def poll(self):
        if self.payment.get("open") != "1":
            return None
        self._polls += 1
        return self._payment(await Ctx.of(self))
