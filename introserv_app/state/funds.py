"""Add funds: the top bar's dialog, through the configured payment provider (the test provider here)."""

from __future__ import annotations

import reflex as rx

from introserv_app.domain.keys import new_idem_key
from introserv_app.domain.money import parse_amount
from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields
from introserv_app.i18n import format_money
from introserv_app.services.billing import MSG_BAD_TOPUP, MSG_PAYMENT_FAILED, account_currency, payment_provider, top_up
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.session import SessionState

#: The payment methods the bundled test provider understands (a real provider brings its own).
TEST_METHODS = ("card", "decline")


class FundsState(rx.State):
    open: Field[bool] = field(False)
    busy: Field[bool] = field(False)
    error: Field[str] = field("")
    _idem: str = ""

    @event
    def open_dialog(self):
        self.open, self.busy, self.error, self._idem = True, False, "", new_idem_key("topup")

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
        method = form.get("method", "card")
        with ctx.session() as session:
            currency = account_currency(session=session, user_id=viewer.user_id)
        amount = parse_amount(form.get("amount", "") if isinstance(form.get("amount"), str) else "", currency)
        if amount is None:
            self.error = ctx.text(MSG_BAD_TOPUP)
            return None
        self.busy = True
        idem_key, ip = self._idem, ctx.ip
        done = ctx.run(
            lambda s, v: top_up(
                session=s,
                viewer=v,
                amount_minor=amount.minor,
                idem_key=idem_key,
                provider=payment_provider(),
                method=method if method in TEST_METHODS else "card",
                ip=ip,
            )
        )
        if isinstance(done, Refused):
            self.busy, self.error = False, done.message
            return None
        self.busy = False
        if done.entry is None:
            self.error = ctx.text(MSG_PAYMENT_FAILED, {"reason": done.error})
            self._idem = new_idem_key("topup")  # a new attempt is a new payment
            return None
        self.open = False
        added = ctx.text(N_("{amount} added to your balance."), {"amount": format_money(amount, ctx.lang)})
        return [SessionState.check_login, rx.toast.success(added)]
