"""/payments/<id>: where a customer comes back from a provider's checkout. While the provider has not confirmed,
the page says "payment processing" and asks again every two seconds (a hidden button the page clicks, so
nothing waits on the event queue); then it shows the paid invoice or the new balance without a reload."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx

from introserv_app.domain.payments import OPEN_STATES, PaymentPurpose, PaymentState, provider_label
from introserv_app.domain.statuses import InvoiceStatus
from introserv_app.domain.text import N_
from introserv_app.i18n import format_datetime, format_money, gettext, translate_message
from introserv_app.services.billing import PaymentView, payment_view
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.session import SessionState
from introserv_app.state.url import page_url

MSG_PROCESSING = N_("Payment processing: we are waiting for the confirmation from the payment provider.")
MSG_INVOICE_PAID = N_("Thank you: invoice {number} is paid.")
MSG_CREDITED = N_("Thank you: {amount} was added to your balance.")
MSG_CREDITED_INVOICE = N_(
    "Thank you: {amount} was added to your balance. Invoice {number} could not be paid from it ({status}); "
    "the money stays on your balance."
)
MSG_FAILED = N_("The payment was declined. Nothing was charged.")
MSG_CANCELED = N_("You left the checkout. Nothing was charged.")
MSG_EXPIRED = N_("The checkout expired. Nothing was charged.")
STATE_LABELS = {
    PaymentState.CREATED: N_("Created"),
    PaymentState.PENDING: N_("Processing"),
    PaymentState.SUCCEEDED: N_("Paid"),
    PaymentState.FAILED: N_("Declined"),
    PaymentState.CANCELED: N_("Canceled"),
    PaymentState.EXPIRED: N_("Expired"),
}
#: Seconds between two questions while the payment is processing, and how long the page keeps asking.
POLL_MS, POLL_MAX = 2000, 450
POLL_BUTTON = "payment-poll"


def outcome_text(view: PaymentView, lang: str) -> str:
    """What the customer reads about the payment in `lang`."""
    state = PaymentState(view.state)
    amount = format_money(view.amount, lang)
    if state in OPEN_STATES:
        return gettext(lang, MSG_PROCESSING)
    if state == PaymentState.SUCCEEDED:
        if view.purpose == PaymentPurpose.TOPUP:
            return translate_message(lang, MSG_CREDITED, {"amount": amount})
        if view.invoice_status == InvoiceStatus.PAID:
            return translate_message(lang, MSG_INVOICE_PAID, {"number": view.invoice_number})
        values: dict[str, object] = {"amount": amount, "number": view.invoice_number, "status": view.invoice_status}
        return translate_message(lang, MSG_CREDITED_INVOICE, values)
    return gettext(lang, {PaymentState.FAILED: MSG_FAILED, PaymentState.CANCELED: MSG_CANCELED}.get(state, MSG_EXPIRED))


def payment_dict(view: PaymentView, lang: str) -> dict[str, str]:
    return {
        "id": str(view.id),
        "state": view.state,
        "state_label": gettext(lang, STATE_LABELS[PaymentState(view.state)]),
        "amount": format_money(view.amount, lang),
        "provider": gettext(lang, provider_label(view.provider)),
        "invoice": view.invoice_number,
        "invoice_id": str(view.invoice_id or ""),
        "created": format_datetime(view.created_at, lang),
        "text": outcome_text(view, lang),
        "open": "1" if PaymentState(view.state) in OPEN_STATES else "",
    }


def poll_later() -> Any:
    """Ask again in a while: the page clicks its hidden poll button, if it is still on the page then."""
    return rx.call_script(f"setTimeout(() => document.getElementById({json.dumps(POLL_BUTTON)})?.click(), {POLL_MS})")


class PaymentPageState(rx.State):
    found: Field[bool] = field(False)
    error: Field[str] = field("")
    payment: Field[dict[str, str]] = field({})
    _polls: int = 0

    @event
    async def load(self):
        ctx = await Ctx.of(self)
        if ctx.viewer is None:
            return None
        self._polls = 0
        return self._show(ctx)

    def _show(self, ctx: Ctx) -> Any:
        payment_id = page_url(self).path_id()
        view = ctx.run(lambda s, v: payment_view(session=s, viewer=v, payment_id=payment_id))
        if isinstance(view, Refused):
            self.found, self.error, self.payment = False, view.message, {}
            return None
        was_open = self.payment.get("open") == "1" and self.payment.get("id") == str(view.id)
        self.found, self.error, self.payment = True, "", payment_dict(view, ctx.lang)
        if self.payment["open"] and self._polls < POLL_MAX:
            return poll_later()
        if was_open:  # it has just ended: the top bar's balance changed
            return SessionState.check_login
        return None

    @event
    async def poll(self):
        ctx = await Ctx.of(self)
        if ctx.viewer is None or not self.found or self.payment.get("open") != "1":
            return None
        self._polls += 1
        return self._show(ctx)
