"""The customer's dashboard: balance, orders by status, next renewals, unpaid invoices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.db.tables import Invoice, Order, Profile, TariffPlan, User
from introserv_app.db.types import utcnow
from introserv_app.domain.money import Money
from introserv_app.domain.periods import days_left
from introserv_app.domain.statuses import InvoiceStatus, OrderStatus
from introserv_app.services.billing import balance
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.orders import status_counts

ACTIVE = (
    OrderStatus.PROCESSED.value,
    OrderStatus.PROCESSING.value,
    OrderStatus.SUSPENDED_NONPAYMENT.value,
    OrderStatus.SUSPENDED_VIOLATION.value,
)


@dataclass(frozen=True)
class Renewal:
    order_id: int
    service_name: str
    tariff: str
    paid_until: date
    days_left: int
    price: Money


@dataclass(frozen=True)
class DashboardSummary:
    scope_all: bool
    status_counts: dict[OrderStatus, int]
    next_renewals: list[Renewal]
    unpaid_invoices: int
    balance: Money | None
    #: The address a signed-up customer has still to confirm ("" when confirmed, or staff).
    unconfirmed_email: str = ""


def dashboard_summary(*, session: Session, viewer: Viewer, now: datetime | None = None) -> DashboardSummary:
    """Counts by status, the next renewals and unpaid invoices; customers see their own, staff everyone's."""
    now = now or utcnow()
    scope_all = viewer.is_staff

    def scoped(stmt):  # type: ignore[no-untyped-def]
        return stmt if scope_all else stmt.where(Order.user_id == viewer.user_id)

    counts = status_counts(session=session, user_id=None if scope_all else viewer.user_id)
    renewals_q = scoped(
        select(  # type: ignore[call-overload]
            col(Order.id),
            col(Order.service_name),
            col(TariffPlan.name),
            col(Order.paid_until),
            col(Order.price_minor),
            col(Order.currency),
        )
        .join(TariffPlan, TariffPlan.id == Order.tariff_id)  # type: ignore[arg-type]
        .where(col(Order.status).in_(ACTIVE), col(Order.paid_until) >= now.date())
        .order_by(col(Order.paid_until), col(Order.id))
        .limit(5)
    )
    today = now.date()
    renewals = [
        Renewal(
            order_id=oid,
            service_name=name,
            tariff=tariff,
            paid_until=pu,
            days_left=days_left(pu, today),
            price=Money(price, cur),
        )
        for oid, name, tariff, pu, price, cur in session.exec(renewals_q).all()
    ]
    unpaid_q = select(sa.func.count()).select_from(Invoice).where(Invoice.status == InvoiceStatus.UNPAID)
    if not scope_all:
        unpaid_q = unpaid_q.where(Invoice.user_id == viewer.user_id)
    unpaid = int(session.exec(unpaid_q).one())
    waiting = None
    if not scope_all:
        waiting = session.exec(
            select(Profile.email)
            .join(User, col(User.id) == col(Profile.user_id))
            .where(col(User.id) == viewer.user_id, col(User.email_unconfirmed).is_(True))
        ).first()
    return DashboardSummary(
        unconfirmed_email=waiting or "",
        scope_all=scope_all,
        status_counts=counts,
        next_renewals=renewals,
        unpaid_invoices=unpaid,
        balance=None if scope_all else balance(session=session, user_id=viewer.user_id),
    )
