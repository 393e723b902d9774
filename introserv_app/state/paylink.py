"""/pay?t=<token>: an invoice paid through its signed link, without logging in."""

from __future__ import annotations

import secrets
from urllib.parse import quote

import reflex as rx

from introserv_app.db.session import session_scope
from introserv_app.domain.text import N_
from introserv_app.i18n import translate_error, translate_message
from introserv_app.services.billing import (
    MSG_ALREADY_PAID,
    MSG_LINK_INVALID,
    MSG_PAYMENT_FAILED,
    link_document,
    pay_by_link,
    payment_provider,
)
from introserv_app.services.common.errors import ServiceError
from introserv_app.state.funds import TEST_METHODS
from introserv_app.state.guard import client_ip
from introserv_app.state.locale import LocaleState

MSG_THANKS = N_("Thank you: invoice {number} is paid.")


def _key() -> str:
    return "paylink-" + secrets.token_hex(16)


class PayLinkState(rx.State):
    ok: bool = False
    error: str = ""
    notice: str = ""
    busy: bool = False
    number: str = ""
    status: str = ""
    status_label: str = ""
    seller: str = ""
    customer: str = ""
    issued: str = ""
    due: str = ""
    lines: list[dict[str, str]] = []
    net: str = ""
    vat_label: str = ""
    vat: str = ""
    gross: str = ""
    vat_note: str = ""
    pdf_href: str = ""
    _token: str = ""
    _idem: str = ""

    async def _show(self, lang: str) -> None:
        with session_scope() as session:
            doc = link_document(session=session, token=self._token, lang=lang, ip=client_ip(self))
        self.ok, self.number, self.status, self.status_label = True, doc.number, doc.status, doc.status_label
        self.seller, self.customer = doc.seller_name, doc.customer_name
        self.issued, self.due = doc.issued, doc.due
        self.lines = [{"description": x.description, "period": x.period, "net": x.net} for x in doc.lines]
        self.net, self.vat, self.gross, self.vat_note = doc.net, doc.vat, doc.gross, doc.vat_note
        self.vat_label = doc.vat_rate
        self.pdf_href = f"/pay/invoice.pdf?t={quote(self._token)}&lang={lang}"

    @rx.event
    async def load(self):
        params = dict(self.router.url.query_parameters) if self.router.url else {}
        token = params.get("t")
        lang = (await self.get_state(LocaleState)).lang
        self.ok, self.error, self.notice, self.busy = False, "", "", False
        self._token = token if isinstance(token, str) else ""
        self._idem = _key()
        try:
            await self._show(lang)
        except ServiceError as exc:
            self.error = translate_error(lang, exc.message if self._token else MSG_LINK_INVALID, exc.values)
            return
        if self.status == "paid":
            self.notice = translate_message(lang, MSG_ALREADY_PAID)

    @rx.event
    async def pay(self, form: dict):
        if self.busy or not self.ok or self.status != "unpaid":
            return
        lang = (await self.get_state(LocaleState)).lang
        method = form.get("method") if form.get("method") in TEST_METHODS else "card"
        self.busy, self.error = True, ""
        try:
            with session_scope() as session:
                done = pay_by_link(
                    session=session,
                    token=self._token,
                    idem_key=self._idem,
                    provider=payment_provider(),
                    method=str(method),
                    ip=client_ip(self),
                )
        except ServiceError as exc:
            self.busy, self.error = False, translate_error(lang, exc.message, exc.values)
            return
        self.busy = False
        if not done.paid:
            self.error = translate_message(lang, MSG_PAYMENT_FAILED, {"reason": done.error})
            self._idem = _key()  # another attempt is another payment
            return
        self.status = "paid"
        try:
            await self._show(lang)
        except ServiceError:
            pass  # e.g. the link expired this second: the payment stands, the summary is the one shown
        self.notice = translate_message(lang, MSG_THANKS, {"number": self.number})
