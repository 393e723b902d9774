"""The customer page's phone code attempts (support): when each code went out, to which number, through which
gateway and channel, and what the gateway answered. Every handler is `staff_only`."""

from __future__ import annotations

import reflex as rx

from introserv_app.domain.text import N_
from introserv_app.i18n import format_datetime, gettext
from introserv_app.services.support import customer_phone_attempts
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.guard import STAFF_STATES, staff_only
from introserv_app.state.url import page_url

OUTCOMES = {"accepted": N_("accepted"), "failed": N_("failed")}
CHANNELS = {"sms": N_("SMS"), "call": N_("Call")}


class CustomerPhoneState(rx.State):
    rows: Field[list[dict[str, str]]] = field([])

    @event
    @staff_only
    async def load(self):
        ctx = await Ctx.of(self)
        uid, ip, lang = page_url(self).path_id() or 0, ctx.ip, ctx.lang
        found = ctx.run(lambda s, v: customer_phone_attempts(session=s, viewer=v, user_id=uid, ip=ip))
        self.rows = (
            []
            if isinstance(found, Refused)
            else [
                {
                    "at": format_datetime(a.at, lang, "short"),
                    "phone": a.phone,
                    "way": f"{gettext(lang, CHANNELS.get(a.channel, a.channel))} · {a.gateway + 1}"
                    + (f" ({a.gateway_name})" if a.gateway_name else ""),
                    "outcome": gettext(lang, OUTCOMES.get(a.outcome, a.outcome)),
                    "ok": "1" if a.outcome == "accepted" else "",
                    "error": a.error,
                }
                for a in found
            ]
        )


STAFF_STATES.append(CustomerPhoneState)
