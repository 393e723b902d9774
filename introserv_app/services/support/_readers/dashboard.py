"""Figures for the staff dashboard and the customer's spending chart.

Revenue is the net amount (without VAT) of paid invoices by the month they were paid, converted to
EUR at the current rates; spending is what a customer's balance paid for (charges less refunds) by
month, in the account currency. Months are calendar months in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.tables import EmailOutbox, Invoice, LedgerEntry, Order, User
from introserv_app.db.types import utcnow
from introserv_app.domain.money import Money
from introserv_app.domain.roles import Role
from introserv_app.domain.statuses import InvoiceStatus, LedgerKind, OrderStatus, OutboxStatus
from introserv_app.services import billing, messaging
from introserv_app.services.billing import convert, current_rates
from introserv_app.services.common import access
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.orders import status_counts

MONTHS = 12
EXPIRING_DAYS = 7
RUNNING = (OrderStatus.PROCESSED.value, OrderStatus.PROCESSING.value)


def month_starts(now: datetime, months: int = MONTHS) -> list[date]:
    """The first days of the last `months` calendar months, oldest first, this month last."""
    year, month = now.year, now.month
    out = []
    for _ in range(months):
        out.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass(frozen=True)
class StaffDashboard:
    status_counts: dict[OrderStatus, int]
    expiring_7d: int
    suspended: int
    tickets_by_age: dict[str, int]
    revenue: list[tuple[date, Money]]  # per month, EUR
    outbox_pending: int
    outbox_failed: int
    #: Accounts created in the last 7 days (sign-up, invitations, the CLI).
    new_accounts_7d: int = 0


def staff_dashboard(*, session: Session, viewer: Viewer, ip: str = "", now: datetime | None = None) -> StaffDashboard:
    now = now or utcnow()
    access.require_staff(session=session, viewer=viewer, target="staff.dashboard", ip=ip)
    counts = status_counts(session=session, user_id=None)
    today = now.date()
    expiring = session.execute(
        sa.select(sa.func.count())
        .select_from(Order)
        .where(
            col(Order.status).in_(RUNNING),
            col(Order.paid_until) >= today,
            col(Order.paid_until) <= today + timedelta(days=EXPIRING_DAYS),
        )
    ).scalar_one()
    rates = current_rates(session=session)
    revenue = []
    for start in month_starts(now):
        total = Money(0, "EUR")
        for currency, net in session.execute(
            sa.select(col(Invoice.currency), sa.func.coalesce(sa.func.sum(col(Invoice.net_minor)), 0))
            .where(
                col(Invoice.status) == InvoiceStatus.PAID,
                col(Invoice.paid_at) >= _at(start),
                col(Invoice.paid_at) < _at(_next_month(start)),
            )
            .group_by(col(Invoice.currency))
        ):
            total = total + convert(Money(int(net), currency), "EUR", rates)
        revenue.append((start, total))
    outbox = dict(
        session.execute(
            sa.select(col(EmailOutbox.status), sa.func.count())
            .where(col(EmailOutbox.status).in_((OutboxStatus.PENDING, OutboxStatus.FAILED)))
            .group_by(col(EmailOutbox.status))
        ).all()
    )
    new_accounts = session.execute(
        sa.select(sa.func.count())
        .select_from(User)
        .where(col(User.role) == Role.CUSTOMER.value, col(User.created_at) >= now - timedelta(days=7))
    ).scalar_one()
    return StaffDashboard(
        new_accounts_7d=int(new_accounts),
        status_counts=counts,
        expiring_7d=int(expiring),
        suspended=counts[OrderStatus.SUSPENDED_NONPAYMENT] + counts[OrderStatus.SUSPENDED_VIOLATION],
        tickets_by_age=messaging.open_by_age(session=session, now=now),
        revenue=revenue,
        outbox_pending=int(outbox.get(OutboxStatus.PENDING, 0)),
        outbox_failed=int(outbox.get(OutboxStatus.FAILED, 0)),
    )


def spending_by_month(*, session: Session, viewer: Viewer, now: datetime | None = None) -> list[tuple[date, Money]]:
    """What the customer's balance paid for in each of the last 12 months (charges less refunds)."""
    now = now or utcnow()
    currency = billing.account_currency(session=session, user_id=viewer.user_id)
    starts = month_starts(now)
    totals = dict.fromkeys(starts, 0)
    rows = session.execute(
        sa.select(col(LedgerEntry.created_at), col(LedgerEntry.amount_minor)).where(
            col(LedgerEntry.user_id) == viewer.user_id,
            col(LedgerEntry.kind).in_((LedgerKind.CHARGE, LedgerKind.REFUND)),
            col(LedgerEntry.currency) == currency,
            col(LedgerEntry.created_at) >= _at(starts[0]),
        )
    )
    for at, minor in rows:
        key = date(at.year, at.month, 1)
        if key in totals:
            totals[key] -= int(minor)
    return [(start, Money(max(total, 0), currency)) for start, total in totals.items()]
