"""Staff pages: the ticket queue, the audit log, and the admin page (staff users, seller settings).

The queue and the audit log are `staff_only`; the admin page's handlers are `admin_only`.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import reflex as rx

from introserv_app.domain.text import N_
from introserv_app.domain.validation import clean_search, form_fields, parse_id
from introserv_app.i18n import format_datetime, gettext, translate_message
from introserv_app.services import billing, support
from introserv_app.services.messaging import AGE_LABELS, CATEGORIES, STATUSES, clean_filters, staff_queue
from introserv_app.state.guard import STAFF_STATES, admin_only, client_ip, page_from_url, run_service, staff_only
from introserv_app.state.locale import viewer_lang
from introserv_app.state.tickets import _ticket_dict

MSG_SAVED = N_("Saved.")
MSG_STAFF_ADDED = N_("The staff user {username} can sign in now.")
ROLE_LABELS = {"support": N_("Support"), "admin": N_("Administrator")}


def _params(state: rx.State) -> dict[str, str]:
    return dict(state.router.url.query_parameters) if state.router.url else {}


class StaffTicketsState(rx.State):
    rows: list[dict[str, str]] = []
    filters: dict[str, str] = {}
    page: int = 1
    pages: int = 1
    total: str = "0"
    error: str = ""
    status_options: list[list[str]] = []
    category_options: list[list[str]] = []
    age_options: list[list[str]] = []

    @rx.event
    @staff_only
    async def load(self):
        lang = await viewer_lang(self)
        f = clean_filters(_params(self))
        self.filters = {
            "status": f.status,
            "category": f.category or "any",
            "age": f.age or "any",
            "assigned": f.assigned or "any",
        }
        page = page_from_url(self)
        result, self.error = run_service(
            self, lang, lambda s, v: staff_queue(session=s, viewer=v, filters=f, page=page, ip=client_ip(self))
        )
        any_label = gettext(lang, "Any")
        self.status_options = [
            ["active", gettext(lang, "Open or waiting for support")],
            *[[k, gettext(lang, v)] for k, v in STATUSES.items()],
            ["all", gettext(lang, "All")],
        ]
        self.category_options = [["any", any_label], *[[k, gettext(lang, v)] for k, v in CATEGORIES.items()]]
        self.age_options = [["any", any_label], *[[k, gettext(lang, v)] for k, v in AGE_LABELS.items()]]
        if result is None:
            self.rows = []
            return
        rows, self.page, self.pages, total = result  # type: ignore[misc]
        self.total = str(total)
        self.rows = [_ticket_dict(r, lang) for r in rows]

    def _url(self, page: int = 1, **change: str) -> str:
        # every value is checked again (the queue's own filter rules): the URL only ever holds known words
        f = clean_filters({**self.filters, **change})
        query: dict[str, object] = {
            k: v
            for k, v in (("status", f.status), ("category", f.category), ("age", f.age), ("assigned", f.assigned))
            if v and not (k == "status" and v == "active")
        }
        if page > 1:
            query["page"] = page
        return "/staff/tickets" + ("?" + urlencode(query) if query else "")

    @rx.event
    @staff_only
    def set_filter(self, key: str, value: str):
        if key in ("status", "category", "age", "assigned") and isinstance(value, str):
            return rx.redirect(self._url(**{key: value}))
        return None

    @rx.event
    @staff_only
    def go_page(self, page: int):
        if isinstance(page, int) and not isinstance(page, bool):
            return rx.redirect(self._url(page=min(max(1, page), self.pages)))
        return None


class AuditState(rx.State):
    rows: list[dict[str, str]] = []
    filters: dict[str, str] = {}
    page: int = 1
    has_next: bool = False
    error: str = ""
    export_url: str = "/staff/audit.csv"

    @rx.event
    @staff_only
    async def load(self):
        lang = await viewer_lang(self)
        f = support.clean_filters(_params(self))
        self.filters = {
            "actor": f.actor,
            "customer": f.customer,
            "action": f.action,
            "from": f.date_from,
            "to": f.date_to,
        }
        page = page_from_url(self)
        result, self.error = run_service(
            self, lang, lambda s, v: support.audit_page(session=s, viewer=v, filters=f, page=page, ip=client_ip(self))
        )
        query = {k: v for k, v in self.filters.items() if v}
        self.export_url = "/staff/audit.csv" + ("?" + urlencode(query) if query else "")
        if result is None:
            self.rows, self.has_next = [], False
            return
        rows, self.page, self.has_next = result  # type: ignore[misc]
        self.rows = [
            {
                "id": str(r.id),
                "at": format_datetime(r.created_at, lang, "short"),
                "actor": r.actor or "—",
                "customer": r.customer or "—",
                "action": r.action,
                "ok": "1" if r.success else "",
                "ip": r.ip or "—",
                "details": json.dumps(r.details, ensure_ascii=False, sort_keys=True, default=str)[:400],
            }
            for r in rows
        ]

    @rx.event
    @staff_only
    def apply(self, form: dict):
        fields = form_fields(form)
        values = {k: clean_search(fields.get(k), 64) for k in ("actor", "customer", "action", "from", "to")}
        query = {k: v for k, v in values.items() if v}
        return rx.redirect("/staff/audit" + ("?" + urlencode(query) if query else ""))

    @rx.event
    @staff_only
    def go_page(self, page: int):
        if isinstance(page, int) and not isinstance(page, bool):
            query = {k: v for k, v in self.filters.items() if v}
            if page > 1:
                query["page"] = str(page)
            return rx.redirect("/staff/audit" + ("?" + urlencode(query) if query else ""))
        return None


class AdminState(rx.State):
    allowed: bool = False
    error: str = ""
    staff: list[dict[str, str]] = []
    seller: dict[str, str] = {}
    form_error: str = ""
    seller_error: str = ""

    @rx.event
    @admin_only
    async def load(self):
        lang = await viewer_lang(self)
        ip = client_ip(self)
        result, self.error = run_service(
            self,
            lang,
            lambda s, v: (support.list_staff(session=s, viewer=v, ip=ip), billing.seller_settings(session=s)),
        )
        self.allowed = result is not None
        if result is None:
            return
        users, settings = result  # type: ignore[misc]
        self.staff = [
            {
                "id": str(u.id),
                "username": u.username,
                "role": u.role,
                "role_label": gettext(lang, ROLE_LABELS.get(u.role, u.role)),
                "email": u.email,
                "active": "1" if u.is_active else "",
                "last_login": format_datetime(u.last_login_at, lang, "short") or "—",
            }
            for u in users
        ]
        self.seller = {k: getattr(settings, k) for k in billing.FIELDS}

    @rx.event
    @admin_only
    async def add_staff(self, form: dict):
        lang = await viewer_lang(self)
        ip, fields = client_ip(self), form_fields(form)
        _, self.form_error = run_service(
            self,
            lang,
            lambda s, v: support.add_staff(
                session=s,
                viewer=v,
                username=fields.get("username", ""),
                password=fields.get("password", ""),
                role=fields.get("role", ""),
                email=fields.get("email", ""),
                ip=ip,
            ),
        )
        if self.form_error:
            return rx.toast.error(self.form_error)
        await self.load()
        username = clean_search(fields.get("username"), 64)
        return [
            rx.toast.success(translate_message(lang, MSG_STAFF_ADDED, {"username": username})),
            rx.set_value("staff-username", ""),
            rx.set_value("staff-password", ""),
            rx.set_value("staff-email", ""),
        ]

    async def _change(self, action) -> object:  # type: ignore[no-untyped-def]
        lang = await viewer_lang(self)
        _, error = run_service(self, lang, action)
        if error:
            return rx.toast.error(error)
        await self.load()
        return rx.toast.success(gettext(lang, MSG_SAVED))

    @rx.event
    @admin_only
    async def set_role(self, user_id: str, role: str):
        uid = parse_id(user_id) or 0
        ip = client_ip(self)
        return await self._change(lambda s, v: support.set_role(session=s, viewer=v, user_id=uid, role=role, ip=ip))

    @rx.event
    @admin_only
    async def set_active(self, user_id: str, active: bool):
        uid = parse_id(user_id) or 0
        ip = client_ip(self)
        return await self._change(
            lambda s, v: support.set_active(session=s, viewer=v, user_id=uid, active=bool(active), ip=ip)
        )

    @rx.event
    @admin_only
    async def save_seller(self, form: dict):
        lang = await viewer_lang(self)
        ip = client_ip(self)
        _, self.seller_error = run_service(
            self, lang, lambda s, v: billing.save_seller_settings(session=s, viewer=v, form=form_fields(form), ip=ip)
        )
        if self.seller_error:
            return rx.toast.error(self.seller_error)
        await self.load()
        return rx.toast.success(gettext(lang, MSG_SAVED))


STAFF_STATES.extend([StaffTicketsState, AuditState, AdminState])
