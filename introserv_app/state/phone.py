"""The Settings page's phone verification dialog: send a code (SMS or call), enter it, and "Didn't get it?" after
the wait (the same way again, the other channel, the other gateway); after both gateways, a support ticket."""

from __future__ import annotations

import reflex as rx

from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields
from introserv_app.i18n import format_datetime, gettext, translate_message
from introserv_app.services import accounts
from introserv_app.services.accounts import PhoneStatus
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.settings import SettingsState

MSG_PHONE_VERIFIED = N_("Your phone number is verified.")
MSG_CODE_SENT_SMS = N_("We sent a code by SMS to {phone} (gateway {gateway}).")
MSG_CODE_SENT_CALL = N_(
    "We are calling {phone} (gateway {gateway}); you don't need to answer. Enter the last four digits of the "
    "calling number."
)
MSG_GATEWAY_DOWN = N_("Gateway {gateway} could not reach your number. Try the other gateway.")
MSG_DEMO_CODE = N_("Demo mode: the code is {code}.")
MSG_TICKET_OPENED = N_("Ticket #{ticket} is open: support will help you verify the number.")
MSG_TICKET_EXISTS = N_("You already have a ticket about this number: #{ticket}.")
OUTCOMES = {"accepted": N_("sent"), "failed": N_("failed")}
CHANNEL_NAMES = {"sms": N_("SMS"), "call": N_("Call")}
#: "Didn't get it?": how the next code goes out, from the latest attempt's channel and gateway.
HOW = ("again", "switch", "gateway")


class PhoneState(rx.State):
    busy: Field[bool] = field(False)
    error: Field[str] = field("")
    notice: Field[str] = field("")
    #: A code went out and can be entered.
    code_pending: Field[bool] = field(False)
    #: Something was sent to this number lately: the dialog offers "Didn't get it?" instead of the first buttons.
    tried: Field[bool] = field(False)
    channel: Field[str] = field("sms")
    gateway: Field[int] = field(0)
    #: Seconds until "Didn't get it?" opens; the stamp changes with every reload so the countdown restarts.
    wait_seconds: Field[int] = field(0)
    wait_stamp: Field[int] = field(0)
    #: The hourly limit's message (with when to try again), or "".
    limited: Field[str] = field("")
    attempts: Field[list[dict[str, str]]] = field([])
    ticket_ready: Field[bool] = field(False)
    ticket_id: Field[str] = field("")

    def _fill(self, status: PhoneStatus, lang: str) -> None:
        self.code_pending, self.tried = status.code_pending, bool(status.attempts)
        self.channel, self.gateway = status.last_channel or "sms", status.last_gateway
        self.wait_seconds, self.wait_stamp = status.wait_seconds, self.wait_stamp + 1
        minutes = -(-status.wait_seconds // 60)
        self.limited = (
            translate_message(lang, accounts.MSG_TOO_MANY_SENDS, {"minutes": minutes}) if status.limited else ""
        )
        self.attempts = [
            {
                "at": format_datetime(a.at, lang, "short"),
                "channel": gettext(lang, CHANNEL_NAMES.get(a.channel, a.channel)),
                "gateway": str(a.gateway + 1),
                "outcome": gettext(lang, OUTCOMES.get(a.outcome, a.outcome)),
                "ok": "1" if a.outcome == "accepted" else "",
            }
            for a in status.attempts
        ]
        self.ticket_ready = status.ticket_ready
        self.ticket_id = str(status.ticket_id) if status.ticket_id else ""

    async def _reload(self, ctx: Ctx) -> PhoneStatus | None:
        count = len(accounts.gateways_from_settings())
        status = ctx.run(lambda s, v: accounts.phone_status(session=s, viewer=v, gateways=count))
        if isinstance(status, Refused):
            return None
        self._fill(status, ctx.lang)
        return status

    @event
    async def open(self):
        """The dialog opens: what was sent lately, the wait, the ticket."""
        ctx = await Ctx.of(self)
        self.busy, self.error, self.notice = False, "", ""
        await self._reload(ctx)

    async def _send(self, ctx: Ctx, channel: str, gateway: int):
        viewer = ctx.viewer
        if viewer is None or self.busy:
            return
        self.busy, self.error, self.notice = True, "", ""
        gateways = accounts.gateways_from_settings()
        sent = ctx.run(
            lambda s, v: accounts.send_code(
                session=s, viewer=v, channel=channel, gateway=gateway, gateways=gateways, ip=ctx.ip
            )
        )
        self.busy = False
        status = await self._reload(ctx)
        if isinstance(sent, Refused):
            self.error = sent.message
            return
        values = {"phone": status.phone if status else "", "gateway": gateway + 1}
        if not sent.sent:
            self.error = ctx.text(MSG_GATEWAY_DOWN, values)
            return
        self.notice = ctx.text(MSG_CODE_SENT_SMS if channel == "sms" else MSG_CODE_SENT_CALL, values)
        if sent.demo_code:
            self.notice += " " + ctx.text(MSG_DEMO_CODE, {"code": sent.demo_code})

    @event
    async def send_code(self, channel: str):
        """The first code: by SMS or by a call, through the first gateway."""
        if channel not in accounts.CHANNELS:
            return
        await self._send(await Ctx.of(self), channel, 0)

    @event
    async def resend(self, how: str):
        """ "Didn't get it?": the same way again, the other channel, or the other gateway (the server decides
        from the latest attempt and refuses before the wait is over)."""
        if how not in HOW:
            return
        ctx = await Ctx.of(self)
        status = await self._reload(ctx)
        if status is None or self.busy:
            return
        channel, gateway = status.last_channel or "sms", status.last_gateway
        if how == "switch":
            channel = "call" if channel == "sms" else "sms"
        elif how == "gateway":
            gateway = 1 - gateway if len(accounts.gateways_from_settings()) > 1 else 0
        await self._send(ctx, channel, gateway)

    @event
    async def check_code(self, form: dict):
        ctx = await Ctx.of(self)
        if ctx.viewer is None or self.busy:
            return None
        code = form_fields(form).get("code", "")
        self.error = ""
        done = ctx.run(lambda s, v: accounts.check_code(session=s, viewer=v, code=code, ip=ctx.ip))
        if isinstance(done, Refused):
            self.error = done.message
            await self._reload(ctx)
            return None
        return [SettingsState.close_dialog(False), SettingsState.load, rx.toast.success(ctx.text(MSG_PHONE_VERIFIED))]

    @event
    async def open_ticket(self):
        """One support ticket listing the attempts (after both gateways); asking again shows the same ticket."""
        ctx = await Ctx.of(self)
        if ctx.viewer is None or self.busy:
            return None
        count = len(accounts.gateways_from_settings())
        opened = ctx.run(lambda s, v: accounts.open_phone_ticket(session=s, viewer=v, gateways=count, ip=ctx.ip))
        if isinstance(opened, Refused):
            self.error = opened.message
            return None
        ticket, created = opened
        self.ticket_id, self.error = str(ticket), ""
        self.notice = ctx.text(MSG_TICKET_OPENED if created else MSG_TICKET_EXISTS, {"ticket": ticket})
        return None
