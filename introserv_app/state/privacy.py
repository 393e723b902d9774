"""Settings → Your data: "Download my data" is a plain link to the streamed zip; "Close my account" asks
support (with the password and an optional reason)."""

from __future__ import annotations

import reflex as rx

from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields
from introserv_app.services import accounts
from introserv_app.services.common.errors import ServiceError
from introserv_app.state.context import Ctx
from introserv_app.state.fields import Field, event, field
from introserv_app.state.forms import text

MSG_CLOSURE_SENT = N_("Your request is with support (ticket #{ticket}). We will answer there.")


class PrivacyState(rx.State):
    closing: Field[bool] = field(False)
    error: Field[str] = field("")

    @event
    def ask(self, open_: bool = True):
        self.closing, self.error = bool(open_), ""

    @event
    async def request_closure(self, form: dict):
        data = form_fields(form)
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None:
            return None
        try:
            with ctx.session() as session:
                ticket = accounts.request_closure(
                    session=session,
                    viewer=viewer,
                    password=text(data, "current_password"),
                    reason=text(data, "reason"),
                    ip=ctx.ip,
                )
        except ServiceError as exc:
            self.error = ctx.explain(exc)
            return None
        self.closing, self.error = False, ""
        return [rx.toast.success(ctx.text(MSG_CLOSURE_SENT, {"ticket": ticket})), rx.redirect(f"/tickets/{ticket}")]
