"""Dashboard view data (formatted on the server in the viewer's language)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from introserv_app.domain.statuses import STATUS_INFO, OrderStatus
from introserv_app.i18n import format_amount, format_date, format_money, gettext
from introserv_app.services.accounts import MSG_RESENT, dashboard_summary, resend_confirmation
from introserv_app.services.support import spending_by_month
from introserv_app.state.charts import monthly_points
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field


class DashboardState(rx.State):
    scope_all: Field[bool] = field(False)
    loaded: Field[bool] = field(False)
    balance_text: Field[str] = field("")
    unpaid_invoices: Field[int] = field(0)
    active_orders: Field[str] = field("0")
    status_rows: Field[list[dict[str, str]]] = field([])
    renewals: Field[list[dict[str, str]]] = field([])
    spending: Field[list[dict[str, Any]]] = field([])
    spending_total: Field[str] = field("")
    #: A signed-up customer's address awaiting its confirmation link (the banner with "send it again").
    unconfirmed_email: Field[str] = field("")

    @event
    async def load(self):
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None:
            self.loaded = False
            return None
        if viewer.is_staff:
            return rx.redirect("/staff", replace=True)
        lang = ctx.lang
        with ctx.session() as session:
            summary = dashboard_summary(session=session, viewer=viewer)
            spending = spending_by_month(session=session, viewer=viewer)
        self.spending, self.spending_total = monthly_points(spending, lang)
        self.scope_all = summary.scope_all
        self.unconfirmed_email = summary.unconfirmed_email
        self.balance_text = format_money(summary.balance, lang) if summary.balance else ""
        self.unpaid_invoices = summary.unpaid_invoices
        active = sum(
            n for s, n in summary.status_counts.items() if s in (OrderStatus.PROCESSED, OrderStatus.PROCESSING)
        )
        self.active_orders = format_amount(active, lang)
        self.status_rows = [
            {
                "status": status.value,
                "label": gettext(lang, STATUS_INFO[status].label),
                "hint": gettext(lang, STATUS_INFO[status].explanation),
                "count": format_amount(count, lang),
            }
            for status, count in summary.status_counts.items()
        ]
        self.renewals = [
            {
                "name": r.service_name,
                "tariff": r.tariff,
                "paid_until": format_date(r.paid_until, lang),
                "days_left": str(r.days_left),
                "price": format_money(r.price, lang),
            }
            for r in summary.next_renewals
        ]
        self.loaded = True
        return None

    @event
    async def resend_confirmation(self):
        """The banner's "Send the link again" (at most three times an hour)."""
        ctx = await Ctx.of(self)
        sent = ctx.run(lambda session, viewer: resend_confirmation(session=session, viewer=viewer, ip=ctx.ip))
        if isinstance(sent, Refused):
            return rx.toast.error(sent.message) if sent.message else None
        return rx.toast.success(ctx.text(MSG_RESENT, {"email": sent}))
