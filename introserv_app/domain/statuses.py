"""Order statuses: exactly the six of the Orders document, with their explanations."""

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
