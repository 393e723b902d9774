"""Settings → Sessions: the account's signed-in browsers, with "sign out" per session and everywhere else."""

from __future__ import annotations

import reflex as rx

from introserv_app.domain.text import N_
from introserv_app.domain.validation import parse_id
from introserv_app.i18n import format_datetime
from introserv_app.services import accounts
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field

MSG_ENDED = N_("That session is signed out.")
MSG_ENDED_OTHERS = N_("Signed out everywhere else ({count} sessions).")
MSG_UNKNOWN_BROWSER = N_("Unknown browser")


class SessionsState(rx.State):
    rows: Field[list[dict[str, str]]] = field([])
    #: Mail me when a browser that never signed in to the account does.
    mail_new_device: Field[bool] = field(False)

    @event
    async def load(self):
        ctx = await Ctx.of(self)
        found = ctx.run(
            lambda session, viewer: (
                accounts.active_sessions(session=session, viewer=viewer),
                accounts.new_device_mail_on(session, viewer.user_id),
            )
        )
        if isinstance(found, Refused):
            self.rows = []
            return
        lines, self.mail_new_device = found
        unknown = ctx.text(MSG_UNKNOWN_BROWSER)
        self.rows = [
            {
                "id": str(line.id),
                "what": " · ".join(p for p in (line.browser, line.system) if p) or unknown,
                "ip": line.ip,
                "started": format_datetime(line.started, ctx.lang),
                "seen": format_datetime(line.last_seen, ctx.lang),
                "this": "1" if line.this_device else "",
            }
            for line in lines
        ]

    @event
    async def end(self, session_id: str):
        ctx = await Ctx.of(self)
        sid = parse_id(session_id) or 0
        done = ctx.run(
            lambda session, viewer: accounts.end_session(session=session, viewer=viewer, session_id=sid, ip=ctx.ip)
        )
        await self.load()
        if isinstance(done, Refused):
            return rx.toast.error(done.message) if done.message else None
        return rx.toast.success(ctx.text(MSG_ENDED))

    @event
    async def end_others(self):
        ctx = await Ctx.of(self)
        count = ctx.run(lambda session, viewer: accounts.end_other_sessions(session=session, viewer=viewer, ip=ctx.ip))
        await self.load()
        if isinstance(count, Refused):
            return rx.toast.error(count.message) if count.message else None
        return rx.toast.success(ctx.text(MSG_ENDED_OTHERS, {"count": count}))

    @event
    async def set_mail_new_device(self, on: bool):
        ctx = await Ctx.of(self)
        wanted = on is True
        done = ctx.run(lambda session, viewer: accounts.set_new_device_mail(session=session, viewer=viewer, on=wanted))
        if not isinstance(done, Refused):
            self.mail_new_device = wanted
