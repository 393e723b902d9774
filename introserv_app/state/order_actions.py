"""The grid's order actions: the renewal dialog (one order or the selection) and the cancel dialog.

Each dialog gets a fresh idempotency key when it opens; submitting it twice, from a double click or a
retry, renews or cancels once (services.renewals / services.cancellation enforce it).
"""

from __future__ import annotations

from decimal import Decimal

import reflex as rx
from sqlmodel import Session

from introserv_app.config import get_settings
from introserv_app.db.types import utcnow
from introserv_app.domain.keys import new_idem_key
from introserv_app.domain.money import Money
from introserv_app.domain.periods import PERIODS
from introserv_app.domain.statuses import CancelMode
from introserv_app.domain.text import N_
from introserv_app.domain.validation import clean_search, form_fields, parse_id, parse_number
from introserv_app.i18n import format_amount, format_date, format_money, gettext, translate_message
from introserv_app.services.billing import Quote, credit_unused, quote_renewal, renew
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.orders import cancel_order, withdraw_cancellation
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.orders import OrdersGridState
from introserv_app.state.reloaders import reloader_for
from introserv_app.state.session import SessionState

MSG_CANCELLED_NOW = N_("The order is cancelled.")
MSG_UNUSED_CREDITED = N_("{amount} for the unused days is credited to your balance.")
MSG_CANCEL_SCHEDULED = N_("The order will be cancelled at the end of its paid period.")
MSG_REFUSED_SOME = N_("{count} of the selected orders cannot be renewed now:")
MSG_RENEW_OTHERS = N_("Renew the other {count}")


def _key() -> str:
    return new_idem_key("dlg")


class OrderActionsState(rx.State):
    renew_open: Field[bool] = field(False)
    cancel_open: Field[bool] = field(False)
    busy: Field[bool] = field(False)
    error: Field[str] = field("")
    items: Field[list[dict[str, str]]] = field([])
    #: Selected orders that cannot be renewed now, each with its reason (the others can still be renewed).
    refused: Field[list[dict[str, str]]] = field([])
    refused_title: Field[str] = field("")
    renew_others_text: Field[str] = field("")
    net_text: Field[str] = field("")
    vat_text: Field[str] = field("")
    gross_text: Field[str] = field("")
    vat_label: Field[str] = field("")
    balance_text: Field[str] = field("")
    covered: Field[bool] = field(False)
    cancel_order_id: Field[str] = field("")
    #: "Cancel immediately" credits the unused days (`INTROSERV_REFUND_UNUSED`): the dialog says so.
    refund_unused: Field[bool] = field(False)
    cancel_name: Field[str] = field("")
    cancel_paid_until: Field[str] = field("")
    _plan: list[tuple[int, int]] = []
    _idem: str = ""

    def _reload(self) -> list[object]:
        """The current page's load event (the grid or the order page), to show the change."""
        found = reloader_for(self.router.url.path if self.router.url else "/orders")
        return [found] if found is not None else []

    def _show_quote(self, quote: Quote, lang: str) -> None:
        self.refused = [
            {"order_id": str(r.order_id), "name": r.service_name, "reason": gettext(lang, r.reason)}
            for r in quote.refused
        ]
        count = {"count": format_amount(len(quote.refused), lang)}
        self.refused_title = translate_message(lang, MSG_REFUSED_SOME, count) if quote.refused else ""
        self.renew_others_text = translate_message(
            lang, MSG_RENEW_OTHERS, {"count": format_amount(len(quote.items), lang)}
        )
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
        ctx = await Ctx.of(self)
        if ctx.viewer is None:
            return
        plan = list(self._plan)
        quote = ctx.run(lambda s, v: quote_renewal(session=s, viewer=v, items=plan, partial=True))
        if isinstance(quote, Refused):
            self.error = quote.message
            self.items, self.refused, self.refused_title, self.covered = [], [], "", False
            return
        self.error = ""
        self._show_quote(quote, ctx.lang)

    def _renewable(self) -> list[tuple[int, int]]:
        """The plan without the orders the last quote refused: "renew the other N" renews exactly these."""
        refused = {int(r["order_id"]) for r in self.refused}
        return [(oid, months) for oid, months in self._plan if oid not in refused]

    @event
    async def open_renew(self, order_id: str):
        oid = parse_id(order_id)
        if oid is None:
            return
        self._plan, self._idem, self.busy = [(oid, PERIODS[0])], _key(), False
        self.renew_open = True
        await self._quote()

    @event
    async def open_batch_renew(self):
        grid = await self.get_state(OrdersGridState)
        ids = grid._selected_ids()
        if not ids:
            return
        self._plan, self._idem, self.busy = [(oid, PERIODS[0]) for oid in ids], _key(), False
        self.renew_open = True
        await self._quote()

    @event
    async def set_months(self, order_id: str, months: str):
        target, period = parse_id(order_id), parse_number(months, maximum=max(PERIODS))
        if target is None or period is None:
            return  # the service refuses a period the tariff does not offer
        self._plan = [(oid, period if oid == target else m) for oid, m in self._plan]
        await self._quote()

    @event
    async def drop_refused(self):
        """Remove the orders that cannot be renewed from the selection (and from this dialog)."""
        refused = {int(r["order_id"]) for r in self.refused}
        if not refused:
            return
        self._plan = [(oid, months) for oid, months in self._plan if oid not in refused]
        grid = await self.get_state(OrdersGridState)
        grid._drop_from_selection(refused)
        if self._plan:
            await self._quote()
        else:
            self.renew_open = False

    @event
    def close_renew(self, open_: bool = False):
        self.renew_open = bool(open_)

    @event
    async def confirm_renew(self):
        ctx = await Ctx.of(self)
        plan = self._renewable()
        if ctx.viewer is None or self.busy or not plan:
            return None
        self.busy = True
        lang = ctx.lang
        idem_key, ip = self._idem, ctx.ip
        # all or nothing for these orders: if one of them changed since the quote, nothing is renewed
        result = ctx.run(lambda s, v: renew(session=s, viewer=v, items=plan, idem_key=idem_key, ip=ip))
        if isinstance(result, Refused):
            self.busy = False
            await self._quote()
            self.error = result.message
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

    @event
    def open_cancel(self, order_id: str, name: str, paid_until: str):
        oid = parse_id(order_id)
        if oid is None:
            return
        # the name and date are only shown in the dialog: cleaned so that any text can be sent back safely
        self.cancel_order_id = str(oid)
        self.cancel_name, self.cancel_paid_until = clean_search(name, 100), clean_search(paid_until, 40)
        self.error, self.busy, self.cancel_open = "", False, True
        self.refund_unused = get_settings().refund_unused

    @event
    def close_cancel(self, open_: bool = False):
        self.cancel_open = bool(open_)

    @event
    async def confirm_cancel(self, form: dict):
        ctx = await Ctx.of(self)
        if ctx.viewer is None or self.busy:
            return None
        fields = form_fields(form)
        mode, reason = fields.get("mode", ""), fields.get("reason", "")
        oid = parse_id(self.cancel_order_id)
        if oid is None:
            return None
        ip = ctx.ip

        def cancel(s: Session, v: Viewer) -> Money | None:
            order = cancel_order(
                session=s,
                viewer=v,
                order_id=oid,
                mode=mode if isinstance(mode, str) else "",
                reason=reason if isinstance(reason, str) else "",
                ip=ip,
            )
            now = order.cancelled_at or utcnow()
            return credit_unused(session=s, viewer=v, order_id=oid, now=now) if mode == CancelMode.IMMEDIATE else None

        done = ctx.run(cancel)
        if isinstance(done, Refused):
            self.error = done.message
            return None
        self.cancel_open = False
        message = MSG_CANCELLED_NOW if mode == CancelMode.IMMEDIATE else MSG_CANCEL_SCHEDULED
        text = ctx.text(message)
        if done is not None:
            text += " " + ctx.text(MSG_UNUSED_CREDITED, {"amount": format_money(done, ctx.lang)})
        return [*self._reload(), SessionState.check_login, rx.toast.success(text)]

    @event
    async def withdraw(self, order_id: str):
        ctx, oid = await Ctx.of(self), parse_id(order_id)
        if ctx.viewer is None or oid is None:
            return None
        ip = ctx.ip
        done = ctx.run(lambda s, v: withdraw_cancellation(session=s, viewer=v, order_id=oid, ip=ip))
        if isinstance(done, Refused):
            return rx.toast.error(done.message)
        return [*self._reload(), rx.toast.success(ctx.text(N_("The cancellation is withdrawn.")))]
