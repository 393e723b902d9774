"""Tickets: the create dialog (from the grid, the order page or the Tickets page), the list and a thread."""

from __future__ import annotations

import reflex as rx

from introserv_app.db.session import session_scope
from introserv_app.domain.text import N_
from introserv_app.domain.validation import clean_search, form_fields, id_in_path, parse_id
from introserv_app.i18n import format_datetime, gettext, translate_error, translate_message
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.messaging import (
    CATEGORIES,
    STATUSES,
    SUBJECT_MAX,
    assign_ticket,
    close_ticket,
    create_ticket,
    reply,
    staff_members,
    ticket_thread,
    tickets_page,
)
from introserv_app.state.guard import client_ip, current_viewer, page_from_url, run_service, staff_only
from introserv_app.state.locale import LocaleState

MSG_CREATED = N_("Ticket #{id} is open. Support will answer here.")
MSG_ABOUT_ORDER = N_("Order {order}")
MSG_CLOSED = N_("The ticket is closed.")
MSG_ASSIGNED = N_("The ticket is assigned.")


class TicketFormState(rx.State):
    open: bool = False
    busy: bool = False
    error: str = ""
    order_id: str = ""
    order_name: str = ""
    subject: str = ""

    @rx.event
    async def open_for_order(self, order_id: str, name: str):
        lang = (await self.get_state(LocaleState)).lang
        oid = parse_id(order_id)
        self.order_id = str(oid) if oid is not None else ""
        self.order_name = clean_search(name, 100)
        self.subject = translate_message(lang, MSG_ABOUT_ORDER, {"order": self.order_name})[:200]
        self.error, self.busy, self.open = "", False, True

    @rx.event
    def open_subject(self, subject: str):
        """A ticket with a prefilled subject (e.g. a country change request from the Settings page)."""
        self.order_id = self.order_name = ""
        self.subject = clean_search(subject, SUBJECT_MAX)
        self.error, self.busy, self.open = "", False, True

    @rx.event
    def open_new(self):
        self.order_id = self.order_name = self.subject = ""
        self.error, self.busy, self.open = "", False, True

    @rx.event
    def set_open(self, value: bool):
        self.open = bool(value)

    @rx.event
    async def submit(self, form: dict):
        viewer = current_viewer(self)
        if viewer is None or self.busy:
            return None
        lang = (await self.get_state(LocaleState)).lang
        fields = form_fields(form)
        self.busy = True
        try:
            with session_scope() as session:
                ticket_id = create_ticket(
                    session=session,
                    viewer=viewer,
                    subject=fields.get("subject", ""),
                    category=fields.get("category", ""),
                    message=fields.get("message", ""),
                    order_id=parse_id(self.order_id),
                    ip=client_ip(self),
                )
        except ServiceError as exc:
            self.busy, self.error = False, translate_error(lang, exc.message, exc.values)
            return None
        self.busy, self.open = False, False
        return [
            rx.redirect(f"/tickets/{ticket_id}"),
            rx.toast.success(translate_message(lang, MSG_CREATED, {"id": ticket_id})),
        ]


def _ticket_dict(t, lang: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        "id": str(t.id),
        "subject": t.subject,
        "category": gettext(lang, CATEGORIES.get(t.category, t.category)),
        "status": t.status,
        "status_label": gettext(lang, STATUSES.get(t.status, t.status)),
        "order_id": str(t.order_id or ""),
        "order": t.order_name,
        "customer": t.customer,
        "created": format_datetime(t.created_at, lang),
        "updated": format_datetime(t.updated_at, lang),
        "messages": str(t.messages),
        "assigned": t.assigned,
    }


class TicketsState(rx.State):
    rows: list[dict[str, str]] = []
    page: int = 1
    pages: int = 1
    scope_all: bool = False

    @rx.event
    async def load(self):
        viewer = current_viewer(self)
        if viewer is None:
            return
        lang = (await self.get_state(LocaleState)).lang
        with session_scope() as session:
            rows, self.page, self.pages = tickets_page(session=session, viewer=viewer, page=page_from_url(self))
        self.scope_all = viewer.is_staff
        self.rows = [_ticket_dict(t, lang) for t in rows]

    @rx.event
    def go_page(self, page: int):
        if isinstance(page, int) and not isinstance(page, bool):
            return rx.redirect(f"/tickets?page={min(max(1, page), self.pages)}")
        return None


class TicketThreadState(rx.State):
    found: bool = False
    error: str = ""
    ticket: dict[str, str] = {}
    messages: list[dict[str, str]] = []
    reply_error: str = ""
    busy: bool = False
    staff: bool = False
    staff_options: list[list[str]] = []

    def _id(self) -> int:
        return id_in_path(self.router.url.path if self.router.url else "") or 0

    @rx.event
    async def load(self):
        viewer = current_viewer(self)
        if viewer is None:
            return
        lang = (await self.get_state(LocaleState)).lang
        self.found, self.error, self.reply_error = False, "", ""
        try:
            with session_scope() as session:
                thread = ticket_thread(session=session, viewer=viewer, ticket_id=self._id())
        except ServiceError as exc:
            self.error = translate_error(lang, exc.message, exc.values)
            return
        self.found, self.ticket = True, _ticket_dict(thread.ticket, lang)
        self.staff = viewer.is_staff
        if viewer.is_staff:
            with session_scope() as session:
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

    @rx.event
    async def send(self, form: dict):
        viewer = current_viewer(self)
        if viewer is None or self.busy:
            return None
        lang = (await self.get_state(LocaleState)).lang
        self.busy = True
        try:
            with session_scope() as session:
                reply(
                    session=session,
                    viewer=viewer,
                    ticket_id=self._id(),
                    message=form_fields(form).get("message", ""),
                    ip=client_ip(self),
                )
        except ServiceError as exc:
            self.busy, self.reply_error = False, translate_error(lang, exc.message, exc.values)
            return None
        self.busy = False
        return [TicketThreadState.load, rx.set_value("ticket-reply", "")]

    @rx.event
    async def close(self):
        """The customer closes their ticket, or staff close any."""
        lang = (await self.get_state(LocaleState)).lang
        tid = self._id()
        _, error = run_service(
            self, lang, lambda s, v: close_ticket(session=s, viewer=v, ticket_id=tid, ip=client_ip(self))
        )
        if error:
            return rx.toast.error(error)
        await self.load()
        return rx.toast.success(gettext(lang, MSG_CLOSED))

    @rx.event
    @staff_only
    async def assign(self, username: str):
        lang = (await self.get_state(LocaleState)).lang
        tid = self._id()

        def act(session, viewer):  # type: ignore[no-untyped-def]
            members = {name: uid for uid, name in staff_members(session=session, viewer=viewer)}
            name = username if isinstance(username, str) else ""
            target = None if name == "none" else members.get(name, -1)
            assign_ticket(session=session, viewer=viewer, ticket_id=tid, assignee_id=target, ip=client_ip(self))

        _, error = run_service(self, lang, act)
        if error:
            return rx.toast.error(error)
        await self.load()
        return rx.toast.success(gettext(lang, MSG_ASSIGNED))
