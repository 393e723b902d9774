"""/pay?t=<token>: an invoice paid through its signed link, without logging in."""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx

from introserv_app.domain.keys import new_idem_key
from introserv_app.domain.statuses import InvoiceStatus
from introserv_app.domain.text import N_
from introserv_app.services.billing import (
    MSG_ALREADY_PAID,
    MSG_LINK_INVALID,
    MSG_PAYMENT_FAILED,
    link_document,
    pay_by_link,
    payment_provider,
)
from introserv_app.services.common.errors import ServiceError
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.funds import TEST_METHODS
from introserv_app.state.url import page_url

MSG_THANKS = N_("Thank you: invoice {number} is paid.")


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
    _token: str = ""
    _idem: str = ""

    def _show(self, ctx: Ctx) -> None:
        """The invoice of the link (raises the service's refusal)."""
        lang = ctx.lang
        with ctx.session() as session:
            doc = link_document(session=session, token=self._token, lang=lang, ip=ctx.ip)
        self.ok, self.number, self.status, self.status_label = True, doc.number, doc.status, doc.status_label
        self.seller, self.customer = doc.seller_name, doc.customer_name
        self.issued, self.due = doc.issued, doc.due
        self.lines = [{"description": x.description, "period": x.period, "net": x.net} for x in doc.lines]
        self.net, self.vat, self.gross, self.vat_note = doc.net, doc.vat, doc.gross, doc.vat_note
        self.vat_label = doc.vat_rate
        self.pdf_href = f"/pay/invoice.pdf?t={quote(self._token)}&lang={lang}"

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
        if self.status == InvoiceStatus.PAID:
            self.notice = ctx.text(MSG_ALREADY_PAID)

    @event
    async def pay(self, form: dict):
        if self.busy or not self.ok or self.status != InvoiceStatus.UNPAID:
            return
        ctx = await Ctx.of(self)
        method = form.get("method") if form.get("method") in TEST_METHODS else "card"
        self.busy, self.error = True, ""
        token, idem_key, ip = self._token, self._idem, ctx.ip
        done = ctx.attempt(
            lambda s: pay_by_link(
                session=s, token=token, idem_key=idem_key, provider=payment_provider(), method=str(method), ip=ip
            )
        )
        if isinstance(done, Refused):
            self.busy, self.error = False, done.message
            return
        self.busy = False
        if not done.paid:
            self.error = ctx.text(MSG_PAYMENT_FAILED, {"reason": done.error})
            self._idem = _key()  # another attempt is another payment
            return
        self.status = InvoiceStatus.PAID.value
        try:
            self._show(ctx)
        except ServiceError:
            pass  # e.g. the link expired this second: the payment stands, the summary is the one shown
        self.notice = ctx.text(MSG_THANKS, {"number": self.number})
