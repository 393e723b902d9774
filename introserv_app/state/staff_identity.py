"""Support and a caller's identity on the customer page (the check of a code word or call password the caller
says), and invitations to sign up from the customer search."""

from __future__ import annotations

import reflex as rx

from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields
from introserv_app.services import support
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.forms import text
from introserv_app.state.guard import STAFF_STATES, staff_only
from introserv_app.state.url import page_url

MSG_INVITED = N_("The invitation went to {email}; the link works for 7 days.")


class CallerCheckState(rx.State):
    #: "match", "mismatch" or "" (nothing checked yet); the text says which secret matched.
    outcome: Field[str] = field("")
    message: Field[str] = field("")

    @event
    @staff_only
    async def check(self, form: dict):
        data = form_fields(form)
        ctx = await Ctx.of(self)
        uid = page_url(self).path_id() or 0
        secret = text(data, "secret")
        result = ctx.run(
            lambda s, v: support.verify_caller(
                session=s, viewer=v, user_id=uid, secret=secret, said=text(data, "said"), ip=ctx.ip
            )
        )
        if isinstance(result, Refused):
            self.outcome, self.message = "", result.message
            return rx.toast.error(result.message) if result.message else None
        label = ctx.text(support.SECRET_LABELS.get(secret, secret))
        self.outcome = "match" if result else "mismatch"
        self.message = ctx.text(support.MSG_MATCHES if result else support.MSG_DOES_NOT_MATCH, {"secret": label})
        return rx.set_value("caller-said", "")


class InviteState(rx.State):
    message: Field[str] = field("")
    error: Field[str] = field("")

    @event
    @staff_only
    async def invite(self, form: dict):
        data = form_fields(form)
        ctx = await Ctx.of(self)
        result = ctx.run(
            lambda s, v: support.invite_customer(session=s, viewer=v, email=text(data, "email"), ip=ctx.ip)
        )
        if isinstance(result, Refused):
            self.message, self.error = "", result.message
            return None
        self.error, self.message = "", ctx.text(MSG_INVITED, {"email": result})
        return rx.set_value("invite-email", "")


STAFF_STATES.extend([CallerCheckState, InviteState])
