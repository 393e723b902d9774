"""The Invoices page (/invoices?status=unpaid&order=123&page=2): the URL is the view, as in the grid."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

import reflex as rx

from introserv_app.db.session import session_scope
from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields, parse_date, parse_id, parse_page
from introserv_app.i18n import format_amount, format_date, format_money, gettext, translate_error, translate_message
from introserv_app.services.billing import INVOICE_STATUSES, invoices_page, normalize_number, pay_invoice, pay_link
from introserv_app.services.common.errors import ServiceError
from introserv_app.state.guard import client_ip, current_viewer
from introserv_app.state.locale import LocaleState
from introserv_app.state.session import SessionState

STATUS_LABELS = {"unpaid": N_("Unpaid"), "paid": N_("Paid"), "cancelled": N_("Cancelled")}
MSG_PAID = N_("Invoice {number} is paid.")


def _str(params: dict, name: str) -> str | None:
    value = params.get(name)
    return value if isinstance(value, str) else None


class InvoicesState(rx.State):
    rows: list[dict[str, str]] = []
    status: str = "all"
    order_filter: str = ""
    page: int = 1
    pages: int = 1
    total_text: str = "0"
    scope_all: bool = False
    busy_id: str = ""
    number: str = ""
    issued_from: str = ""
    issued_to: str = ""
    filtered: bool = False
    lang: str = "en"
    link_open: bool = False
    link_url: str = ""
    link_expires: str = ""
    link_error: str = ""
    link_number: str = ""

    @rx.event
    async def load(self):
        viewer = current_viewer(self)
        if viewer is None:
            return
        params = dict(self.router.url.query_parameters) if self.router.url else {}
        status = _str(params, "status")
        order = parse_id(_str(params, "order"))
        page = parse_page(_str(params, "page")) or 1
        number = normalize_number(_str(params, "number") or "")
        issued_from, issued_to = parse_date(params.get("from")), parse_date(params.get("to"))
        lang = (await self.get_state(LocaleState)).lang
        with session_scope() as session:
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
                "status_label": gettext(lang, STATUS_LABELS.get(r.status, r.status)),
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

    @rx.event
    def apply_filters(self, form: dict):
        fields = form_fields(form)
        number = fields.get("number")
        self.number = normalize_number(number) if isinstance(number, str) else ""
        start, end = parse_date(fields.get("from")), parse_date(fields.get("to"))
        self.issued_from = start.isoformat() if start else ""
        self.issued_to = end.isoformat() if end else ""
        return self._go(self.status, 1)

    @rx.event
    def clear_filters(self):
        self.number = self.issued_from = self.issued_to = self.order_filter = ""
        return self._go(self.status, 1)

    @rx.event
    async def share_link(self, invoice_id: str):
        viewer, iid = current_viewer(self), parse_id(invoice_id)
        if viewer is None or viewer.is_staff or iid is None:
            return
        lang = (await self.get_state(LocaleState)).lang
        self.link_url = self.link_error = self.link_expires = ""
        self.link_number = next((r["number"] for r in self.rows if r["id"] == str(iid)), "")
        try:
            with session_scope() as session:
                link = pay_link(session=session, viewer=viewer, invoice_id=iid)
        except ServiceError as exc:
            self.link_error = translate_error(lang, exc.message, exc.values)
        else:
            self.link_url = link.url
            self.link_expires = format_date(link.expires_at.date(), lang)
        self.link_open = True

    @rx.event
    def set_link_open(self, value: bool):
        self.link_open = bool(value)

    @rx.event
    def set_status(self, value: str | list[str]):
        status = value[0] if isinstance(value, list) and value else value
        return self._go(status if isinstance(status, str) else "all", 1)

    @rx.event
    def go_page(self, page: int):
        if isinstance(page, int) and not isinstance(page, bool):
            return self._go(self.status, min(max(1, page), self.pages))
        return None

    @rx.event
    async def pay(self, invoice_id: str):
        viewer, iid = current_viewer(self), parse_id(invoice_id)
        if viewer is None or viewer.is_staff or iid is None:
            return None
        lang = (await self.get_state(LocaleState)).lang
        self.busy_id = str(iid)
        try:
            with session_scope() as session:
                result = pay_invoice(session=session, viewer=viewer, invoice_id=iid, ip=client_ip(self))
        except ServiceError as exc:
            self.busy_id = ""
            return rx.toast.error(translate_error(lang, exc.message, exc.values))
        self.busy_id = ""
        return [
            InvoicesState.load,
            SessionState.check_login,
            rx.toast.success(translate_message(lang, MSG_PAID, {"number": result.invoice_number})),
        ]
