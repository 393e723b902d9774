"""Dashboard view data (formatted on the server in the viewer's language)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from introserv_app.db.session import session_scope
from introserv_app.domain.statuses import STATUS_INFO, OrderStatus
from introserv_app.i18n import format_amount, format_date, format_money, gettext
from introserv_app.services.accounts import dashboard_summary
from introserv_app.services.support import spending_by_month
from introserv_app.state.charts import monthly_points
from introserv_app.state.guard import current_viewer
from introserv_app.state.locale import LocaleState


class DashboardState(rx.State):
    scope_all: bool = False
    loaded: bool = False
    balance_text: str = ""
    unpaid_invoices: int = 0
    active_orders: str = "0"
    status_rows: list[dict[str, str]] = []
    renewals: list[dict[str, str]] = []
    spending: list[dict[str, Any]] = []
    spending_total: str = ""

    @rx.event
    async def load(self):
        viewer = current_viewer(self)
        if viewer is None:
            self.loaded = False
            return None
        if viewer.is_staff:
            return rx.redirect("/staff", replace=True)
        lang = (await self.get_state(LocaleState)).lang
        with session_scope() as session:
            summary = dashboard_summary(session=session, viewer=viewer)
            spending = spending_by_month(session=session, viewer=viewer)
        self.spending, self.spending_total = monthly_points(spending, lang)
        self.scope_all = summary.scope_all
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
