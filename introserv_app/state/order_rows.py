"""The orders grid's rows and totals as the page shows them (formatted and translated for the viewer)."""

from __future__ import annotations

from introserv_app.domain.order_rules import renewal_refusal
from introserv_app.domain.statuses import STATUS_INFO, OrderStatus
from introserv_app.domain.text import N_
from introserv_app.i18n import format_amount, format_date, format_money, gettext, translate_message
from introserv_app.services.orders import COUNT_EXACT_UPTO, OrderRow, OrdersPage

MSG_MORE_THAN = N_("more than {count}")


def grid_row(r: OrderRow, lang: str, selected: set[int]) -> dict[str, str]:
    """One row of the grid as the page shows it, in the viewer's language."""
    info = STATUS_INFO[r.status]
    return {
        "id": str(r.id),
        "service_name": r.service_name,
        "tariff": r.tariff,
        "main_ip": r.main_ip,
        "paid_until": format_date(r.paid_until, lang),
        "days_left": "" if r.days_left is None else format_amount(r.days_left, lang),
        "overdue": "1" if r.days_left is not None and r.days_left < 0 and r.status != OrderStatus.CANCELLED else "",
        "status": r.status.value,
        "status_label": gettext(lang, info.label),
        "status_hint": gettext(lang, info.label) + " – " + gettext(lang, info.explanation),
        "price": format_money(r.price, lang),
        "comment": r.comment,
        "created": format_date(r.created_at.date(), lang),
        "customer": r.customer,
        "selected": "1" if r.id in selected else "",
        "cancel_pending": "1" if r.cancel_pending else "",
        "can_pay": "1" if r.status == OrderStatus.NOT_PROCESSED else "",  # a new order waits for its invoice
        "can_renew": "" if renewal_refusal(r.status, r.cancel_pending) else "1",
        "can_cancel": "" if r.status == OrderStatus.CANCELLED or r.cancel_pending else "1",
    }


def total_text(page: OrdersPage, lang: str) -> str:
    """ "1,234", or "more than 10,000" while the result is not counted exactly."""
    if page.total_exact:
        return format_amount(page.total, lang)
    return translate_message(lang, MSG_MORE_THAN, {"count": format_amount(COUNT_EXACT_UPTO, lang)})
