"""Staff pages: the ticket queue, the audit log, and the admin page (staff users, seller settings).

The queue and the audit log are `staff_only`; the admin page's handlers are `admin_only`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import Session

from introserv_app.domain.statuses import TICKET_STATUS_LABELS
from introserv_app.domain.text import N_
from introserv_app.domain.validation import clean_search, form_fields, parse_id
from introserv_app.i18n import format_datetime, gettext
from introserv_app.i18n.countries import country_name
from introserv_app.services import billing, support
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging import AGE_LABELS, CATEGORIES, clean_filters, staff_queue
from introserv_app.state.context import Ctx, Refused, client_ip
from introserv_app.state.fields import Field, event, field
from introserv_app.state.guard import STAFF_STATES, admin_only, staff_only
from introserv_app.state.tickets import ticket_dict
from introserv_app.state.url import page_url
from introserv_app.state.vat import VatRatesAdminState

MSG_SAVED = N_("Saved.")
MSG_ANY = N_("any")
MSG_STAFF_ADDED = N_("The staff user {username} can sign in now.")
ROLE_LABELS = {"support": N_("Support"), "admin": N_("Administrator")}


class StaffTicketsState(rx.State):
    rows: Field[list[dict[str, str]]] = field([])
    filters: Field[dict[str, str]] = field({})
    page: Field[int] = field(1)
    pages: Field[int] = field(1)
    total: Field[str] = field("0")
    error: Field[str] = field("")
    status_options: Field[list[list[str]]] = field([])
    category_options: Field[list[list[str]]] = field([])
    age_options: Field[list[list[str]]] = field([])

    @event
    @staff_only
    async def load(self):
        ctx = await Ctx.of(self)
        lang, ip, url = ctx.lang, ctx.ip, page_url(self)
        f = clean_filters(dict(url.params))
        self.filters = {
            "status": f.status,
            "category": f.category or "any",
            "age": f.age or "any",
            "assigned": f.assigned or "any",
        }
        page = url.page()
        result = ctx.run(lambda s, v: staff_queue(session=s, viewer=v, filters=f, page=page, ip=ip))
        self.error = result.message if isinstance(result, Refused) else ""
        any_label = gettext(lang, "Any")
        self.status_options = [
            ["active", gettext(lang, "Open or waiting for support")],
            *[[k, gettext(lang, v)] for k, v in TICKET_STATUS_LABELS.items()],
            ["all", gettext(lang, "All")],
        ]
        self.category_options = [["any", any_label], *[[k, gettext(lang, v)] for k, v in CATEGORIES.items()]]
        self.age_options = [["any", any_label], *[[k, gettext(lang, v)] for k, v in AGE_LABELS.items()]]
        if isinstance(result, Refused):
            self.rows = []
            return
        rows, self.page, self.pages, total = result
        self.total = str(total)
        self.rows = [ticket_dict(r, lang) for r in rows]

    def _url(self, page: int = 1, change: dict[str, str] | None = None) -> str:
        # every value is checked again (the queue's own filter rules): the URL only ever holds known words
        f = clean_filters({**self.filters, **(change or {})})
        query: dict[str, object] = {
            k: v
            for k, v in (("status", f.status), ("category", f.category), ("age", f.age), ("assigned", f.assigned))
            if v and not (k == "status" and v == "active")
        }
        if page > 1:
            query["page"] = page
        return "/staff/tickets" + ("?" + urlencode(query) if query else "")

    @event
    @staff_only
    def set_filter(self, key: str, value: str):
        if key in ("status", "category", "age", "assigned") and isinstance(value, str):
            return rx.redirect(self._url(change={key: value}))
        return None

    @event
    @staff_only
    def go_page(self, page: int):
        if isinstance(page, int) and not isinstance(page, bool):
            return rx.redirect(self._url(page=min(max(1, page), self.pages)))
        return None


class AuditState(rx.State):
    rows: Field[list[dict[str, str]]] = field([])
    filters: Field[dict[str, str]] = field({})
    page: Field[int] = field(1)
    has_next: Field[bool] = field(False)
    error: Field[str] = field("")
    export_url: Field[str] = field("/staff/audit.csv")

    @event
    @staff_only
    async def load(self):
        ctx = await Ctx.of(self)
        lang, ip, url = ctx.lang, ctx.ip, page_url(self)
        f = support.clean_filters(url.params)
        self.filters = {
            "actor": f.actor,
            "customer": f.customer,
            "action": f.action,
            "from": f.date_from,
            "to": f.date_to,
        }
        page = url.page()
        result = ctx.run(lambda s, v: support.audit_page(session=s, viewer=v, filters=f, page=page, ip=ip))
        self.error = result.message if isinstance(result, Refused) else ""
        query = {k: v for k, v in self.filters.items() if v}
        self.export_url = "/staff/audit.csv" + ("?" + urlencode(query) if query else "")
        if isinstance(result, Refused):
            self.rows, self.has_next = [], False
            return
        rows, self.page, self.has_next = result
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

    @event
    @staff_only
    def apply(self, form: dict):
        fields = form_fields(form)
        values = {k: clean_search(fields.get(k), 64) for k in ("actor", "customer", "action", "from", "to")}
        query = {k: v for k, v in values.items() if v}
        return rx.redirect("/staff/audit" + ("?" + urlencode(query) if query else ""))

    @event
    @staff_only
    def go_page(self, page: int):
        if isinstance(page, int) and not isinstance(page, bool):
            query = {k: v for k, v in self.filters.items() if v}
            if page > 1:
                query["page"] = str(page)
            return rx.redirect("/staff/audit" + ("?" + urlencode(query) if query else ""))
        return None


class AdminState(rx.State):
    allowed: Field[bool] = field(False)
    error: Field[str] = field("")
    staff: Field[list[dict[str, str]]] = field([])
    seller: Field[dict[str, str]] = field({})
    form_error: Field[str] = field("")
    seller_error: Field[str] = field("")
    #: Which payment providers customers are offered (currency, country) and which are on.
    methods: Field[list[dict[str, str]]] = field([])

    @event
    @admin_only
    async def load(self):
        ctx = await Ctx.of(self)
        lang, ip = ctx.lang, ctx.ip
        result = ctx.run(
            lambda s, v: (support.list_staff(session=s, viewer=v, ip=ip), billing.seller_settings(session=s))
        )
        self.error = result.message if isinstance(result, Refused) else ""
        self.allowed = not isinstance(result, Refused)
        if isinstance(result, Refused):
            return
        users, settings = result
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
        anywhere = gettext(lang, MSG_ANY)
        self.methods = [
            {
                "provider": r.provider,
                "label": gettext(lang, r.label),
                "on": "1" if r.enabled else "",
                "currencies": ", ".join(r.currencies) or anywhere,
                "excluded": ", ".join(country_name(c, lang) for c in r.countries_excluded) or "—",
                "webhook": r.webhook_url,
            }
            for r in billing.provider_rules()
        ]
        return VatRatesAdminState.load  # the VAT rates section of the page (state.vat)

    @event
    @admin_only
    async def add_staff(self, form: dict):
        ctx = await Ctx.of(self)
        ip, fields = ctx.ip, form_fields(form)
        done = ctx.run(
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
        self.form_error = done.message if isinstance(done, Refused) else ""
        if self.form_error:
            return rx.toast.error(self.form_error)
        await self.load()
        username = clean_search(fields.get("username"), 64)
        return [
            rx.toast.success(ctx.text(MSG_STAFF_ADDED, {"username": username})),
            rx.set_value("staff-username", ""),
            rx.set_value("staff-password", ""),
            rx.set_value("staff-email", ""),
        ]

    async def _change(self, action: Callable[[Session, Viewer], object]) -> object:
        ctx = await Ctx.of(self)
        done = ctx.run(action)
        if isinstance(done, Refused) and done.message:
            return rx.toast.error(done.message)
        await self.load()
        return rx.toast.success(ctx.text(MSG_SAVED))

    @event
    @admin_only
    async def set_role(self, user_id: str, role: str):
        uid = parse_id(user_id) or 0
        ip = client_ip(self)
        return await self._change(lambda s, v: support.set_role(session=s, viewer=v, user_id=uid, role=role, ip=ip))

    @event
    @admin_only
    async def set_active(self, user_id: str, active: bool):
        uid = parse_id(user_id) or 0
        ip = client_ip(self)
        return await self._change(
            lambda s, v: support.set_active(session=s, viewer=v, user_id=uid, active=bool(active), ip=ip)
        )

    @event
    @admin_only
    async def save_seller(self, form: dict):
        ctx = await Ctx.of(self)
        ip, fields = ctx.ip, form_fields(form)
        done = ctx.run(lambda s, v: billing.save_seller_settings(session=s, viewer=v, form=fields, ip=ip))
        self.seller_error = done.message if isinstance(done, Refused) else ""
        if self.seller_error:
            return rx.toast.error(self.seller_error)
        await self.load()
        return rx.toast.success(ctx.text(MSG_SAVED))


STAFF_STATES.extend([StaffTicketsState, AuditState, AdminState])
