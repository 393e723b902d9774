"""The Invoices page (/invoices?status=unpaid&order=123&page=2): the URL is the view, as in the grid."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

import reflex as rx

from introserv_app.domain.statuses import INVOICE_STATUS_LABELS
from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields, parse_date, parse_id
from introserv_app.i18n import format_amount, format_date, format_money, gettext
from introserv_app.services.billing import (
    INVOICE_STATUSES,
    credit_notes_for,
    invoices_page,
    normalize_number,
    pay_invoice,
    pay_link,
)
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.session import SessionState
from introserv_app.state.url import page_url

MSG_PAID = N_("Invoice {number} is paid.")


class InvoicesState(rx.State):
    rows: Field[list[dict[str, str]]] = field([])
    status: Field[str] = field("all")
    order_filter: Field[str] = field("")
    page: Field[int] = field(1)
    pages: Field[int] = field(1)
    total_text: Field[str] = field("0")
    scope_all: Field[bool] = field(False)
    busy_id: Field[str] = field("")
    number: Field[str] = field("")
    issued_from: Field[str] = field("")
    issued_to: Field[str] = field("")
    filtered: Field[bool] = field(False)
    lang: Field[str] = field("en")
    link_open: Field[bool] = field(False)
    link_url: Field[str] = field("")
    link_expires: Field[str] = field("")
    link_error: Field[str] = field("")
    link_number: Field[str] = field("")
    #: The customer's credit notes (refunds of invoices), newest first.
    notes: Field[list[dict[str, str]]] = field([])

    @event
    async def load(self):
        ctx = await Ctx.of(self)
        viewer, lang = ctx.viewer, ctx.lang
        if viewer is None:
            return
        url = page_url(self)
        status, order, page = url.get("status"), url.id("order"), url.page()
        number = normalize_number(url.get("number") or "")
        issued_from, issued_to = url.date("from"), url.date("to")
        with ctx.session() as session:
            result = invoices_page(
                session=session,
                viewer=viewer,
                status=status if status in INVOICE_STATUSES else None,
                order_id=order,
                number=number,
                issued_from=issued_from,
                issued_to=issued_to,
                page=page,
            )
            notes = [] if viewer.is_staff else credit_notes_for(session=session, viewer=viewer)
        self.notes = [
            {"id": str(n.id), "number": n.number, "invoice": n.invoice_number, "amount": format_money(n.gross, lang),
             "issued": format_date(n.issued_at.date(), lang)}
            for n in notes
        ]  # fmt: skip
        self.lang = lang
        self.number = number
        self.issued_from = issued_from.isoformat() if issued_from else ""
        self.issued_to = issued_to.isoformat() if issued_to else ""
        self.filtered = bool(number or issued_from or issued_to or order)
        self.status = status if status in INVOICE_STATUSES else "all"
        self.order_filter = str(order) if order else ""
        self.page, self.pages, self.scope_all = result.page, result.pages, viewer.is_staff
        self.total_text = format_amount(result.total, lang)
        self.rows = [
            {
                "id": str(r.id),
                "number": r.number,
                "issued": format_date(r.issued_at.date(), lang),
                "due": format_date(r.due_at.date(), lang) if r.due_at else "",
                "net": format_money(r.net, lang),
                "vat": format_money(r.vat, lang),
                "vat_rate": format_amount(Decimal(r.vat_rate), lang) + " %",
                "gross": format_money(r.gross, lang),
                "status": r.status,
                "status_label": gettext(lang, INVOICE_STATUS_LABELS.get(r.status, r.status)),
                "customer": r.customer,
            }
            for r in result.rows
        ]

    def _go(self, status: str, page: int):
        params = {
            "status": status if status in INVOICE_STATUSES else "",
            "order": self.order_filter,
            "number": self.number,
            "from": self.issued_from,
            "to": self.issued_to,
            "page": str(page) if page > 1 else "",
        }
        query = urlencode({k: v for k, v in params.items() if v})
        return rx.redirect("/invoices" + ("?" + query if query else ""))

    @event
    def apply_filters(self, form: dict):
        fields = form_fields(form)
        number = fields.get("number")
        self.number = normalize_number(number) if isinstance(number, str) else ""
        start, end = parse_date(fields.get("from")), parse_date(fields.get("to"))
        self.issued_from = start.isoformat() if start else ""
        self.issued_to = end.isoformat() if end else ""
        return self._go(self.status, 1)

    @event
    def clear_filters(self):
        self.number = self.issued_from = self.issued_to = self.order_filter = ""
        return self._go(self.status, 1)

    @event
    async def share_link(self, invoice_id: str):
        ctx, iid = await Ctx.of(self), parse_id(invoice_id)
        if ctx.viewer is None or ctx.viewer.is_staff or iid is None:
            return
        self.link_url = self.link_error = self.link_expires = ""
        self.link_number = next((r["number"] for r in self.rows if r["id"] == str(iid)), "")
        link = ctx.run(lambda s, v: pay_link(session=s, viewer=v, invoice_id=iid))
        if isinstance(link, Refused):
            self.link_error = link.message
        else:
            self.link_url = link.url
            self.link_expires = format_date(link.expires_at.date(), ctx.lang)
        self.link_open = True

    @event
    def set_link_open(self, value: bool):
        self.link_open = bool(value)

    @event
    def set_status(self, value: str | list[str]):
        status = value[0] if isinstance(value, list) and value else value
        return self._go(status if isinstance(status, str) else "all", 1)

    @event
    def go_page(self, page: int):
        if isinstance(page, int) and not isinstance(page, bool):
            return self._go(self.status, min(max(1, page), self.pages))
        return None

    @event
    async def pay(self, invoice_id: str):
        ctx, iid = await Ctx.of(self), parse_id(invoice_id)
        if ctx.viewer is None or ctx.viewer.is_staff or iid is None:
            return None
        self.busy_id = str(iid)
        ip = ctx.ip
        result = ctx.run(lambda s, v: pay_invoice(session=s, viewer=v, invoice_id=iid, ip=ip))
        self.busy_id = ""
        if isinstance(result, Refused):
            return rx.toast.error(result.message)
        return [
            InvoicesState.load,
            SessionState.check_login,
            rx.toast.success(ctx.text(MSG_PAID, {"number": result.invoice_number})),
        ]
