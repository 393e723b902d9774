"""The grid's order actions: the renewal dialog (one order or the selection) and the cancel dialog.

Each dialog gets a fresh idempotency key when it opens; submitting it twice, from a double click or a
retry, renews or cancels once (services.renewals / services.cancellation enforce it).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

import reflex as rx

from introserv_app.db.session import session_scope
from introserv_app.domain.periods import PERIODS
from introserv_app.domain.text import N_
from introserv_app.domain.validation import clean_search, form_fields, parse_id, parse_number
from introserv_app.i18n import format_amount, format_date, format_money, gettext, translate_error, translate_message
from introserv_app.services.billing import Quote, quote_renewal, renew
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.orders import cancel_order, withdraw_cancellation
from introserv_app.state.guard import client_ip, current_viewer
from introserv_app.state.locale import LocaleState, reloader_for
from introserv_app.state.orders import OrdersGridState
from introserv_app.state.session import SessionState

MSG_CANCELLED_NOW = N_("The order is cancelled.")
MSG_CANCEL_SCHEDULED = N_("The order will be cancelled at the end of its paid period.")


def _key() -> str:
    return "dlg-" + secrets.token_hex(16)


class OrderActionsState(rx.State):
    renew_open: bool = False
    cancel_open: bool = False
    busy: bool = False
    error: str = ""
    items: list[dict[str, str]] = []
    net_text: str = ""
    vat_text: str = ""
    gross_text: str = ""
    vat_label: str = ""
    balance_text: str = ""
    covered: bool = False
    cancel_order_id: str = ""
    cancel_name: str = ""
    cancel_paid_until: str = ""
    _plan: list[tuple[int, int]] = []
    _idem: str = ""

    def _reload(self) -> list:
        """The current page's load event (the grid or the order page), to show the change."""
        found = reloader_for(self.router.url.path if self.router.url else "/orders")
        return [found] if found is not None else []

    async def _lang(self) -> str:
        return (await self.get_state(LocaleState)).lang

    def _show_quote(self, quote: Quote, lang: str) -> None:
        self.items = [
            {
                "order_id": str(i.order_id),
                "name": i.service_name,
                "tariff": i.tariff,
                "months": str(i.months),
                "net": format_money(i.net, lang),
                "new_paid_until": format_date(i.new_paid_until, lang),
            }
            for i in quote.items
        ]
        self.net_text = format_money(quote.net, lang)
        self.vat_text = format_money(quote.vat, lang)
        self.gross_text = format_money(quote.gross, lang)
        note = f" ({gettext(lang, quote.vat_note)})" if quote.vat_note else ""
        rate = format_amount(Decimal(quote.vat_rate), lang)
        self.vat_label = translate_message(lang, "VAT {rate} %", {"rate": rate}) + note
        self.balance_text = format_money(quote.balance, lang)
        self.covered = quote.covered

    async def _quote(self) -> None:
        viewer = current_viewer(self)
        lang = await self._lang()
        if viewer is None:
            return
        try:
            with session_scope() as session:
                quote = quote_renewal(session=session, viewer=viewer, items=self._plan)
        except ServiceError as exc:
            self.error = translate_error(lang, exc.message, exc.values)
            self.items, self.covered = [], False
            return
        self.error = ""
        self._show_quote(quote, lang)

    @rx.event
    async def open_renew(self, order_id: str):
        oid = parse_id(order_id)
        if oid is None:
            return
        self._plan, self._idem, self.busy = [(oid, PERIODS[0])], _key(), False
        self.renew_open = True
        await self._quote()

    @rx.event
    async def open_batch_renew(self):
        grid = await self.get_state(OrdersGridState)
        ids = grid._selected_ids()
        if not ids:
            return
        self._plan, self._idem, self.busy = [(oid, PERIODS[0]) for oid in ids], _key(), False
        self.renew_open = True
        await self._quote()

    @rx.event
    async def set_months(self, order_id: str, months: str):
        target, period = parse_id(order_id), parse_number(months, maximum=max(PERIODS))
        if target is None or period is None:
            return  # the service refuses a period the tariff does not offer
        self._plan = [(oid, period if oid == target else m) for oid, m in self._plan]
        await self._quote()

    @rx.event
    def close_renew(self, open_: bool = False):
        self.renew_open = bool(open_)

    @rx.event
    async def confirm_renew(self):
        viewer = current_viewer(self)
        if viewer is None or self.busy or not self._plan:
            return None
        self.busy = True
        lang = await self._lang()
        try:
            with session_scope() as session:
                result = renew(
                    session=session, viewer=viewer, items=self._plan, idem_key=self._idem, ip=client_ip(self)
                )
        except ServiceError as exc:
            self.busy = False
            self.error = translate_error(lang, exc.message, exc.values)
            return None
        self.renew_open, self.busy = False, False
        grid = await self.get_state(OrdersGridState)
        grid.clear_selection()
        if result.paid:
            message = translate_message(
                lang, "Renewed. Invoice {number} is paid from the balance.", {"number": result.invoice_number}
            )
            toast = rx.toast.success(message)
        else:
            message = translate_message(
                lang,
                "Invoice {number} for {amount} is waiting for payment: the balance is not enough.",
                {"number": result.invoice_number, "amount": format_money(result.gross, lang)},
            )
            toast = rx.toast.warning(message)
        return [*self._reload(), SessionState.check_login, toast]

    # ---- cancel ----------------------------------------------------------------------------------

    @rx.event
    def open_cancel(self, order_id: str, name: str, paid_until: str):
        oid = parse_id(order_id)
        if oid is None:
            return
        # the name and date are only shown in the dialog: cleaned so that any text can be sent back safely
        self.cancel_order_id = str(oid)
        self.cancel_name, self.cancel_paid_until = clean_search(name, 100), clean_search(paid_until, 40)
        self.error, self.busy, self.cancel_open = "", False, True

    @rx.event
    def close_cancel(self, open_: bool = False):
        self.cancel_open = bool(open_)

    @rx.event
    async def confirm_cancel(self, form: dict):
        viewer = current_viewer(self)
        if viewer is None or self.busy:
            return None
        lang = await self._lang()
        fields = form_fields(form)
        mode, reason = fields.get("mode", ""), fields.get("reason", "")
        oid = parse_id(self.cancel_order_id)
        if oid is None:
            return None
        try:
            with session_scope() as session:
                cancel_order(
                    session=session,
                    viewer=viewer,
                    order_id=oid,
                    mode=mode if isinstance(mode, str) else "",
                    reason=reason if isinstance(reason, str) else "",
                    ip=client_ip(self),
                )
        except ServiceError as exc:
            self.error = translate_error(lang, exc.message, exc.values)
            return None
        self.cancel_open = False
        done = MSG_CANCELLED_NOW if mode == "immediate" else MSG_CANCEL_SCHEDULED
        return [*self._reload(), rx.toast.success(gettext(lang, done))]

    @rx.event
    async def withdraw(self, order_id: str):
        viewer, oid = current_viewer(self), parse_id(order_id)
        if viewer is None or oid is None:
            return None
        lang = await self._lang()
        try:
            with session_scope() as session:
                withdraw_cancellation(session=session, viewer=viewer, order_id=oid, ip=client_ip(self))
        except ServiceError as exc:
            return rx.toast.error(translate_error(lang, exc.message, exc.values))
        return [*self._reload(), rx.toast.success(gettext(lang, "The cancellation is withdrawn."))]
