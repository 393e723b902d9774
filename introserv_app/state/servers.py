"""The Server card of /orders/<id>: the live power state, the power and boot actions (each confirmed), sensors,
the event log and the console; for staff, the controller's assignment. Every call to the controller runs off the
event loop (`asyncio.to_thread`) and is bounded by INTROSERV_BMC_TIMEOUT."""

from __future__ import annotations

import asyncio

import reflex as rx

from introserv_app.domain.servers import (
    ACTION_LABELS,
    ACTION_WARNINGS,
    BOOT_ACTIONS,
    POWER_ACTIONS,
    POWER_LABELS,
    ServerAction,
)
from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields
from introserv_app.i18n import gettext
from introserv_app.services import servers
from introserv_app.services.common.errors import ServiceError
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.guard import staff_only
from introserv_app.state.url import page_url

MSG_DONE = N_("Done: {action}.")
MSG_ASSIGNED = N_("The controller is saved; it answered the test.")
MSG_ENDED = N_("ended")
MSG_REMOVED = N_("The controller is removed from this order.")
HEALTH_LABELS = {"ok": N_("OK"), "warning": N_("Warning"), "critical": N_("Critical")}
THRESHOLD_LABELS = {
    "lower_critical": N_("critical below"),
    "lower_warning": N_("warning below"),
    "upper_warning": N_("warning above"),
    "upper_critical": N_("critical above"),
}
ACTIONS_ALLOWED = {a.value for a in (*POWER_ACTIONS, *BOOT_ACTIONS, ServerAction.CLEAR_EVENTS)}


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


class ServerState(rx.State):
    #: A dedicated server: the card is shown.
    shown: Field[bool] = field(False)
    assigned: Field[bool] = field(False)
    #: Why it cannot be managed now ("" when it can).
    refusal: Field[str] = field("")
    staff: Field[bool] = field(False)
    controller: Field[dict[str, str]] = field({})
    power: Field[str] = field("")
    power_label: Field[str] = field("")
    sensors: Field[list[dict[str, str]]] = field([])
    events: Field[list[dict[str, str]]] = field([])
    error: Field[str] = field("")
    busy: Field[bool] = field(False)
    #: The action waiting for its confirmation ("" when no dialog is open), its title and what it does.
    pending: Field[str] = field("")
    pending_title: Field[str] = field("")
    pending_text: Field[str] = field("")
    form_error: Field[str] = field("")
    console: Field[bool] = field(False)
    take_over: Field[bool] = field(False)
    order_id: Field[str] = field("")
    _name: str = ""

    def _order(self) -> int:
        return int(self.order_id) if self.order_id.isascii() and self.order_id.isdigit() else 0

    @event
    async def load(self):
        """On the page's load: what the database says (no controller call), then the live state."""
        ctx = await Ctx.of(self)
        self.shown, self.assigned, self.refusal, self.error, self.pending, self.console = (
            False,
            False,
            "",
            "",
            "",
            False,
        )
        self.power, self.power_label, self.sensors, self.events, self.controller = "", "", [], [], {}
        order_id, ip = page_url(self).path_id() or 0, ctx.ip
        panel = ctx.run(lambda s, v: servers.server_panel(session=s, viewer=v, order_id=order_id, ip=ip))
        if isinstance(panel, Refused) or not panel.dedicated:
            return None
        viewer = ctx.viewer
        self.shown, self.assigned, self.order_id = True, panel.assigned, str(order_id)
        self.staff = viewer is not None and viewer.is_staff
        self.refusal = gettext(ctx.lang, panel.refusal) if panel.refusal else ""
        if panel.assigned and self.staff:
            self.controller = {"host": panel.host, "port": str(panel.port), "user": panel.username}
        if not panel.assigned:
            return None
        return ServerState.refresh if not panel.refusal else None

    @event
    async def refresh(self):
        """Read the power state, the sensors and the event log from the controller."""
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None or not self.assigned or self.refusal:
            return None
        self.busy = True
        order_id, ip, lang = self._order(), ctx.ip, ctx.lang
        try:
            live = await asyncio.to_thread(servers.live_state, viewer=viewer, order_id=order_id, ip=ip)
        except ServiceError as exc:
            self.busy, self.error = False, ctx.refusal(exc)
            return None
        self.busy, self.error = False, ""
        self.power = live.power
        self.power_label = gettext(lang, POWER_LABELS.get(live.power, live.power))
        self.sensors = [
            {
                "name": s.name,
                "kind": s.kind,
                "value": f"{_number(s.value)} {s.unit}".strip(),
                "health": s.health,
                "health_label": gettext(lang, HEALTH_LABELS.get(s.health, s.health)),
                "limits": ", ".join(
                    f"{gettext(lang, THRESHOLD_LABELS[k])} {_number(v)}"
                    for k, v in s.thresholds.items()
                    if k in THRESHOLD_LABELS
                ),
            }
            for s in live.sensors
        ]
        self.events = [
            {
                "id": str(e.record_id),
                "at": e.at.replace("T", " "),
                "what": f"{e.component}: {e.event}" + (f" ({gettext(lang, MSG_ENDED)})" if e.deasserted else ""),
                "severity": e.severity,
            }
            for e in live.events[:100]
        ]
        return None

    @event
    async def ask(self, action: str):
        """Open the confirmation of an action; it names the server."""
        ctx = await Ctx.of(self)
        if ctx.viewer is None or not isinstance(action, str) or action not in ACTIONS_ALLOWED:
            return None
        if action == ServerAction.CLEAR_EVENTS.value and not ctx.viewer.is_staff:
            return None
        chosen = ServerAction(action)
        name = await self._server_name()
        self.pending, self.form_error = action, ""
        self.pending_title = gettext(ctx.lang, ACTION_LABELS[chosen])
        self.pending_text = ctx.text(ACTION_WARNINGS[chosen], {"name": name})
        return None

    async def _server_name(self) -> str:
        from introserv_app.state.order_detail import OrderDetailState

        detail = await self.get_state(OrderDetailState)
        return str(detail.fields.get("name", "")) or "—"

    @event
    def close_dialog(self):
        self.pending, self.form_error = "", ""

    @event
    async def confirm(self):
        ctx = await Ctx.of(self)
        viewer, action = ctx.viewer, self.pending
        if viewer is None or not action:
            return None
        self.busy = True
        order_id, ip = self._order(), ctx.ip
        try:
            done = await asyncio.to_thread(servers.act, viewer=viewer, order_id=order_id, action=action, ip=ip)
        except ServiceError as exc:
            self.busy, self.form_error = False, ctx.refusal(exc)
            return None
        self.busy, self.pending = False, ""
        from introserv_app.state.order_detail import OrderDetailState

        label = gettext(ctx.lang, ACTION_LABELS[done])
        return [ServerState.refresh, OrderDetailState.load, rx.toast.success(ctx.text(MSG_DONE, {"action": label}))]

    @event
    def show_console(self, take_over: bool):
        if self.assigned and not self.refusal:
            self.console, self.take_over = True, take_over is True

    @event
    def hide_console(self):
        self.console, self.take_over = False, False

    async def _controller_form(self, form_data: dict) -> servers.ControllerForm:
        data = form_fields(form_data)
        return servers.ControllerForm(
            host=data.get("host", ""),
            port=data.get("port", ""),
            username=data.get("username", ""),
            password=data.get("password", ""),
        )

    @event
    @staff_only
    async def save_controller(self, form_data: dict):
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None:
            return None
        form, order_id, ip = await self._controller_form(form_data), self._order(), ctx.ip
        try:
            await asyncio.to_thread(servers.assign_controller, viewer=viewer, order_id=order_id, form=form, ip=ip)
        except ServiceError as exc:
            self.form_error = ctx.refusal(exc)
            return None
        self.form_error = ""
        return [ServerState.load, rx.toast.success(ctx.text(MSG_ASSIGNED))]

    @event
    @staff_only
    async def remove_controller(self):
        ctx = await Ctx.of(self)
        order_id, ip = self._order(), ctx.ip
        done = ctx.run(lambda s, v: servers.remove_controller(session=s, viewer=v, order_id=order_id, ip=ip))
        if isinstance(done, Refused):
            return rx.toast.error(done.message)
        return [ServerState.load, rx.toast.success(ctx.text(MSG_REMOVED))]
