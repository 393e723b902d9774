"""Statuses and other stored values, the one place each list is written: the six order statuses of the Orders
document (with their explanations), and the values of invoices, tickets, the e-mail outbox, ledger entries and
cancellation requests. They are `StrEnum`s: stored as their text, equal to it when compared."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from introserv_app.domain.text import N_


class OrderStatus(enum.StrEnum):
    NOT_PROCESSED = "not_processed"
    PROCESSING = "processing"
    PROCESSED = "processed"
    CANCELLED = "cancelled"
    SUSPENDED_VIOLATION = "suspended_violation"
    SUSPENDED_NONPAYMENT = "suspended_nonpayment"


@dataclass(frozen=True)
class StatusInfo:
    label: str
    explanation: str
    icon: str
    color: str


STATUS_INFO: dict[OrderStatus, StatusInfo] = {
    OrderStatus.NOT_PROCESSED: StatusInfo(
        N_("Not processed"),
        N_("Order created in the panel but not paid, service not prepared."),
        "circle-dashed",
        "gray",
    ),
    OrderStatus.PROCESSING: StatusInfo(
        N_("Processing"),
        N_(
            "Order paid and accepted for processing. Client receives email notification "
            "and support ticket with order acceptance confirmation."
        ),
        "loader",
        "blue",
    ),
    OrderStatus.PROCESSED: StatusInfo(
        N_("Processed"),
        N_("Order delivered to client and active. Service is fully operational."),
        "circle-check",
        "green",
    ),
    OrderStatus.CANCELLED: StatusInfo(
        N_("Cancelled"),
        N_("Order terminated and unavailable."),
        "circle-x",
        "gray",
    ),
    OrderStatus.SUSPENDED_VIOLATION: StatusInfo(
        N_("Suspended (for violation)"),
        N_("Service access blocked within the current billing period (e.g., abuse or ToS violation)."),
        "shield-alert",
        "red",
    ),
    OrderStatus.SUSPENDED_NONPAYMENT: StatusInfo(
        N_("Suspended (for non-payment)"),
        N_("Service access blocked due to unpaid invoice."),
        "wallet",
        "orange",
    ),
}

#: Statuses in the order the document lists them (used for lists, filters and charts).
STATUS_ORDER: tuple[OrderStatus, ...] = tuple(STATUS_INFO)


class InvoiceStatus(enum.StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    CANCELLED = "cancelled"


class TicketStatus(enum.StrEnum):
    OPEN = "open"
    WAITING_STAFF = "waiting_staff"
    ANSWERED = "answered"
    CLOSED = "closed"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class LedgerKind(enum.StrEnum):
    TOPUP = "topup"
    CHARGE = "charge"
    REFUND = "refund"
    ADJUSTMENT = "adjustment"


class CancelMode(enum.StrEnum):
    """How a customer (or support) cancels an order: now, or when the paid period ends."""

    IMMEDIATE = "immediate"
    PERIOD_END = "period_end"


# ---- what each value is called on screen (msgids) ------------------------------------------------------

INVOICE_STATUS_LABELS: dict[str, str] = {
    InvoiceStatus.UNPAID: N_("Unpaid"),
    InvoiceStatus.PAID: N_("Paid"),
    InvoiceStatus.CANCELLED: N_("Cancelled"),
}
TICKET_STATUS_LABELS: dict[str, str] = {
    TicketStatus.OPEN: N_("Open"),
    TicketStatus.WAITING_STAFF: N_("Waiting for support"),
    TicketStatus.ANSWERED: N_("Answered"),
    TicketStatus.CLOSED: N_("Closed"),
}
OUTBOX_STATUS_LABELS: dict[str, str] = {
    OutboxStatus.PENDING: N_("Waiting"),
    OutboxStatus.FAILED: N_("Failed"),
    OutboxStatus.SENT: N_("Sent"),
}
LEDGER_KIND_LABELS: dict[str, str] = {
    LedgerKind.TOPUP: N_("Top-up"),
    LedgerKind.CHARGE: N_("Payment"),
    LedgerKind.REFUND: N_("Refund"),
    LedgerKind.ADJUSTMENT: N_("Adjustment"),
}
