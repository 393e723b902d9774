"""/staff/tariffs: the tariff catalog, for support staff and admins."""

from __future__ import annotations

import reflex as rx

from introserv_app.db.session import session_scope
from introserv_app.domain.money import CURRENCIES
from introserv_app.domain.periods import PERIODS
from introserv_app.domain.text import N_
from introserv_app.domain.validation import clean_search, form_fields, parse_id
from introserv_app.i18n import format_money, gettext, translate_error, translate_message
from introserv_app.services.billing import current_rates, list_tariffs, save_tariff, set_rate
from introserv_app.services.common.errors import PermissionDenied, ServiceError
from introserv_app.state.catalog import PRODUCT_TYPES
from introserv_app.state.guard import STAFF_STATES, admin_only, client_ip, current_viewer, staff_only
from introserv_app.state.locale import LocaleState

MSG_SAVED = N_("Tariff {code} is saved.")
MSG_RATES_SAVED = N_("Currency rates saved.")
EMPTY = {"id": "", "code": "", "name": "", "type": "vps", "currency": "EUR", "active": "1"} | {
    f"p{m}": "" for m in PERIODS
}


class TariffsState(rx.State):
    rows: list[dict[str, str]] = []
    open: bool = False
    form: dict[str, str] = dict(EMPTY)
    error: str = ""
    busy: bool = False
    rates: list[list[str]] = []  # [currency, units per EUR]
    _raw: dict[str, dict[str, str]] = {}

    @rx.event
    @staff_only
    async def load(self):
        viewer = current_viewer(self)
        if viewer is None:
            return
        lang = (await self.get_state(LocaleState)).lang
        try:
            with session_scope() as session:
                tariffs = list_tariffs(session=session, viewer=viewer, ip=client_ip(self))
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
        with session_scope() as session:
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

    @rx.event
    @staff_only
    def open_new(self):
        self.form, self.error, self.busy, self.open = dict(EMPTY), "", False, True

    @rx.event
    @staff_only
    def open_edit(self, tariff_id: str):
        if isinstance(tariff_id, str) and tariff_id in self._raw:
            self.form, self.error, self.busy, self.open = dict(self._raw[tariff_id]), "", False, True

    @rx.event
    @staff_only
    def set_open(self, value: bool):
        self.open = bool(value)

    @rx.event
    @admin_only
    async def save(self, form: dict):
        viewer = current_viewer(self)
        if viewer is None or self.busy:
            return None
        lang = (await self.get_state(LocaleState)).lang
        tariff_id, fields = parse_id(self.form.get("id", "")), form_fields(form)
        self.busy = True
        try:
            with session_scope() as session:
                save_tariff(
                    session=session,
                    viewer=viewer,
                    tariff_id=tariff_id,
                    code=fields.get("code", ""),
                    name=fields.get("name", ""),
                    product_type=fields.get("type", ""),
                    currency=fields.get("currency", ""),
                    prices={str(m): fields.get(f"p{m}", "") for m in PERIODS},
                    is_active=fields.get("active") in ("on", True, "true", "1"),
                    ip=client_ip(self),
                )
        except ServiceError as exc:
            self.busy, self.error = False, translate_error(lang, exc.message, exc.values)
            return None
        self.busy, self.open = False, False
        code = clean_search(fields.get("code"), 32)
        return [TariffsState.load, rx.toast.success(translate_message(lang, MSG_SAVED, {"code": code}))]

    @rx.event
    @admin_only
    async def save_rates(self, form: dict):
        viewer = current_viewer(self)
        if viewer is None or self.busy:
            return None
        lang = (await self.get_state(LocaleState)).lang
        try:
            fields = form_fields(form)
            with session_scope() as session:
                for currency, old in self.rates:
                    value = fields.get(f"rate-{currency}", "")
                    if isinstance(value, str) and value.strip() and value.strip() != old:
                        set_rate(session=session, viewer=viewer, currency=currency, per_eur=value, ip=client_ip(self))
        except ServiceError as exc:
            return rx.toast.error(translate_error(lang, exc.message, exc.values))
        return [TariffsState.load, rx.toast.success(gettext(lang, MSG_RATES_SAVED))]


STAFF_STATES.append(TariffsState)
