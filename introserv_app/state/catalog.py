"""/order: the tariff catalog and the order dialog (a new "Not processed" order and its invoice)."""

from __future__ import annotations

from decimal import Decimal

import reflex as rx

from introserv_app.domain.keys import new_idem_key
from introserv_app.domain.text import N_
from introserv_app.i18n import format_amount, format_money, gettext, translate_message
from introserv_app.services.billing import catalog, place_order, quote_order
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field

PRODUCT_TYPES = {"vps": N_("Virtual servers"), "dedicated": N_("Dedicated servers"), "storage": N_("Storage")}
MSG_PLACED = N_("Order {order} is placed. Pay invoice {number} to start it.")
MSG_MONTHS = N_("{months} mo.")


class CatalogState(rx.State):
    items: Field[list[dict[str, str]]] = field([])
    periods: Field[dict[str, list[list[str]]]] = field({})  # tariff id -> [[months, label with price], ...]
    open: Field[bool] = field(False)
    busy: Field[bool] = field(False)
    error: Field[str] = field("")
    tariff_id: Field[str] = field("")
    tariff_name: Field[str] = field("")
    months: Field[str] = field("1")
    net_text: Field[str] = field("")
    vat_text: Field[str] = field("")
    vat_label: Field[str] = field("")
    gross_text: Field[str] = field("")
    vat_note: Field[str] = field("")
    _idem: str = ""

    @event
    async def load(self):
        ctx = await Ctx.of(self)
        viewer, lang = ctx.viewer, ctx.lang
        if viewer is None:
            return
        with ctx.session() as session:
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
        ctx = await Ctx.of(self)
        if ctx.viewer is None:
            return
        lang = ctx.lang
        tariff_id, months = int(self.tariff_id), int(self.months)
        q = ctx.run(lambda s, v: quote_order(session=s, viewer=v, tariff_id=tariff_id, months=months))
        if isinstance(q, Refused):
            self.error = q.message
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

    @event
    async def open_order(self, tariff_id: str):
        if not (isinstance(tariff_id, str) and tariff_id in self.periods):  # the ids of the tariffs shown
            return
        self.tariff_id, self.months, self.busy = tariff_id, self.periods[tariff_id][0][0], False
        self._idem = new_idem_key("order")
        self.open = True
        await self._quote()

    @event
    async def set_months(self, months: str):
        if isinstance(months, str) and any(p[0] == months for p in self.periods.get(self.tariff_id, [])):
            self.months = months
            await self._quote()

    @event
    def set_open(self, value: bool):
        self.open = bool(value)

    @event
    async def confirm(self):
        ctx = await Ctx.of(self)
        if ctx.viewer is None or self.busy or not self.tariff_id:
            return None
        self.busy = True
        tariff_id, months, idem_key, ip = int(self.tariff_id), int(self.months), self._idem, ctx.ip
        placed = ctx.run(
            lambda s, v: place_order(session=s, viewer=v, tariff_id=tariff_id, months=months, idem_key=idem_key, ip=ip)
        )
        if isinstance(placed, Refused):
            self.busy, self.error = False, placed.message
            return None
        self.busy, self.open = False, False
        text = ctx.text(MSG_PLACED, {"order": placed.service_name, "number": placed.invoice_number})
        return [rx.redirect(f"/invoices?order={placed.order_id}&status=unpaid"), rx.toast.success(text)]
