"""The customer page's payments (support): each payment with every event its provider sent, refunds (amount,
reason, a confirmation; through the provider) and the credit notes they issued. Every handler is `staff_only`."""

from __future__ import annotations

import reflex as rx

from introserv_app.domain.keys import new_idem_key
from introserv_app.domain.money import Money, parse_amount
from introserv_app.domain.payments import PaymentState, provider_label, refundable_minor
from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields, parse_id
from introserv_app.i18n import format_datetime, format_money, gettext
from introserv_app.services.billing import (
    PaymentRecord,
    credit_notes_for,
    customer_payments,
    refund_payment,
)
from introserv_app.services.common.errors import ServiceError
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.forms import text
from introserv_app.state.guard import STAFF_STATES, staff_only
from introserv_app.state.payments import STATE_LABELS
from introserv_app.state.url import page_url

MSG_REFUNDED = N_("{amount} refunded through the payment provider.")
MSG_CONFIRM = N_("Tick the box to confirm the refund.")
MSG_AMOUNT = N_("Enter the amount to refund.")


def _row(r: PaymentRecord, lang: str) -> dict[str, str]:
    p = r.payment
    left = refundable_minor(PaymentState(p.state), p.amount.minor, r.refunded_minor)
    events = "\n".join(
        f"{format_datetime(e.at, lang)} · {e.source} · {e.outcome}"
        + (f" · {e.event_type}" if e.event_type else "")
        + (f" · {e.state_from}→{e.state_to}" if e.state_to and e.state_to != e.state_from else "")
        + (f" · {e.detail}" if e.detail else "")
        for e in r.events
    )
    return {
        "id": str(p.id),
        "created": format_datetime(p.created_at, lang),
        "amount": format_money(p.amount, lang),
        "currency": p.amount.currency,
        "ref": r.provider_ref,
        "state": p.state,
        "state_label": gettext(lang, STATE_LABELS[PaymentState(p.state)]),
        "provider": gettext(lang, provider_label(p.provider)),
        "refunded": format_money(Money(r.refunded_minor, p.amount.currency), lang) if r.refunded_minor else "",
        "left": format_money(Money(left, p.amount.currency), lang) if left > 0 else "",
        "invoice": p.invoice_number,
        "events": events,
        "event_count": str(len(r.events)),
    }


class CustomerPaymentsState(rx.State):
    rows: Field[list[dict[str, str]]] = field([])
    notes: Field[list[dict[str, str]]] = field([])
    refund_open: Field[bool] = field(False)
    refund_id: Field[str] = field("")
    refund_left: Field[str] = field("")
    refund_error: Field[str] = field("")
    busy: Field[bool] = field(False)
    _idem: str = ""

    @event
    @staff_only
    async def load(self):
        ctx = await Ctx.of(self)
        uid, lang = page_url(self).path_id() or 0, ctx.lang
        found = ctx.run(
            lambda s, v: (
                customer_payments(session=s, viewer=v, user_id=uid),
                credit_notes_for(session=s, viewer=v, user_id=uid),
            )
        )
        if isinstance(found, Refused):
            self.rows, self.notes = [], []
            return
        payments, notes = found
        self.rows = [_row(r, lang) for r in payments]
        self.notes = [
            {
                "id": str(n.id),
                "number": n.number,
                "invoice": n.invoice_number,
                "amount": format_money(n.gross, lang),
                "issued": format_datetime(n.issued_at, lang),
                "reason": n.reason,
            }
            for n in notes
        ]

    @event
    @staff_only
    async def open_refund(self, payment_id: str):
        row = next((r for r in self.rows if r["id"] == str(parse_id(payment_id))), None)
        if row is None or not row["left"]:
            return
        self.refund_id, self.refund_left, self.refund_error = row["id"], row["left"], ""
        self.refund_open, self.busy, self._idem = True, False, new_idem_key("refund")

    @event
    @staff_only
    async def set_refund_open(self, value: bool):
        self.refund_open = bool(value)

    @event
    @staff_only
    async def refund(self, form: dict):
        ctx = await Ctx.of(self)
        data = form_fields(form)
        payment_id, viewer = parse_id(self.refund_id), ctx.viewer
        row = next((r for r in self.rows if r["id"] == self.refund_id), None)
        if self.busy or payment_id is None or viewer is None or row is None:
            return None
        if not data.get("confirm"):
            self.refund_error = ctx.text(MSG_CONFIRM)
            return None
        amount = parse_amount(text(data, "amount"), row["currency"])
        if amount is None:
            self.refund_error = ctx.text(MSG_AMOUNT)
            return None
        self.busy, self.refund_error = True, ""
        try:
            done = refund_payment(
                viewer=viewer,
                payment_id=payment_id,
                amount_minor=amount.minor,
                reason=text(data, "reason"),
                idem_key=self._idem,
                ip=ctx.ip,
            )
        except ServiceError as exc:
            self.busy, self.refund_error = False, ctx.refusal(exc)
            return None
        self.busy, self.refund_open = False, False
        refunded = Money(done.amount_minor, done.currency)
        return [
            CustomerPaymentsState.load,
            rx.toast.success(ctx.text(MSG_REFUNDED, {"amount": format_money(refunded, ctx.lang)})),
        ]


STAFF_STATES.append(CustomerPaymentsState)
