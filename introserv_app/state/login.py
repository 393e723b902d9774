"""The login form."""

from __future__ import annotations

import json

import reflex as rx

from introserv_app.config import get_settings
from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields, safe_next
from introserv_app.services.accounts import (
    DEVICE_COOKIE,
    MSG_EXCHANGE_FAILED,
    MSG_LINK_BAD,
    authenticate,
    cookie_from_header,
)
from introserv_app.state.context import Ctx
from introserv_app.state.fields import Field, event, field
from introserv_app.state.url import page_url

MSG_EMAIL_CONFIRMED = N_("Your email address is confirmed. Sign in to continue.")


class LoginState(rx.State):
    error: Field[str] = field("")
    #: Good news from a link (`?confirmed=1`: the e-mail address is confirmed).
    notice: Field[str] = field("")
    busy: Field[bool] = field(False)

    @event
    async def open_page(self):
        """Signed-in users go straight to the dashboard; `?failed=1` comes from a refused /auth/complete."""
        self.error, self.notice, self.busy = "", "", False
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
        with ctx.session() as session:
            outcome = authenticate(
                session=session,
                username=username if isinstance(username, str) else "",
                password=password if isinstance(password, str) else "",
                ip=ctx.ip,
                user_agent=self.router.headers.user_agent or "",
                device_cookie=cookie_from_header(self.router.headers.cookie, DEVICE_COOKIE),
            )
        if not outcome.ok or not outcome.ticket or not outcome.binding:
            self.busy = False
            self.error = ctx.text(outcome.error or "", {"seconds": outcome.retry_after})
            return None
        self.error = ""
        next_path = safe_next(page_url(self).get("next") or "/")
        return rx.call_script(sign_in_script(ticket=outcome.ticket, binding=outcome.binding, next_path=next_path))


def sign_in_script(*, ticket: str, binding: str, next_path: str) -> str:
    """The browser's half of signing in (assets/auth.js): the binding cookie, then a same-origin POST."""
    args = {"ticket": ticket, "binding": binding, "next": next_path, "secure": get_settings().cookie_secure}
    return f"window.introservSignIn({json.dumps(args)})"
