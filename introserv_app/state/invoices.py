"""The Invoices page (/invoices?status=unpaid&order=123&page=2): the URL is the view, as in the grid."""

from __future__ import annotations

from decimal import Decimal

import reflex as rx

from introserv_app.db.session import session_scope
from introserv_app.domain.text import N_
from introserv_app.i18n import format_amount, format_date, format_money, gettext, translate_error, translate_message
from introserv_app.services.errors import ServiceError
from introserv_app.services.invoices import INVOICE_STATUSES, invoices_page
from introserv_app.services.renewals import pay_invoice
from introserv_app.state.guard import client_ip, current_viewer
from introserv_app.state.locale import LocaleState
from introserv_app.state.session import SessionState

STATUS_LABELS = {"unpaid": N_("Unpaid"), "paid": N_("Paid"), "cancelled": N_("Cancelled")}
MSG_PAID = N_("Invoice {number} is paid.")


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


class InvoicesState(rx.State):
    rows: list[dict[str, str]] = []
    status: str = "all"
    order_filter: str = ""
    page: int = 1
    pages: int = 1
    total_text: str = "0"
    scope_all: bool = False
    busy_id: str = ""

    @rx.event
    async def load(self):
        viewer = current_viewer(self)
        if viewer is None:
            return
        params = dict(self.router.url.query_parameters) if self.router.url else {}
        status = params.get("status") if isinstance(params.get("status"), str) else None
        order = _int(params.get("order") if isinstance(params.get("order"), str) else None)
        page = _int(params.get("page") if isinstance(params.get("page"), str) else None) or 1
        lang = (await self.get_state(LocaleState)).lang
        with session_scope() as session:
            result = invoices_page(
                session=session,
                viewer=viewer,
                status=status if status in INVOICE_STATUSES else None,
                order_id=order,
                page=page,
            )
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
        params = []
        if status in INVOICE_STATUSES:
            params.append(f"status={status}")
        if self.order_filter:
            params.append(f"order={self.order_filter}")
        if page > 1:
            params.append(f"page={page}")
        return rx.redirect("/invoices" + ("?" + "&".join(params) if params else ""))

    @rx.event
    def set_status(self, value: str | list[str]):
        status = value if isinstance(value, str) else (value[0] if value else "all")
        return self._go(status, 1)

    @rx.event
    def go_page(self, page: int):
        if isinstance(page, int) and not isinstance(page, bool):
            return self._go(self.status, min(max(1, page), self.pages))
        return None

    @rx.event
    async def pay(self, invoice_id: str):
        viewer = current_viewer(self)
        if viewer is None or viewer.is_staff or not (isinstance(invoice_id, str) and invoice_id.isdigit()):
            return None
        lang = (await self.get_state(LocaleState)).lang
        self.busy_id = invoice_id
        try:
            with session_scope() as session:
                result = pay_invoice(
                    session=session, viewer=viewer, invoice_id=int(invoice_id[:10]), ip=client_ip(self)
                )
        except ServiceError as exc:
            self.busy_id = ""
            return rx.toast.error(translate_error(lang, exc.message, exc.values))
        self.busy_id = ""
        return [
            InvoicesState.load,
            SessionState.check_login,
            rx.toast.success(translate_message(lang, MSG_PAID, {"number": result.invoice_number})),
        ]
