"""The support console: the staff dashboard, customer search and one customer's page with its actions.

Every handler here is `staff_only` (refused and audited for anyone else); the services check again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import Session

from introserv_app.domain.statuses import (
    LEDGER_KIND_LABELS,
    STATUS_INFO,
    TICKET_STATUS_LABELS,
    OrderStatus,
    OutboxStatus,
)
from introserv_app.domain.text import N_
from introserv_app.domain.validation import clean_search, form_fields, parse_id
from introserv_app.i18n import format_amount, format_date, format_datetime, format_money, gettext, translate_message
from introserv_app.i18n.countries import country_choices, country_name
from introserv_app.services import support
from introserv_app.services.accounts import SignInAttempts
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging import AGE_LABELS, CATEGORIES, outbox_page, retry_message
from introserv_app.services.support import staff_dashboard
from introserv_app.state.api_keys import CustomerApiKeysState
from introserv_app.state.charts import monthly_points
from introserv_app.state.context import Ctx, Refused, client_ip
from introserv_app.state.fields import Field, event, field
from introserv_app.state.guard import STAFF_STATES, staff_only
from introserv_app.state.staff_payments import CustomerPaymentsState
from introserv_app.state.staff_phone import CustomerPhoneState
from introserv_app.state.url import page_url

MSG_DONE = N_("Done: the customer was told where it matters, and the action is in the audit log.")
MSG_ADJUSTED = N_("The balance is now {balance}.")
MSG_RETRIED = N_("The message is queued for delivery again.")


def _status_label(lang: str, status: OrderStatus) -> str:
    return gettext(lang, STATUS_INFO[status].label)


class StaffDashboardState(rx.State):
    cards: Field[dict[str, str]] = field({})
    status_rows: Field[list[dict[str, str]]] = field([])
    tickets_by_age: Field[list[dict[str, str]]] = field([])
    revenue: Field[list[dict[str, Any]]] = field([])
    revenue_total: Field[str] = field("")
    failed: Field[list[dict[str, str]]] = field([])

    @event
    @staff_only
    async def load(self):
        ctx = await Ctx.of(self)
        lang, ip = ctx.lang, ctx.ip
        result = ctx.run(
            lambda s, v: (
                staff_dashboard(session=s, viewer=v, ip=ip),
                outbox_page(session=s, viewer=v, status=OutboxStatus.FAILED, ip=ip),
            )
        )
        if isinstance(result, Refused):
            return rx.toast.error(result.message) if result.message else None
        d, failed = result
        self.cards = {
            "running": format_amount(
                d.status_counts[OrderStatus.PROCESSED] + d.status_counts[OrderStatus.PROCESSING], lang
            ),
            "expiring": format_amount(d.expiring_7d, lang),
            "new_accounts": format_amount(d.new_accounts_7d, lang),
            "suspended": format_amount(d.suspended, lang),
            "tickets": format_amount(sum(d.tickets_by_age.values()), lang),
            "outbox_pending": format_amount(d.outbox_pending, lang),
            "outbox_failed": format_amount(d.outbox_failed, lang),
            "not_processed": format_amount(d.status_counts[OrderStatus.NOT_PROCESSED], lang),
            "processing": format_amount(d.status_counts[OrderStatus.PROCESSING], lang),
        }
        self.status_rows = [
            {"status": s.value, "label": _status_label(lang, s), "count": format_amount(n, lang)}
            for s, n in d.status_counts.items()
        ]
        self.tickets_by_age = [
            {"age": key, "label": gettext(lang, AGE_LABELS[key]), "count": str(n)}
            for key, n in d.tickets_by_age.items()
        ]
        self.revenue, self.revenue_total = monthly_points(d.revenue, lang)
        self.failed = [
            {
                "id": str(r.id),
                "to": r.to_addr,
                "subject": r.subject,
                "error": r.last_error,
                "created": format_datetime(r.created_at, lang, "short"),
            }
            for r in failed.rows[:10]
        ]
        return None

    @event
    @staff_only
    async def retry(self, message_id: str):
        ctx = await Ctx.of(self)
        mid, ip = parse_id(message_id) or 0, ctx.ip
        done = ctx.run(lambda s, v: retry_message(session=s, message_id=mid, viewer=v, ip=ip))
        if isinstance(done, Refused) and done.message:
            return rx.toast.error(done.message)
        await self.load()
        return rx.toast.success(ctx.text(MSG_RETRIED))


class CustomerSearchState(rx.State):
    query: Field[str] = field("")
    rows: Field[list[dict[str, str]]] = field([])
    page: Field[int] = field(1)
    pages: Field[int] = field(1)
    total: Field[str] = field("0")
    error: Field[str] = field("")

    @event
    @staff_only
    async def load(self):
        ctx = await Ctx.of(self)
        lang, ip, url = ctx.lang, ctx.ip, page_url(self)
        query = self.query = url.text("q", support.SEARCH_MAX)
        page = url.page()
        result = ctx.run(lambda s, v: support.search_customers(session=s, viewer=v, query=query, page=page, ip=ip))
        self.error = result.message if isinstance(result, Refused) else ""
        if isinstance(result, Refused):
            self.rows = []
            return
        rows, self.page, self.pages, total = result
        self.total = format_amount(total, lang)
        self.rows = [
            {
                "id": str(r.id),
                "username": r.username,
                "name": r.name,
                "company": r.company,
                "email": r.email,
                "country": country_name(r.country, lang),
                "orders": format_amount(r.orders, lang),
                "active": "1" if r.is_active else "",
                "since": format_date(r.created_at.date(), lang),
            }
            for r in rows
        ]

    @event
    @staff_only
    def search(self, form: dict):
        q = clean_search(form_fields(form).get("q"), support.SEARCH_MAX)
        return rx.redirect("/staff/customers?" + _query({"q": q}))

    @event
    @staff_only
    def go_page(self, page: int):
        if isinstance(page, int) and not isinstance(page, bool):
            return rx.redirect("/staff/customers?" + _query({"q": self.query, "page": min(max(1, page), self.pages)}))
        return None


def _query(values: dict[str, object]) -> str:
    return urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})


class CustomerState(rx.State):
    found: Field[bool] = field(False)
    error: Field[str] = field("")
    customer_id: Field[str] = field("")
    info: Field[dict[str, str]] = field({})
    flags: Field[dict[str, bool]] = field({})
    status_rows: Field[list[dict[str, str]]] = field([])
    orders: Field[list[dict[str, str]]] = field([])
    ledger: Field[list[dict[str, str]]] = field([])
    invoices: Field[list[dict[str, str]]] = field([])
    tickets: Field[list[dict[str, str]]] = field([])
    logins: Field[list[dict[str, str]]] = field([])
    #: Failed sign-ins of the last 7 days: a summary line (empty when there were none), and by address.
    attempts_summary: Field[str] = field("")
    attempts_alarm: Field[bool] = field(False)
    attempt_addresses: Field[list[dict[str, str]]] = field([])
    audit: Field[list[dict[str, str]]] = field([])
    countries: Field[list[list[str]]] = field([])
    adjust_key: Field[str] = field("")
    dialog: Field[str] = field("")
    action_error: Field[str] = field("")

    def _id(self) -> int:
        return page_url(self).path_id() or 0

    @event
    @staff_only
    async def load(self):
        ctx = await Ctx.of(self)
        uid, ip = self._id(), ctx.ip
        card = ctx.run(lambda s, v: support.customer_card(session=s, viewer=v, user_id=uid, ip=ip))
        self.found = not isinstance(card, Refused)
        self.error = card.message if isinstance(card, Refused) else ""
        if isinstance(card, Refused):
            return None
        self._fill(card, ctx.lang)
        return [CustomerPaymentsState.load, CustomerPhoneState.load, CustomerApiKeysState.load]

    def _fill(self, c: support.CustomerCard, lang: str) -> None:
        p = c.profile
        yes, no = gettext(lang, "Yes"), gettext(lang, "No")
        self.customer_id = str(c.id)
        self.info = {
            "username": c.username,
            "name": f"{p.first_name} {p.last_name}".strip() or "—",
            "type": gettext(lang, "Company") if p.profile_type == "company" else gettext(lang, "Individual"),
            "company": p.company_name or "",
            "vat_number": p.vat_number or "—",
            "vat_valid": "—" if p.vat_valid is None else (yes if p.vat_valid else no),
            "verification": {"verified": gettext(lang, "Verified"), "pending": gettext(lang, "Pending")}.get(
                p.company_verification, "—"
            ),
            "email": p.email or "—",
            "email_confirmed": yes if p.email_confirmed else no,
            "email_pending": c.email_pending,
            "phone": p.phone or "—",
            "phone_verified": yes if p.phone_verified_at else no,
            "country": country_name(p.country, lang),
            "country_code": p.country,
            "address": ", ".join(x for x in (p.address, p.postal_code or "", p.city, p.region or "") if x) or "—",
            "currency": p.currency,
            "language": p.language,
            "balance": format_money(c.balance, lang),
            "since": format_datetime(c.created_at, lang),
            "last_login": format_datetime(c.last_login_at, lang) or "—",
            "last_ip": c.last_login_ip or "—",
            "ip_rules": p.ip_restrictions.strip() or "—",
            "code_word": yes if p.code_word_hash else no,
            "auto_renew": yes if p.auto_renew else no,
            "orders_total": format_amount(c.orders_total, lang),
        }
        self.flags = {
            "active": c.is_active,
            "company": p.profile_type == "company",
            "pending_verification": p.profile_type == "company" and p.company_verification != "verified",
            "ip_rules": bool(p.ip_restrictions.strip()),
            "code_word": bool(p.code_word_hash),
            "second_factor": c.second_factor,
            "unconfirmed": bool(c.email_pending) or (bool(p.email) and not p.email_confirmed),
        }
        self.status_rows = [
            {"status": s.value, "label": _status_label(lang, s), "count": format_amount(n, lang)}
            for s, n in c.status_counts.items()
            if n
        ]
        self.orders = [
            {
                "id": str(o.id),
                "name": o.service_name,
                "tariff": o.tariff,
                "status": o.status.value,
                "status_label": _status_label(lang, o.status),
                "paid_until": format_date(o.paid_until, lang) or "—",
                "price": format_money(o.price, lang),
                "ip": o.main_ip or "—",
            }
            for o in c.orders
        ]
        self.ledger = [
            {
                "at": format_datetime(e.created_at, lang, "short"),
                "kind": gettext(lang, LEDGER_KIND_LABELS.get(e.kind, e.kind)),
                "amount": format_money(e.amount, lang),
                "note": e.note,
                "actor": e.actor,
            }
            for e in c.ledger
        ]
        self.invoices = [
            {
                "id": str(i.id),
                "number": i.number,
                "status": i.status,
                "issued": format_date(i.issued_at.date(), lang),
                "gross": format_money(i.gross, lang),
            }
            for i in c.invoices
        ]
        self.tickets = [
            {
                "id": str(t.id),
                "subject": t.subject,
                "category": gettext(lang, CATEGORIES.get(t.category, t.category)),
                "status": gettext(lang, TICKET_STATUS_LABELS.get(t.status, t.status)),
                "updated": format_datetime(t.updated_at, lang, "short"),
            }
            for t in c.tickets
        ]
        self.logins = [
            {
                "at": format_datetime(e.at, lang, "short"),
                "ip": e.ip or "—",
                "result": gettext(lang, LOGIN_RESULTS[(e.detail, e.success)])
                if (e.detail, e.success) in LOGIN_RESULTS
                else e.detail,
            }
            for e in c.logins
        ]
        self._fill_attempts(c.sign_in_attempts, lang)
        self.audit = [
            {
                "at": format_datetime(e.at, lang, "short"),
                "actor": e.actor or "—",
                "action": e.action,
                "ok": "1" if e.success else "",
                "ip": e.ip or "—",
                "details": json.dumps(e.details, ensure_ascii=False, sort_keys=True, default=str)[:300],
            }
            for e in c.audit
        ]
        self.countries = [[code, name] for code, name in country_choices(lang)]

    def _fill_attempts(self, a: SignInAttempts, lang: str) -> None:
        self.attempts_alarm = a.under_attack
        self.attempts_summary = (
            translate_message(
                lang,
                MSG_ATTEMPTS,
                {
                    "day": format_amount(a.failures_24h, lang),
                    "week": format_amount(a.failures_7d, lang),
                    "addresses": format_amount(a.addresses_7d, lang),
                    "throttled": format_amount(a.throttled_7d, lang),
                    "last": format_datetime(a.last_failure_at, lang, "short"),
                    "ip": a.last_failure_ip or "—",
                },
            )
            if a.failures_7d or a.throttled_7d
            else ""
        )
        self.attempt_addresses = [{"ip": ip or "—", "failures": format_amount(n, lang)} for ip, n in a.top_addresses]

    @event
    @staff_only
    def show(self, dialog: str, open_: bool = True):
        self.dialog = clean_search(dialog, 40) if open_ else ""
        self.action_error = ""
        if self.dialog == "adjust":
            self.adjust_key = support.new_adjustment_key()

    async def _act(
        self,
        action: Callable[[Session, Viewer, int], object],
        done: str = MSG_DONE,
        values: Callable[[Any, str], dict[str, object]] | None = None,
    ):
        """Run a support action on this customer; `values(result, lang)` fills the done message."""
        ctx = await Ctx.of(self)
        uid = self._id()
        result = ctx.run(lambda s, v: action(s, v, uid))
        if isinstance(result, Refused) and result.message:
            self.action_error = result.message
            return rx.toast.error(result.message)
        self.dialog, self.action_error = "", ""
        await self.load()
        return rx.toast.success(ctx.text(done, values(result, ctx.lang) if values else None))

    @event
    @staff_only
    async def adjust(self, form: dict):
        ip, key, fields = client_ip(self), self.adjust_key, form_fields(form)
        return await self._act(
            lambda s, v, uid: support.adjust_balance(
                session=s,
                viewer=v,
                user_id=uid,
                amount=fields.get("amount", ""),
                reason=fields.get("reason", ""),
                idem_key=key,
                ip=ip,
            ),
            MSG_ADJUSTED,
            lambda balance, lang: {"balance": format_money(balance, lang)},
        )

    @event
    @staff_only
    async def change_country(self, form: dict):
        ip, fields = client_ip(self), form_fields(form)
        return await self._act(
            lambda s, v, uid: support.change_country(
                session=s,
                viewer=v,
                user_id=uid,
                country=fields.get("country", ""),
                reason=fields.get("reason", ""),
                ip=ip,
            )
        )

    @event
    @staff_only
    async def account_action(self, name: str):
        ip = client_ip(self)
        actions: dict[str, Callable[..., object]] = {
            "verify_company": support.verify_company,
            "clear_ip": support.clear_ip_restrictions,
            "reset_code_word": support.reset_code_word,
            "resend_confirmation": support.resend_email_confirmation,
            "send_reset": support.send_password_reset,
            "remove_second_factor": support.remove_second_factor,
            "close_account": support.close_account,
        }
        fn = actions.get(name) if isinstance(name, str) else None
        if fn is None:
            return None
        return await self._act(lambda s, v, uid: fn(session=s, viewer=v, user_id=uid, ip=ip))


MSG_ATTEMPTS = N_(
    "Failed sign-ins: {day} in the last 24 hours, {week} in 7 days, from {addresses} addresses. Attempts made "
    "to wait: {throttled}. Last failure: {last} from {ip}."
)

LOGIN_RESULTS = {
    ("", True): N_("Signed in"),
    ("", False): N_("Wrong password"),
    ("login.throttled", False): N_("Too many attempts"),
    ("logout", True): N_("Signed out"),
}

STAFF_STATES.extend([StaffDashboardState, CustomerSearchState, CustomerState])
