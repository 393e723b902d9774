"""/staff/tariffs: the tariff catalog, for support staff and admins."""

from __future__ import annotations

import reflex as rx

from introserv_app.domain.money import CURRENCIES
from introserv_app.domain.periods import PERIODS
from introserv_app.domain.text import N_
from introserv_app.domain.validation import clean_search, form_fields, parse_id
from introserv_app.i18n import format_money, gettext
from introserv_app.services.billing import current_rates, list_tariffs, save_tariff, set_rate
from introserv_app.services.common.errors import PermissionDenied, ServiceError
from introserv_app.state import forms
from introserv_app.state.catalog import PRODUCT_TYPES
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.guard import STAFF_STATES, admin_only, staff_only

MSG_SAVED = N_("Tariff {code} is saved.")
MSG_RATES_SAVED = N_("Currency rates saved.")
EMPTY = {"id": "", "code": "", "name": "", "type": "vps", "currency": "EUR", "active": "1"} | {
    f"p{m}": "" for m in PERIODS
}


class TariffsState(rx.State):
    rows: Field[list[dict[str, str]]] = field([])
    open: Field[bool] = field(False)
    form: Field[dict[str, str]] = field(dict(EMPTY))
    error: Field[str] = field("")
    busy: Field[bool] = field(False)
    rates: Field[list[list[str]]] = field([])  # [currency, units per EUR]
    _raw: dict[str, dict[str, str]] = {}

    @event
    @staff_only
    async def load(self):
        ctx = await Ctx.of(self)
        viewer, lang = ctx.viewer, ctx.lang
        if viewer is None:
            return
        try:
            with ctx.session() as session:
                tariffs = list_tariffs(session=session, viewer=viewer, ip=ctx.ip)
        except PermissionDenied:
            self.rows = []
            return
        self.rows = [
            {
                "id": str(t.id),
                "code": t.code,
                "name": t.name,
                "type": gettext(lang, PRODUCT_TYPES.get(t.product_type, t.product_type)),
                "currency": t.currency,
                "active": "1" if t.is_active else "",
                "orders": str(t.orders),
                **{f"p{m}": format_money(t.prices[m], lang) if m in t.prices else "—" for m in PERIODS},
            }
            for t in tariffs
        ]
        with ctx.session() as session:
            current = current_rates(session=session)
        self.rates = [
            [c, format(current[c].normalize(), "f") if c in current else ""] for c in CURRENCIES if c != "EUR"
        ]
        self._raw = {
            str(t.id): {
                "id": str(t.id),
                "code": t.code,
                "name": t.name,
                "type": t.product_type,
                "currency": t.currency,
                "active": "1" if t.is_active else "",
                **{f"p{m}": str(t.prices[m].amount) if m in t.prices else "" for m in PERIODS},
            }
            for t in tariffs
        }

    @event
    @staff_only
    def open_new(self):
        self.form, self.error, self.busy, self.open = dict(EMPTY), "", False, True

    @event
    @staff_only
    def open_edit(self, tariff_id: str):
        if isinstance(tariff_id, str) and tariff_id in self._raw:
            self.form, self.error, self.busy, self.open = dict(self._raw[tariff_id]), "", False, True

    @event
    @staff_only
    def set_open(self, value: bool):
        self.open = bool(value)

    @event
    @admin_only
    async def save(self, form: dict):
        ctx = await Ctx.of(self)
        if ctx.viewer is None or self.busy:
            return None
        tariff_id, fields, ip = parse_id(self.form.get("id", "")), form_fields(form), ctx.ip
        self.busy = True
        done = ctx.run(
            lambda s, v: save_tariff(
                session=s,
                viewer=v,
                tariff_id=tariff_id,
                code=forms.text(fields, "code"),
                name=forms.text(fields, "name"),
                product_type=forms.text(fields, "type"),
                currency=forms.text(fields, "currency"),
                prices={str(m): forms.text(fields, f"p{m}") for m in PERIODS},
                is_active=fields.get("active") in ("on", True, "true", "1"),
                ip=ip,
            )
        )
        if isinstance(done, Refused):
            self.busy, self.error = False, done.message
            return None
        self.busy, self.open = False, False
        code = clean_search(fields.get("code"), 32)
        return [TariffsState.load, rx.toast.success(ctx.text(MSG_SAVED, {"code": code}))]

    @event
    @admin_only
    async def save_rates(self, form: dict):
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None or self.busy:
            return None
        try:
            fields = form_fields(form)
            with ctx.session() as session:
                for currency, old in self.rates:
                    value = fields.get(f"rate-{currency}", "")
                    if isinstance(value, str) and value.strip() and value.strip() != old:
                        set_rate(session=session, viewer=viewer, currency=currency, per_eur=value, ip=ctx.ip)
        except ServiceError as exc:
            return rx.toast.error(ctx.refusal(exc))
        return [TariffsState.load, rx.toast.success(ctx.text(MSG_RATES_SAVED))]


STAFF_STATES.append(TariffsState)
