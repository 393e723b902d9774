"""Paying through a provider from the panel: the top bar's Add funds dialog and an invoice's "Pay online". The
payment is written, the provider makes a checkout (no lock held meanwhile), and the tab goes to its page."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx

from introserv_app.domain.keys import new_idem_key
from introserv_app.domain.money import parse_amount
from introserv_app.domain.payments import provider_label
from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields, parse_id
from introserv_app.services.billing import (
    MSG_BAD_TOPUP,
    Draft,
    account_currency,
    invoice_document,
    offered_providers,
    open_payment,
    start_checkout,
)
from introserv_app.services.common.errors import ServiceError
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field

MSG_NO_METHODS = N_("No payment method is available for this currency. Please contact support.")


def go_to(url: str) -> Any:
    """A full page load of `url` (a provider's page, or the panel's own hosted demo checkout)."""
    return rx.call_script(f"window.location.assign({json.dumps(url)})")


def start(ctx: Ctx, draft: Draft) -> str | Refused:
    """The provider's checkout for a written payment: its URL, or the refusal to show (provider down)."""
    try:
        return start_checkout(draft)
    except ServiceError as exc:
        return Refused(ctx.refusal(exc))


class FundsState(rx.State):
    open: Field[bool] = field(False)
    busy: Field[bool] = field(False)
    error: Field[str] = field("")
    #: "" for a top-up, else the invoice being paid (its number and total are shown).
    invoice_id: Field[str] = field("")
    invoice_number: Field[str] = field("")
    invoice_total: Field[str] = field("")
    providers: Field[list[dict[str, str]]] = field([])
    _idem: str = ""

    def _offer(self, ctx: Ctx, currency: str) -> None:
        with ctx.session() as session:
            names = offered_providers(session=session, user_id=ctx.viewer.user_id, currency=currency)  # type: ignore[union-attr]
        self.providers = [{"value": n, "label": ctx.text(provider_label(n))} for n in names]
        self.error = "" if names else ctx.text(MSG_NO_METHODS)

    @event
    async def open_dialog(self):
        ctx = await Ctx.of(self)
        if ctx.viewer is None or ctx.viewer.is_staff:
            return
        self.open, self.busy, self._idem = True, False, new_idem_key("topup")
        self.invoice_id, self.invoice_number, self.invoice_total = "", "", ""
        with ctx.session() as session:
            currency = account_currency(session=session, user_id=ctx.viewer.user_id)
        self._offer(ctx, currency)

    @event
    async def open_for_invoice(self, invoice_id: str):
        ctx, iid = await Ctx.of(self), parse_id(invoice_id)
        if ctx.viewer is None or ctx.viewer.is_staff or iid is None:
            return None
        doc = ctx.run(lambda s, v: invoice_document(session=s, viewer=v, invoice_id=iid, lang=ctx.lang))
        if isinstance(doc, Refused):
            return rx.toast.error(doc.message)
        self.open, self.busy, self._idem = True, False, new_idem_key("invpay")
        self.invoice_id, self.invoice_number, self.invoice_total = str(iid), doc.number, doc.gross
        self._offer(ctx, doc.gross_money.currency)
        return None

    @event
    def set_open(self, value: bool):
        self.open = bool(value)

    @event
    async def submit(self, form: dict):
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None or viewer.is_staff or self.busy:
            return None
        form = form_fields(form)
        provider = form.get("provider")
        provider = provider if isinstance(provider, str) else ""
        invoice_id, amount_minor = parse_id(self.invoice_id), None
        if invoice_id is None:
            with ctx.session() as session:
                currency = account_currency(session=session, user_id=viewer.user_id)
            raw = form.get("amount", "")
            amount = parse_amount(raw if isinstance(raw, str) else "", currency)
            if amount is None:
                self.error = ctx.text(MSG_BAD_TOPUP)
                return None
            amount_minor = amount.minor
        self.busy, self.error = True, ""
        idem_key, lang = self._idem, ctx.lang
        draft = ctx.run(
            lambda s, v: open_payment(
                session=s,
                viewer=v,
                provider=provider,
                idem_key=idem_key,
                invoice_id=invoice_id,
                amount_minor=amount_minor,
                lang=lang,
            )
        )
        url = draft if isinstance(draft, Refused) else start(ctx, draft)
        if isinstance(url, Refused):
            self.busy, self.error = False, url.message
            self._idem = new_idem_key("invpay" if invoice_id else "topup")  # another attempt is another payment
            return None
        self.open, self.busy = False, False  # the tab's state outlives the trip to the provider's page
        return go_to(url)
