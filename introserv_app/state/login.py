"""The login form."""

from __future__ import annotations

import json
from functools import partial

import reflex as rx

from introserv_app.config import get_settings
from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields, safe_next
from introserv_app.services.accounts import (
    DEVICE_COOKIE,
    MSG_EXCHANGE_FAILED,
    MSG_LINK_BAD,
    LoginOutcome,
    authenticate,
    cookie_from_header,
    passkey_options,
    passkey_sign_in,
    password_check,
    run_check,
    second_step,
    second_step_passkey_options,
    verdict,
)
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.passkeys import passkey_script
from introserv_app.state.url import page_url

MSG_EMAIL_CONFIRMED = N_("Your email address is confirmed. Sign in to continue.")
MSG_NO_PASSKEY = N_("This account has no passkey: enter a code instead.")
MSG_PASSKEY_CANCELLED = N_("The passkey dialog was closed or timed out. Try again, or sign in another way.")


class LoginState(rx.State):
    error: Field[str] = field("")
    #: Good news from a link (`?confirmed=1`: the e-mail address is confirmed).
    notice: Field[str] = field("")
    busy: Field[bool] = field(False)
    #: "password", then "code" when the account has a second factor.
    step: Field[str] = field("password")
    #: The second step's challenge (server only: never sent to the browser).
    _challenge: str = ""
    #: The WebAuthn challenge of the passkey dialog in progress (hex; server only, single use).
    _passkey_challenge: str = ""

    @event
    async def open_page(self):
        """Signed-in users go straight to the dashboard; `?failed=1` comes from a refused /auth/complete."""
        self.error, self.notice, self.busy, self.step, self._challenge = "", "", False, "password", ""
        ctx = await Ctx.of(self)
        if ctx.viewer is not None:
            return rx.redirect("/", replace=True)
        query = page_url(self)
        if query.get("failed") is not None:
            self.error = ctx.text(MSG_EXCHANGE_FAILED)
        if query.get("confirmed") is not None:
            self.notice = ctx.text(MSG_EMAIL_CONFIRMED)
        elif query.get("email") == "invalid":
            self.error = ctx.text(MSG_LINK_BAD)
        return None

    @event
    async def submit(self, form_data: dict):
        form_data = form_fields(form_data)
        username = form_data.get("username", "")
        password = form_data.get("password", "")
        ctx = await Ctx.of(self)
        self.busy = True
        ip, device = ctx.ip, self._device_cookie()
        # The argon2 verification (~0.1 s of CPU) on a worker thread; the checks around it stay on the loop.
        with ctx.session() as session:
            check = password_check(session=session, username=username, password=password, ip=ip, device_cookie=device)
        ok = None if check is None else await ctx.password_work(partial(run_check, check))
        if isinstance(ok, Refused):  # too many sign-ins at once: nothing was checked
            self.busy, self.error = False, ok.message
            return None
        with ctx.session() as session, verdict(check, ok):
            outcome = authenticate(
                session=session,
                username=username,
                password=password,
                ip=ip,
                user_agent=self.router.headers.user_agent or "",
                device_cookie=device,
            )
        if outcome.challenge:  # the password was right; now the second factor
            self._challenge, self.step, self.busy, self.error = outcome.challenge, "code", False, ""
            return rx.set_focus("code")
        return self._finish(ctx, outcome)

    def _device_cookie(self) -> str | None:
        """This browser's device cookie (`services.accounts._throttle`), from the socket's handshake."""
        return cookie_from_header(self.router.headers.cookie, DEVICE_COOKIE)

    def _finish(self, ctx: Ctx, outcome: LoginOutcome):
        if not outcome.ok or not outcome.ticket or not outcome.binding:
            self.busy = False
            self.error = ctx.text(outcome.error or "", {"seconds": outcome.retry_after})
            return None
        self.error, self._challenge = "", ""
        next_path = safe_next(page_url(self).get("next") or "/")
        return rx.call_script(sign_in_script(ticket=outcome.ticket, binding=outcome.binding, next_path=next_path))

    @event
    async def submit_code(self, form_data: dict):
        """The second step: a code from the authenticator app or a recovery code."""
        code = form_fields(form_data).get("code", "")
        ctx = await Ctx.of(self)
        self.busy = True
        with ctx.session() as session:
            outcome = second_step(
                session=session,
                challenge=self._challenge,
                code=code if isinstance(code, str) else "",
                ip=ctx.ip,
                device_cookie=self._device_cookie(),
            )
        if outcome.restart:
            self._challenge, self.step = "", "password"
        return self._finish(ctx, outcome)

    @event
    async def passkey_start(self):
        """ "Sign in with a passkey" (passwordless) or, at the code step, "Use a passkey"."""
        ctx = await Ctx.of(self)
        with ctx.session() as session:
            if self.step == "code":
                ceremony = second_step_passkey_options(session=session, challenge=self._challenge)
            else:
                ceremony = passkey_options(session=session)
        if ceremony is None:
            self.error = ctx.text(MSG_NO_PASSKEY)
            return None
        self._passkey_challenge, self.error = ceremony.challenge.hex(), ""
        return rx.call_script(passkey_script("get", ceremony.options_json), callback=LoginState.passkey_finish)

    @event
    async def passkey_finish(self, result: str):
        ctx = await Ctx.of(self)
        challenge = bytes.fromhex(self._passkey_challenge or "")
        self._passkey_challenge = ""  # single use
        if not isinstance(result, str) or '"error"' in result[:40]:  # cancelled or timed out in the browser
            self.error = ctx.text(MSG_PASSKEY_CANCELLED)
            return None
        self.busy = True
        with ctx.session() as session:
            if self.step == "code":
                outcome = second_step(
                    session=session,
                    challenge=self._challenge,
                    ip=ctx.ip,
                    passkey=result,
                    passkey_challenge=challenge,
                    device_cookie=self._device_cookie(),
                )
            else:
                outcome = passkey_sign_in(
                    session=session,
                    passkey=result,
                    passkey_challenge=challenge,
                    ip=ctx.ip,
                    user_agent=self.router.headers.user_agent or "",
                )
        if outcome.restart:
            self._challenge, self.step = "", "password"
        return self._finish(ctx, outcome)

    @event
    def back_to_password(self):
        self._challenge, self.step, self.error, self.busy = "", "password", "", False


def sign_in_script(*, ticket: str, binding: str, next_path: str) -> str:
    """The browser's half of signing in (assets/auth.js): the binding cookie, then a same-origin POST."""
    args = {"ticket": ticket, "binding": binding, "next": next_path, "secure": get_settings().cookie_secure}
    return f"window.introservSignIn({json.dumps(args)})"
