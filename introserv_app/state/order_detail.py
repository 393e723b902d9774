"""/orders/<id>: the Manage order page."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from sqlmodel import Session

from introserv_app.domain.lifecycle import SupportAction, support_actions
from introserv_app.domain.servers import ACTION_LABELS
from introserv_app.domain.statuses import INVOICE_STATUS_LABELS, STATUS_INFO, TICKET_STATUS_LABELS, OrderStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import clean_search, form_fields, parse_id
from introserv_app.i18n import format_date, format_datetime, format_money, gettext, translate_message
from introserv_app.services import messaging, servers, support
from introserv_app.services.billing import MSG_PERIOD
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging import CATEGORIES
from introserv_app.services.orders import order_detail
from introserv_app.state.context import Ctx, Refused, page_load
from introserv_app.state.fields import Field, event, field
from introserv_app.state.guard import staff_only
from introserv_app.state.session import SessionState
from introserv_app.state.url import page_url

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
    found: Field[bool] = field(False)
    error: Field[str] = field("")
    order_id: Field[str] = field("")
    fields: Field[dict[str, str]] = field({})
    timeline: Field[list[dict[str, str]]] = field([])
    invoices: Field[list[dict[str, str]]] = field([])
    tickets: Field[list[dict[str, str]]] = field([])
    owner: Field[bool] = field(False)
    can_renew: Field[bool] = field(False)
    renew_refusal: Field[str] = field("")
    #: A new order waits for its first invoice: its page offers Pay instead of Renew.
    can_pay: Field[bool] = field(False)
    can_cancel: Field[bool] = field(False)
    cancel_pending: Field[bool] = field(False)
    lang: Field[str] = field("en")
    staff: Field[bool] = field(False)
    #: What support may do to the order in its status (`lifecycle.SupportAction` values, from the status machine).
    staff_actions: Field[list[str]] = field([])
    staff_error: Field[str] = field("")
    staff_dialog: Field[str] = field("")

    @event
    async def open_page(self):
        """on_load of /orders/<id> in one event and one database session: the session check, then the order."""
        with page_load():
            refused = await (await self.get_state(SessionState)).check_login()
            if refused is not None:
                return refused
            return await self.load()

    @event
    async def load(self):
        ctx = await Ctx.of(self)
        viewer, lang = ctx.viewer, ctx.lang
        if viewer is None:
            return
        self.lang = lang
        order_id, ip = page_url(self).path_id() or 0, ctx.ip
        self.found, self.error = False, ""
        d = ctx.run(lambda s, v: order_detail(session=s, viewer=v, order_id=order_id, ip=ip))
        if isinstance(d, Refused):
            self.error = d.message
            return
        info = STATUS_INFO[d.status]
        self.found, self.order_id, self.owner = True, str(d.id), d.owner
        self.staff, self.staff_error = viewer.is_staff and not d.owner, ""
        self.staff_actions = [a.value for a in support_actions(d.status)] if self.staff else []
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
        self.can_pay = d.owner and d.status == OrderStatus.NOT_PROCESSED
        self.cancel_pending = d.owner and d.cancel_pending
        self.can_cancel = d.owner and d.status != OrderStatus.CANCELLED and not d.cancel_pending
        history = ctx.run(lambda s, _: servers.server_history(session=s, order_id=d.id))
        entries = [
            (
                e.at,
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
                },
            )
            for e in d.timeline
        ]
        entries += [  # what was done to the server through its management controller
            (
                h.at,
                {
                    "at": format_datetime(h.at, lang),
                    "event": gettext(lang, ACTION_LABELS[h.action]),
                    "change": "",
                    "actor": h.actor,
                    "note": "",
                },
            )
            for h in (history if isinstance(history, list) else [])
        ]
        self.timeline = [entry for _, entry in sorted(entries, key=lambda pair: pair[0], reverse=True)]
        self.invoices = [
            {
                "id": str(i.id),
                "number": i.number,
                "issued": format_date(i.issued_at.date(), lang),
                "status": i.status,
                "status_label": gettext(lang, INVOICE_STATUS_LABELS.get(i.status, i.status)),
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
                "status": gettext(lang, TICKET_STATUS_LABELS.get(t.status, t.status)),
                "updated": format_datetime(t.updated_at, lang),
            }
            for t in d.tickets
        ]

    async def _staff_action(self, action: Callable[[Session, Viewer, str], object], done_msgid: str):
        ctx = await Ctx.of(self)
        ip = ctx.ip
        done = ctx.run(lambda s, v: action(s, v, ip))
        self.staff_error = done.message if isinstance(done, Refused) else ""
        if self.staff_error:
            return rx.toast.error(self.staff_error)
        self.staff_dialog = ""
        await self.load()
        return rx.toast.success(ctx.text(done_msgid))

    @event
    @staff_only
    def show_staff(self, dialog: str, open_: bool = True):
        self.staff_dialog = clean_search(dialog, 40) if open_ else ""
        self.staff_error = ""

    @event
    @staff_only
    async def post_notice(self, form: dict):
        order_id, fields = parse_id(self.order_id) or 0, form_fields(form)
        return await self._staff_action(
            lambda session, viewer, ip: messaging.post_notice(
                session=session,
                viewer=viewer,
                order_id=order_id,
                message=fields.get("notice", ""),
                severity=fields.get("severity", "warning"),
                ip=ip,
            ),
            MSG_NOTICE_SENT,
        )

    @event
    @staff_only
    async def deliver(self, form: dict):
        order_id, fields = parse_id(self.order_id) or 0, form_fields(form)
        return await self._staff_action(
            lambda session, viewer, ip: support.deliver_order(
                session=session, viewer=viewer, order_id=order_id, main_ip=fields.get("main_ip", ""), ip=ip
            ),
            MSG_DELIVERED,
        )

    @event
    @staff_only
    async def staff_order_action(self, form: dict):
        """Suspend for a violation, lift a suspension or cancel, with the reason from the dialog (the status
        machine, in the service, decides whether the order's status allows it)."""
        order_id, fields = parse_id(self.order_id) or 0, form_fields(form)
        action = fields.get("action")
        picked = STAFF_ORDER_ACTIONS.get(action) if isinstance(action, str) else None
        if picked is None:
            return None
        fn, done = picked
        return await self._staff_action(
            lambda session, viewer, ip: fn(
                session=session, viewer=viewer, order_id=order_id, reason=fields.get("reason", ""), ip=ip
            ),
            done,
        )


#: Support's status actions with a reason (delivery has its own form): the service and the message when done.
STAFF_ORDER_ACTIONS: dict[str, tuple[Callable[..., object], str]] = {
    SupportAction.SUSPEND: (support.suspend_for_violation, MSG_SUSPENDED),
    SupportAction.LIFT: (support.lift_suspension, MSG_LIFTED),
    SupportAction.CANCEL: (support.cancel_by_staff, MSG_CANCELLED),
}
