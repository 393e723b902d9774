"""Tickets: the create dialog (from the grid, the order page or the Tickets page), the list and a thread."""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from introserv_app.domain.statuses import TICKET_STATUS_LABELS
from introserv_app.domain.text import N_
from introserv_app.domain.validation import clean_search, form_fields, parse_id
from introserv_app.i18n import format_datetime, gettext
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging import (
    CATEGORIES,
    SUBJECT_MAX,
    assign_ticket,
    close_ticket,
    create_ticket,
    reply,
    staff_members,
    ticket_thread,
    tickets_page,
)
from introserv_app.state import forms
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.guard import staff_only
from introserv_app.state.url import page_url

MSG_CREATED = N_("Ticket #{id} is open. Support will answer here.")
MSG_ABOUT_ORDER = N_("Order {order}")
MSG_CLOSED = N_("The ticket is closed.")
MSG_ASSIGNED = N_("The ticket is assigned.")


class TicketFormState(rx.State):
    open: Field[bool] = field(False)
    busy: Field[bool] = field(False)
    error: Field[str] = field("")
    order_id: Field[str] = field("")
    order_name: Field[str] = field("")
    subject: Field[str] = field("")

    @event
    async def open_for_order(self, order_id: str, name: str):
        ctx = await Ctx.of(self)
        oid = parse_id(order_id)
        self.order_id = str(oid) if oid is not None else ""
        self.order_name = clean_search(name, 100)
        self.subject = ctx.text(MSG_ABOUT_ORDER, {"order": self.order_name})[:200]
        self.error, self.busy, self.open = "", False, True

    @event
    def open_subject(self, subject: str):
        """A ticket with a prefilled subject (e.g. a country change request from the Settings page)."""
        self.order_id = self.order_name = ""
        self.subject = clean_search(subject, SUBJECT_MAX)
        self.error, self.busy, self.open = "", False, True

    @event
    def open_new(self):
        self.order_id = self.order_name = self.subject = ""
        self.error, self.busy, self.open = "", False, True

    @event
    def set_open(self, value: bool):
        self.open = bool(value)

    @event
    async def submit(self, form: dict):
        ctx = await Ctx.of(self)
        if ctx.viewer is None or self.busy:
            return None
        fields = form_fields(form)
        self.busy = True
        order_id, ip = parse_id(self.order_id), ctx.ip
        ticket_id = ctx.run(
            lambda s, v: create_ticket(
                session=s,
                viewer=v,
                subject=forms.text(fields, "subject"),
                category=forms.text(fields, "category"),
                message=forms.text(fields, "message"),
                order_id=order_id,
                ip=ip,
            )
        )
        if isinstance(ticket_id, Refused):
            self.busy, self.error = False, ticket_id.message
            return None
        self.busy, self.open = False, False
        return [
            rx.redirect(f"/tickets/{ticket_id}"),
            rx.toast.success(ctx.text(MSG_CREATED, {"id": ticket_id})),
        ]


def ticket_dict(t: Any, lang: str) -> dict[str, str]:
    """A ticket row (the list, the staff queue, a thread's header) formatted for `lang`."""
    return {
        "id": str(t.id),
        "subject": t.subject,
        "category": gettext(lang, CATEGORIES.get(t.category, t.category)),
        "status": t.status,
        "status_label": gettext(lang, TICKET_STATUS_LABELS.get(t.status, t.status)),
        "order_id": str(t.order_id or ""),
        "order": t.order_name,
        "customer": t.customer,
        "created": format_datetime(t.created_at, lang),
        "updated": format_datetime(t.updated_at, lang),
        "messages": str(t.messages),
        "assigned": t.assigned,
    }


class TicketsState(rx.State):
    rows: Field[list[dict[str, str]]] = field([])
    page: Field[int] = field(1)
    pages: Field[int] = field(1)
    scope_all: Field[bool] = field(False)

    @event
    async def load(self):
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None:
            return
        with ctx.session() as session:
            rows, self.page, self.pages = tickets_page(session=session, viewer=viewer, page=page_url(self).page())
        self.scope_all = viewer.is_staff
        self.rows = [ticket_dict(t, ctx.lang) for t in rows]

    @event
    def go_page(self, page: int):
        if isinstance(page, int) and not isinstance(page, bool):
            return rx.redirect(f"/tickets?page={min(max(1, page), self.pages)}")
        return None


class TicketThreadState(rx.State):
    found: Field[bool] = field(False)
    error: Field[str] = field("")
    ticket: Field[dict[str, str]] = field({})
    messages: Field[list[dict[str, str]]] = field([])
    reply_error: Field[str] = field("")
    busy: Field[bool] = field(False)
    staff: Field[bool] = field(False)
    staff_options: Field[list[list[str]]] = field([])

    def _id(self) -> int:
        return page_url(self).path_id() or 0

    @event
    async def load(self):
        ctx = await Ctx.of(self)
        viewer, lang = ctx.viewer, ctx.lang
        if viewer is None:
            return
        self.found, self.error, self.reply_error = False, "", ""
        ticket_id = self._id()
        thread = ctx.run(lambda s, v: ticket_thread(session=s, viewer=v, ticket_id=ticket_id))
        if isinstance(thread, Refused):
            self.error = thread.message
            return
        self.found, self.ticket = True, ticket_dict(thread.ticket, lang)
        self.staff = viewer.is_staff
        if viewer.is_staff:
            with ctx.session() as session:
                members = staff_members(session=session, viewer=viewer)
            self.staff_options = [["none", gettext(lang, "Nobody")], *[[n, n] for _, n in members]]
        support = gettext(lang, "Support")
        self.messages = [
            {
                "author": support if m.is_staff else m.author,
                "staff": "1" if m.is_staff else "",
                "body": m.body,
                "at": format_datetime(m.created_at, lang),
            }
            for m in thread.messages
        ]

    @event
    async def send(self, form: dict):
        ctx = await Ctx.of(self)
        if ctx.viewer is None or self.busy:
            return None
        self.busy = True
        ticket_id, message, ip = self._id(), forms.text(form_fields(form), "message"), ctx.ip
        sent = ctx.run(lambda s, v: reply(session=s, viewer=v, ticket_id=ticket_id, message=message, ip=ip))
        if isinstance(sent, Refused):
            self.busy, self.reply_error = False, sent.message
            return None
        self.busy = False
        return [TicketThreadState.load, rx.set_value("ticket-reply", "")]

    @event
    async def close(self):
        """The customer closes their ticket, or staff close any."""
        ctx = await Ctx.of(self)
        tid, ip = self._id(), ctx.ip
        done = ctx.run(lambda s, v: close_ticket(session=s, viewer=v, ticket_id=tid, ip=ip))
        if isinstance(done, Refused) and done.message:
            return rx.toast.error(done.message)
        await self.load()
        return rx.toast.success(ctx.text(MSG_CLOSED))

    @event
    @staff_only
    async def assign(self, username: str):
        ctx = await Ctx.of(self)
        tid, ip = self._id(), ctx.ip

        def act(session: Session, viewer: Viewer) -> None:
            members = {name: uid for uid, name in staff_members(session=session, viewer=viewer)}
            name = username if isinstance(username, str) else ""
            target = None if name == "none" else members.get(name, -1)
            assign_ticket(session=session, viewer=viewer, ticket_id=tid, assignee_id=target, ip=ip)

        done = ctx.run(act)
        if isinstance(done, Refused) and done.message:
            return rx.toast.error(done.message)
        await self.load()
        return rx.toast.success(ctx.text(MSG_ASSIGNED))
