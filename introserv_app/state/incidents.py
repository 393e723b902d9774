"""Incidents: the staff console's /staff/incidents (open with a preview of who is reached, post updates, resolve) and
the customer's /incidents history and /incidents/<id>. The banners are loaded with the notification banners
(`NotificationsState.load_banners`, through `incident_banner_rows`)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from introserv_app.domain.incidents import SCOPE_LABELS, SEVERITIES
from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields, parse_id, parse_page
from introserv_app.i18n import format_amount, format_datetime, gettext, translate_message
from introserv_app.services import incidents
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.incidents import IncidentView
from introserv_app.state import forms
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.guard import STAFF_STATES, staff_only
from introserv_app.state.url import page_url

MSG_REACH = N_("This incident reaches {customers} customers ({orders} orders).")
MSG_OPENED = N_("The incident is open: {customers} customers see it and are mailed.")
MSG_UPDATED = N_("The update is posted and mailed.")
MSG_RESOLVED = N_("The incident is resolved; the resolution is shown and mailed.")
TEXT_FIELDS = ("title_en", "title_ru", "body_en", "body_ru")


def incident_row(view: IncidentView, lang: str) -> dict[str, str]:
    """One incident for the screen, formatted in `lang` (updates newest first, one block each)."""
    updates = "\n\n".join(f"{format_datetime(u.at, lang, 'short')}: {u.text}" for u in view.updates)
    return {
        "id": str(view.id),
        "severity": view.severity,
        "severity_label": gettext(lang, SEVERITIES.get(view.severity, view.severity)),
        "title": view.title,
        "title_other": view.title_other,
        "body": view.body,
        "state": "open" if view.open else "resolved",
        "opened": format_datetime(view.opened_at, lang, "short"),
        "resolved": format_datetime(view.resolved_at, lang, "short") if view.resolved_at else "",
        "resolution": view.resolution,
        "updates": updates,
        "latest": view.updates[0].text if view.updates else "",
        "scope": gettext(lang, SCOPE_LABELS.get(view.scope, view.scope)) if view.scope else "",
        "scope_detail": view.scope_detail,
        "reach": translate_message(
            lang,
            MSG_REACH,
            {"customers": format_amount(view.customers, lang), "orders": format_amount(view.orders, lang)},
        ),
    }


def incident_banner_rows(session: Session, viewer: Viewer, lang: str) -> list[dict[str, str]]:
    """The viewer's incident banners (for `NotificationsState.load_banners`)."""
    return [incident_row(v, lang) for v in incidents.incident_banners(session=session, viewer=viewer, lang=lang)]


def _scope_fields(fields: dict[str, object]) -> dict[str, object]:
    """The form's fields as `open_incident` takes them (tariff checkboxes are `tariff-<id>`)."""
    chosen = [key.removeprefix("tariff-") for key, value in fields.items() if key.startswith("tariff-") and value]
    return {
        **{name: forms.text(fields, name) for name in TEXT_FIELDS},
        "severity": forms.text(fields, "severity"),
        "scope": forms.text(fields, "scope"),
        "tariffs": chosen[:1000],
        "ranges": forms.text(fields, "ranges"),
        "orders": forms.text(fields, "orders"),
    }


class StaffIncidentsState(rx.State):
    rows: Field[list[dict[str, str]]] = field([])
    tariffs: Field[list[list[str]]] = field([])  # [id, "name (code)"]
    #: The "open an incident" dialog: the scope chosen, the preview shown (the form is then read-only).
    form_open: Field[bool] = field(False)
    form_key: Field[int] = field(0)
    scope: Field[str] = field("everyone")
    previewed: Field[bool] = field(False)
    preview_text: Field[str] = field("")
    error: Field[str] = field("")
    busy: Field[bool] = field(False)
    #: The update / resolve dialog: which incident, which action ("update" or "resolve").
    target: Field[str] = field("")
    action: Field[str] = field("")
    action_error: Field[str] = field("")
    _draft: dict[str, Any] = {}

    @event
    @staff_only
    async def load(self):
        ctx = await Ctx.of(self)
        lang, ip = ctx.lang, ctx.ip
        found = ctx.run(
            lambda s, v: (
                incidents.staff_incidents(session=s, viewer=v, lang=lang, ip=ip),
                incidents.tariff_choices(session=s, viewer=v),
            )
        )
        if isinstance(found, Refused):
            self.rows, self.tariffs = [], []
            return
        views, choices = found
        self.rows = [incident_row(v, lang) for v in views]
        self.tariffs = [[str(tid), name] for tid, name in choices]

    @event
    @staff_only
    def open_new(self):
        self.form_key += 1
        self.form_open, self.scope, self.previewed, self.preview_text, self.error = True, "everyone", False, "", ""
        self.busy, self._draft = False, {}

    @event
    @staff_only
    def set_form_open(self, value: bool):
        self.form_open = value is True

    @event
    @staff_only
    def set_scope(self, value: str):
        if isinstance(value, str) and value in SCOPE_LABELS:
            self.scope = value

    @event
    @staff_only
    async def preview(self, form: dict):
        """Check the form and say how many customers and orders it reaches; the form then waits for confirmation."""
        ctx = await Ctx.of(self)
        if self.busy:
            return
        draft = _scope_fields(form_fields(form))
        ip = ctx.ip
        found = ctx.run(lambda s, v: incidents.preview_incident(session=s, viewer=v, ip=ip, **draft))
        if isinstance(found, Refused):
            self.error, self.previewed = found.message, False
            return
        self.error, self._draft, self.previewed = "", draft, True
        self.preview_text = ctx.text(
            MSG_REACH,
            {"customers": format_amount(found.customers, ctx.lang), "orders": format_amount(found.orders, ctx.lang)},
        )

    @event
    @staff_only
    def edit_again(self):
        self.previewed, self.preview_text, self._draft = False, "", {}

    @event
    @staff_only
    async def confirm(self):
        ctx = await Ctx.of(self)
        if self.busy or not self.previewed or not self._draft:
            return None
        draft, ip = dict(self._draft), ctx.ip
        self.busy = True
        done = ctx.run(lambda s, v: incidents.open_incident(session=s, viewer=v, ip=ip, **draft).customers)
        self.busy = False
        if isinstance(done, Refused):
            self.error, self.previewed = done.message, False
            return None
        self.form_open, self.previewed, self._draft = False, False, {}
        message = ctx.text(MSG_OPENED, {"customers": format_amount(done, ctx.lang)})
        return [StaffIncidentsState.load, rx.toast.success(message)]

    @event
    @staff_only
    def open_action(self, incident_id: str, action: str):
        if parse_id(incident_id) is None or not isinstance(action, str) or action not in ("update", "resolve"):
            return
        self.target, self.action, self.action_error, self.busy = str(parse_id(incident_id)), action, "", False

    @event
    @staff_only
    def close_action(self, value: bool):
        if value is not True:
            self.action = ""

    @event
    @staff_only
    async def send_action(self, form: dict):
        """Post the update or the resolution of the incident the dialog is about."""
        ctx = await Ctx.of(self)
        if self.busy or self.action not in ("update", "resolve"):
            return None
        fields, incident_id, ip = form_fields(form), parse_id(self.target) or 0, ctx.ip
        en, ru = forms.text(fields, "text_en"), forms.text(fields, "text_ru")
        self.busy = True
        done: object
        if self.action == "update":
            done = ctx.run(
                lambda s, v: incidents.post_update(
                    session=s, viewer=v, incident_id=incident_id, text_en=en, text_ru=ru, ip=ip
                )
            )
            message = MSG_UPDATED
        else:
            done = ctx.run(
                lambda s, v: incidents.resolve_incident(
                    session=s, viewer=v, incident_id=incident_id, resolution_en=en, resolution_ru=ru, ip=ip
                )
            )
            message = MSG_RESOLVED
        self.busy = False
        if isinstance(done, Refused):
            self.action_error = done.message
            return None
        self.action = ""
        return [StaffIncidentsState.load, rx.toast.success(ctx.text(message))]


STAFF_STATES.append(StaffIncidentsState)


class IncidentsState(rx.State):
    """/incidents (the history of the incidents that affected the customer) and /incidents/<id> (one of them)."""

    rows: Field[list[dict[str, str]]] = field([])
    page: Field[int] = field(1)
    pages: Field[int] = field(1)
    one: Field[bool] = field(False)
    error: Field[str] = field("")

    @event
    async def load(self):
        ctx = await Ctx.of(self)
        viewer, lang = ctx.viewer, ctx.lang
        if viewer is None:
            self.rows = []
            return None
        url = page_url(self)
        self.error = ""
        if url.path.rstrip("/") != "/incidents":
            self.one = True
            incident_id = url.path_id() or 0
            found = ctx.run(
                lambda s, v: incidents.incident_detail(session=s, viewer=v, lang=lang, incident_id=incident_id)
            )
            if isinstance(found, Refused):
                self.rows, self.error = [], found.message
                return None
            self.rows = [incident_row(found, lang)]
            return None
        self.one = False
        number = url.page()
        with ctx.session() as session:
            listed = incidents.customer_incidents(session=session, viewer=viewer, lang=lang, page=number)
        self.rows = [incident_row(v, lang) for v in listed.items]
        self.page, self.pages = listed.page, listed.pages
        return None

    @event
    def go_page(self, page: int):
        return rx.redirect(f"/incidents?page={parse_page(page) or 1}")
