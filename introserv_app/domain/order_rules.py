"""What a customer may do with an order in each status, and the dates a renewal gives.

Each refusal is a msgid that says why (shown as it is, translated).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from introserv_app.domain.periods import PERIODS, add_months
from introserv_app.domain.statuses import CancelMode, OrderStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import TextError, check_text

MSG_RENEW_CANCELLED = N_("A cancelled order cannot be renewed.")
MSG_RENEW_VIOLATION = N_("This order is suspended for a violation; please contact support.")
MSG_RENEW_NOT_PROCESSED = N_("This order is not paid yet: pay its invoice instead of renewing it.")
MSG_RENEW_CANCEL_PENDING = N_(
    "This order is to be cancelled at the end of its period; withdraw the cancellation first."
)
MSG_BAD_PERIOD = N_("This tariff cannot be renewed for that period.")
MSG_CANCEL_DONE = N_("This order is already cancelled.")
MSG_CANCEL_NOT_PENDING = N_("This order has no cancellation to withdraw.")
MSG_CANCEL_NO_PERIOD = N_("This order has no paid period to wait for; cancel it immediately instead.")
REASON_MAX = 500
#: The most orders a customer selects and renews at once: "select all N matching" stops here, and so does one
#: renewal (one invoice); a larger set is renewed in parts.
BATCH_LIMIT = 1000
MSG_REASON_REQUIRED = N_("Give a reason.")
MSG_REASON_TOO_LONG = N_("A reason can have at most 500 characters.")
MSG_REASON_CHARACTERS = N_("The reason contains characters that cannot be used (invisible control characters).")


def reason_refusal(raw: object, *, required: bool) -> tuple[str, str | None]:
    """(the reason as stored: one line, spaces folded; None) or ("", why it is refused)."""
    try:
        text = check_text(raw, max_len=REASON_MAX, fold_spaces=True)
    except TextError as exc:
        return "", MSG_REASON_CHARACTERS if exc.problem == "characters" else MSG_REASON_TOO_LONG
    if required and not text:
        return "", MSG_REASON_REQUIRED
    return text, None


def cancellation_pending(*, status: str, cancel_mode: str | None, cancelled_at: datetime | None) -> bool:
    """The customer asked to cancel at the end of the paid period and that has not happened yet (the one
    definition; `services.orders.cancellation_pending_sql` is the same rule in SQL)."""
    return cancel_mode == CancelMode.PERIOD_END and cancelled_at is None and status != OrderStatus.CANCELLED


class _Cancellable(Protocol):
    status: str
    cancel_mode: str | None
    cancelled_at: datetime | None


def cancellation_pending_of(order: _Cancellable) -> bool:
    """`cancellation_pending` of an order row."""
    return cancellation_pending(status=order.status, cancel_mode=order.cancel_mode, cancelled_at=order.cancelled_at)


def renewal_refusal(status: OrderStatus, cancel_pending: bool) -> str | None:
    """None when a customer may renew an order in `status`; otherwise the reason."""
    if status == OrderStatus.CANCELLED:
        return MSG_RENEW_CANCELLED
    if status == OrderStatus.SUSPENDED_VIOLATION:
        return MSG_RENEW_VIOLATION
    if status == OrderStatus.NOT_PROCESSED:
        return MSG_RENEW_NOT_PROCESSED
    if cancel_pending:
        return MSG_RENEW_CANCEL_PENDING
    return None


def payment_refusal(status: OrderStatus, cancel_pending: bool) -> str | None:
    """None when an invoice line for an order in `status` may be paid: as a renewal, except that the
    first invoice of a "Not processed" order is exactly what it waits for."""
    if status == OrderStatus.NOT_PROCESSED:
        return None
    return renewal_refusal(status, cancel_pending)


def period_price(prices_minor: dict[str, int], months: int) -> int | None:
    """The tariff's price for `months`, or None when the tariff has no such period."""
    if isinstance(months, bool) or months not in PERIODS:
        return None
    price = prices_minor.get(str(months))
    return price if isinstance(price, int) and price >= 0 else None


def renewed_until(paid_until: date | None, months: int, today: date) -> date:
    """The new paid-until: `months` after the current one, or after today when it has lapsed."""
    start = paid_until if paid_until is not None and paid_until > today else today
    return add_months(start, months)


def status_after_payment(status: OrderStatus) -> OrderStatus:
    """Paying restores an order suspended for non-payment and sends a new order to processing
    (set-up); other statuses stay."""
    if status == OrderStatus.SUSPENDED_NONPAYMENT:
        return OrderStatus.PROCESSED
    if status == OrderStatus.NOT_PROCESSED:
        return OrderStatus.PROCESSING
    return status


def cancel_refusal(status: OrderStatus, mode: str, paid_until: date | None, today: date) -> str | None:
    if status == OrderStatus.CANCELLED:
        return MSG_CANCEL_DONE
    if mode == CancelMode.PERIOD_END and (paid_until is None or paid_until <= today):
        return MSG_CANCEL_NO_PERIOD
    return None
