"""Add funds: the top bar's dialog, through the configured payment provider (the test provider here)."""

from __future__ import annotations

import secrets

import reflex as rx

from introserv_app.db.session import session_scope
from introserv_app.domain.money import parse_amount
from introserv_app.domain.validation import form_fields
from introserv_app.i18n import format_money, gettext, translate_message
from introserv_app.services.billing import MSG_BAD_TOPUP, MSG_PAYMENT_FAILED, account_currency, payment_provider, top_up
from introserv_app.services.common.errors import ServiceError
from introserv_app.state.guard import client_ip, current_viewer
from introserv_app.state.locale import LocaleState
from introserv_app.state.session import SessionState

#: The payment methods the bundled test provider understands (a real provider brings its own).
TEST_METHODS = ("card", "decline")


class FundsState(rx.State):
    open: bool = False
    busy: bool = False
    error: str = ""
    _idem: str = ""

    @rx.event
    def open_dialog(self):
        self.open, self.busy, self.error, self._idem = True, False, "", "topup-" + secrets.token_hex(16)

    @rx.event
    def set_open(self, value: bool):
        self.open = bool(value)

    @rx.event
    async def submit(self, form: dict):
        viewer = current_viewer(self)
        if viewer is None or viewer.is_staff or self.busy:
            return None
        lang = (await self.get_state(LocaleState)).lang
        form = form_fields(form)
        method = form.get("method", "card")
        with session_scope() as session:
            currency = account_currency(session=session, user_id=viewer.user_id)
        amount = parse_amount(form.get("amount", "") if isinstance(form.get("amount"), str) else "", currency)
        if amount is None:
            self.error = gettext(lang, MSG_BAD_TOPUP)
            return None
        self.busy = True
        try:
            with session_scope() as session:
                done = top_up(
                    session=session,
                    viewer=viewer,
                    amount_minor=amount.minor,
                    idem_key=self._idem,
                    provider=payment_provider(),
                    method=method if method in TEST_METHODS else "card",
                    ip=client_ip(self),
                )
        except ServiceError as exc:
            self.busy, self.error = False, translate_message(lang, exc.message, exc.values)
            return None
        self.busy = False
        if done.entry is None:
            self.error = translate_message(lang, MSG_PAYMENT_FAILED, {"reason": done.error})
            self._idem = "topup-" + secrets.token_hex(16)  # a new attempt is a new payment
            return None
        self.open = False
        added = translate_message(lang, "{amount} added to your balance.", {"amount": format_money(amount, lang)})
        return [SessionState.check_login, rx.toast.success(added)]
