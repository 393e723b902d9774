"""/orders/<id>: the Manage order page."""

from __future__ import annotations

import reflex as rx

from introserv_app.db.session import page_load_session, session_scope
from introserv_app.domain.statuses import STATUS_INFO, OrderStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import clean_search, form_fields, id_in_path, parse_id
from introserv_app.i18n import format_date, format_datetime, format_money, gettext, translate_error, translate_message
from introserv_app.services import messaging, support
from introserv_app.services.billing import MSG_PERIOD, STATUS_LABELS
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.messaging import CATEGORIES, STATUSES
from introserv_app.services.orders import order_detail
from introserv_app.state.guard import client_ip, current_viewer, run_service, staff_only
from introserv_app.state.locale import LocaleState, viewer_lang
from introserv_app.state.session import SessionState

EVENTS = {
    "created": N_("Order created"),
    "paid": N_("Paid"),
    "renewed": N_("Renewed"),
    "cancelled": N_("Cancelled"),
    "cancel_scheduled": N_("Cancellation at the end of the period requested"),
    "cancel_withdrawn": N_("Cancellation withdrawn"),
    "suspended": N_("Suspended for non-payment"),
    "delivered": N_("Delivered"),
    "suspended_violation": N_("Suspended for a violation"),
    "suspension_lifted": N_("Suspension lifted"),
}
MSG_NOTICE_SENT = N_("The notice was sent to the customer.")
MSG_DELIVERED = N_("The order is marked processed; the customer was told.")
MSG_SUSPENDED = N_("The order is suspended; the customer sees a banner and got an email.")
MSG_LIFTED = N_("The suspension is lifted; the customer was told.")
MSG_CANCELLED = N_("The order is cancelled; the customer was told.")


def _status_label(lang: str, status: str | None) -> str:
    if not status:
        return ""
    try:
        return gettext(lang, STATUS_INFO[OrderStatus(status)].label)
    except ValueError:
        return status


class OrderDetailState(rx.State):
    found: bool = False
    error: str = ""
    order_id: str = ""
    fields: dict[str, str] = {}
    timeline: list[dict[str, str]] = []
    invoices: list[dict[str, str]] = []
    tickets: list[dict[str, str]] = []
    owner: bool = False
    can_renew: bool = False
    renew_refusal: str = ""
    can_cancel: bool = False
    cancel_pending: bool = False
    lang: str = "en"
    staff: bool = False
    staff_error: str = ""
    staff_dialog: str = ""

    @rx.event
    async def open_page(self):
        """on_load of /orders/<id> in one event and one database session: the session check, then the order."""
        with page_load_session():
            refused = await (await self.get_state(SessionState)).check_login()
            if refused is not None:
                return refused
            return await self.load()

    @rx.event
    async def load(self):
        viewer = current_viewer(self)
        if viewer is None:
            return
        lang = (await self.get_state(LocaleState)).lang
        self.lang = lang
        order_id = id_in_path(self.router.url.path if self.router.url else "") or 0
        self.found, self.error = False, ""
        try:
            with session_scope() as session:
                d = order_detail(
                    session=session,
                    viewer=viewer,
                    order_id=order_id,
                    ip=client_ip(self),
                )
        except ServiceError as exc:
            self.error = translate_error(lang, exc.message, exc.values)
            return
        info = STATUS_INFO[d.status]
        self.found, self.order_id, self.owner = True, str(d.id), d.owner
        self.staff, self.staff_error = viewer.is_staff and not d.owner, ""
        self.fields = {
            "name": d.service_name,
            "customer": d.customer,
            "customer_id": str(d.customer_id),
            "tariff": d.tariff,
            "status": d.status.value,
            "status_label": gettext(lang, info.label),
            "status_hint": gettext(lang, info.explanation),
            "main_ip": d.main_ip or "—",
            "created": format_datetime(d.created_at, lang),
            "paid_until": format_date(d.paid_until, lang) or "—",
            "price": format_money(d.price, lang),
            "period": translate_message(lang, MSG_PERIOD, {"months": d.period_months}),
            "comment": d.comment,
            "cancel_reason": d.cancel_reason,
            "cancelled_at": format_datetime(d.cancelled_at, lang),
            "prices": " · ".join(
                translate_message(lang, MSG_PERIOD, {"months": m}) + " " + format_money(p, lang)
                for m, p in sorted(d.prices.items())
            ),
        }
        self.can_renew = d.owner and d.renew_refusal is None
        self.renew_refusal = gettext(lang, d.renew_refusal) if d.renew_refusal else ""
        self.cancel_pending = d.owner and d.cancel_pending
        self.can_cancel = d.owner and d.status != OrderStatus.CANCELLED and not d.cancel_pending
        self.timeline = [
            {
                "at": format_datetime(e.at, lang),
                "event": gettext(lang, EVENTS.get(e.event, e.event)),
                "change": (
                    f"{_status_label(lang, e.old_status)} → {_status_label(lang, e.new_status)}"
                    if e.old_status and e.old_status != e.new_status
                    else _status_label(lang, e.new_status)
                ),
                "actor": e.actor,
                "note": e.note,
            }
            for e in d.timeline
        ]
        self.invoices = [
            {
                "id": str(i.id),
                "number": i.number,
                "issued": format_date(i.issued_at.date(), lang),
                "status": i.status,
                "status_label": gettext(lang, STATUS_LABELS.get(i.status, i.status)),
                "amount": format_money(i.line, lang),
                "gross": format_money(i.gross, lang),
                "period": translate_message(lang, MSG_PERIOD, {"months": i.period_months}) if i.period_months else "",
            }
            for i in d.invoices
        ]
        self.tickets = [
            {
                "id": str(t.id),
                "subject": t.subject,
                "category": gettext(lang, CATEGORIES.get(t.category, t.category)),
                "status": gettext(lang, STATUSES.get(t.status, t.status)),
                "updated": format_datetime(t.updated_at, lang),
            }
            for t in d.tickets
        ]

    async def _staff_action(self, action, done_msgid: str):  # type: ignore[no-untyped-def]
        lang = await viewer_lang(self)
        _, self.staff_error = run_service(self, lang, action)
        if self.staff_error:
            return rx.toast.error(self.staff_error)
        self.staff_dialog = ""
        await self.load()
        return rx.toast.success(gettext(lang, done_msgid))

    @rx.event
    @staff_only
    def show_staff(self, dialog: str, open_: bool = True):
        self.staff_dialog = clean_search(dialog, 40) if open_ else ""
        self.staff_error = ""

    @rx.event
    @staff_only
    async def post_notice(self, form: dict):
        order_id, fields = parse_id(self.order_id) or 0, form_fields(form)
        return await self._staff_action(
            lambda session, viewer: messaging.post_notice(
                session=session,
                viewer=viewer,
                order_id=order_id,
                message=fields.get("notice", ""),
                severity=fields.get("severity", "warning"),
                ip=client_ip(self),
            ),
            MSG_NOTICE_SENT,
        )

    @rx.event
    @staff_only
    async def deliver(self, form: dict):
        order_id, fields = parse_id(self.order_id) or 0, form_fields(form)
        return await self._staff_action(
            lambda session, viewer: support.deliver_order(
                session=session, viewer=viewer, order_id=order_id, main_ip=fields.get("main_ip", ""), ip=client_ip(self)
            ),
            MSG_DELIVERED,
        )

    @rx.event
    @staff_only
    async def staff_order_action(self, form: dict):
        """Suspend for a violation, lift a suspension or cancel, with the reason from the dialog."""
        order_id, fields = parse_id(self.order_id) or 0, form_fields(form)
        actions = {
            "suspend": (support.suspend_for_violation, MSG_SUSPENDED),
            "lift": (support.lift_suspension, MSG_LIFTED),
            "cancel": (support.cancel_by_staff, MSG_CANCELLED),
        }
        action = fields.get("action")
        picked = actions.get(action) if isinstance(action, str) else None
        if picked is None:
            return None
        fn, done = picked
        return await self._staff_action(
            lambda session, viewer: fn(
                session=session, viewer=viewer, order_id=order_id, reason=fields.get("reason", ""), ip=client_ip(self)
            ),
            done,
        )
