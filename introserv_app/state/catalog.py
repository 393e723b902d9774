"""/order: the tariff catalog and the order dialog (a new "Not processed" order and its invoice)."""

from __future__ import annotations

import secrets
from decimal import Decimal

import reflex as rx

from introserv_app.db.session import session_scope
from introserv_app.domain.text import N_
from introserv_app.i18n import format_amount, format_money, gettext, translate_error, translate_message
from introserv_app.services.billing import catalog, place_order, quote_order
from introserv_app.services.common.errors import ServiceError
from introserv_app.state.guard import client_ip, current_viewer
from introserv_app.state.locale import LocaleState

PRODUCT_TYPES = {"vps": N_("Virtual servers"), "dedicated": N_("Dedicated servers"), "storage": N_("Storage")}
MSG_PLACED = N_("Order {order} is placed. Pay invoice {number} to start it.")
MSG_MONTHS = N_("{months} mo.")


class CatalogState(rx.State):
    items: list[dict[str, str]] = []
    periods: dict[str, list[list[str]]] = {}  # tariff id -> [[months, label with price], ...]
    open: bool = False
    busy: bool = False
    error: str = ""
    tariff_id: str = ""
    tariff_name: str = ""
    months: str = "1"
    net_text: str = ""
    vat_text: str = ""
    vat_label: str = ""
    gross_text: str = ""
    vat_note: str = ""
    _idem: str = ""

    @rx.event
    async def load(self):
        viewer = current_viewer(self)
        if viewer is None:
            return
        lang = (await self.get_state(LocaleState)).lang
        with session_scope() as session:
            found = catalog(session=session, viewer=viewer)
        self.items = [
            {
                "id": str(i.id),
                "name": i.name,
                "type": gettext(lang, PRODUCT_TYPES.get(i.product_type, i.product_type)),
                "from": format_money(min(i.prices.values(), key=lambda m: m.minor / 1), lang),
                "monthly": format_money(i.prices[min(i.prices)], lang),
            }
            for i in found
        ]
        self.periods = {
            str(i.id): [
                [str(m), translate_message(lang, MSG_MONTHS, {"months": m}) + " — " + format_money(p, lang)]
                for m, p in sorted(i.prices.items())
            ]
            for i in found
        }

    async def _quote(self) -> None:
        viewer = current_viewer(self)
        if viewer is None:
            return
        lang = (await self.get_state(LocaleState)).lang
        try:
            with session_scope() as session:
                q = quote_order(session=session, viewer=viewer, tariff_id=int(self.tariff_id), months=int(self.months))
        except ServiceError as exc:
            self.error = translate_error(lang, exc.message, exc.values)
            return
        self.error = ""
        self.tariff_name = q.tariff
        self.net_text, self.vat_text, self.gross_text = (
            format_money(q.net, lang),
            format_money(q.vat, lang),
            format_money(q.gross, lang),
        )
        self.vat_label = format_amount(Decimal(q.vat_rate), lang) + " %"
        self.vat_note = gettext(lang, q.vat_note) if q.vat_note else ""

    @rx.event
    async def open_order(self, tariff_id: str):
        if not (isinstance(tariff_id, str) and tariff_id in self.periods):  # the ids of the tariffs shown
            return
        self.tariff_id, self.months, self.busy = tariff_id, self.periods[tariff_id][0][0], False
        self._idem = "order-" + secrets.token_hex(16)
        self.open = True
        await self._quote()

    @rx.event
    async def set_months(self, months: str):
        if isinstance(months, str) and any(p[0] == months for p in self.periods.get(self.tariff_id, [])):
            self.months = months
            await self._quote()

    @rx.event
    def set_open(self, value: bool):
        self.open = bool(value)

    @rx.event
    async def confirm(self):
        viewer = current_viewer(self)
        if viewer is None or self.busy or not self.tariff_id:
            return None
        lang = (await self.get_state(LocaleState)).lang
        self.busy = True
        try:
            with session_scope() as session:
                placed = place_order(
                    session=session,
                    viewer=viewer,
                    tariff_id=int(self.tariff_id),
                    months=int(self.months),
                    idem_key=self._idem,
                    ip=client_ip(self),
                )
        except ServiceError as exc:
            self.busy, self.error = False, translate_error(lang, exc.message, exc.values)
            return None
        self.busy, self.open = False, False
        text = translate_message(lang, MSG_PLACED, {"order": placed.service_name, "number": placed.invoice_number})
        return [rx.redirect(f"/invoices?order={placed.order_id}&status=unpaid"), rx.toast.success(text)]
