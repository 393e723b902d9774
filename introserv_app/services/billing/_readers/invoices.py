"""Invoices as listed: the viewer's invoices with filters and pages, and the counts per order shown in the grid."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.tables import Invoice, InvoiceLine, User
from introserv_app.domain.money import Money
from introserv_app.domain.statuses import InvoiceStatus
from introserv_app.services.common.viewer import Viewer

INVOICE_STATUSES = tuple(InvoiceStatus)


NUMBER_MAX = 11  # 2026-000123


def normalize_number(raw: object) -> str:
    """An invoice number or its beginning, digits and one dash only ("" when it cannot be one)."""
    value = raw.strip()[: NUMBER_MAX + 1] if isinstance(raw, str) else ""
    if not value or len(value) > NUMBER_MAX or not all(c in "0123456789-" for c in value):
        return ""
    return value if value.count("-") <= 1 else ""


PAGE_SIZE = 25


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    number: str
    issued_at: datetime
    due_at: datetime | None
    status: str
    net: Money
    vat: Money
    gross: Money
    vat_rate: str
    reverse_charge: bool
    customer: str


@dataclass(frozen=True)
class InvoicesPage:
    rows: list[InvoiceRow]
    total: int
    page: int
    pages: int


def invoices_page(
    *,
    session: Session,
    viewer: Viewer,
    status: str | None = None,
    order_id: int | None = None,
    number: str = "",
    issued_from: date | None = None,
    issued_to: date | None = None,
    page: int = 1,
) -> InvoicesPage:
    """The viewer's invoices (staff: everyone's), newest first, filtered by status, order, number (a
    prefix such as "2026-0001") and issue dates (inclusive, UTC days)."""
    base = sa.select(col(Invoice.id))
    if not viewer.is_staff:
        base = base.where(col(Invoice.user_id) == viewer.user_id)
    if status in INVOICE_STATUSES:
        base = base.where(col(Invoice.status) == status)
    number = normalize_number(number)
    if number:
        base = base.where(col(Invoice.number).like(number + "%"))
    if issued_from is not None:
        base = base.where(col(Invoice.issued_at) >= datetime.combine(issued_from, time.min, tzinfo=UTC))
    if issued_to is not None:
        base = base.where(
            col(Invoice.issued_at) < datetime.combine(issued_to + timedelta(days=1), time.min, tzinfo=UTC)
        )
    if order_id is not None:
        lines = sa.select(col(InvoiceLine.invoice_id)).where(col(InvoiceLine.order_id) == order_id)
        base = base.where(col(Invoice.id).in_(lines))
    conn = session.connection()
    total = int(conn.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar_one())
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    stmt = (
        sa.select(
            col(Invoice.id),
            col(Invoice.number),
            col(Invoice.issued_at),
            col(Invoice.due_at),
            col(Invoice.status),
            col(Invoice.currency),
            col(Invoice.net_minor),
            col(Invoice.vat_minor),
            col(Invoice.gross_minor),
            col(Invoice.vat_rate),
            col(Invoice.reverse_charge),
            col(User.username),
        )
        .join(User, col(User.id) == col(Invoice.user_id))
        .where(col(Invoice.id).in_(base))
        .order_by(col(Invoice.issued_at).desc(), col(Invoice.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    rows = [
        InvoiceRow(
            id=r[0],
            number=r[1],
            issued_at=_utc(r[2]),
            due_at=_utc(r[3]) if r[3] else None,
            status=r[4],
            net=Money(r[6], r[5]),
            vat=Money(r[7], r[5]),
            gross=Money(r[8], r[5]),
            vat_rate=r[9],
            reverse_charge=bool(r[10]),
            customer=r[11] if viewer.is_staff else "",
        )
        for r in session.execute(stmt).all()
    ]
    return InvoicesPage(rows=rows, total=total, page=page, pages=pages)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


_INVOICE_COUNTS = (
    sa.select(col(InvoiceLine.order_id), sa.func.count(sa.distinct(col(InvoiceLine.invoice_id))))
    .join(Invoice, col(Invoice.id) == col(InvoiceLine.invoice_id))
    .where(col(InvoiceLine.order_id).in_(sa.bindparam("order_ids", expanding=True)))
    .group_by(col(InvoiceLine.order_id))
)


# Built once (the grid asks on every page load); a customer's counts only ever include their own invoices.
_OWN_INVOICE_COUNTS = _INVOICE_COUNTS.where(col(Invoice.user_id) == sa.bindparam("user_id"))


def invoice_counts(*, session: Session, viewer: Viewer, order_ids: Sequence[int]) -> dict[int, int]:
    """How many invoices each of these orders has (the grid's "Invoices (N)"), scoped to the viewer."""
    if not order_ids:
        return {}
    params: dict[str, object] = {"order_ids": list(order_ids)}
    if not viewer.is_staff:
        params["user_id"] = viewer.user_id
    stmt = _INVOICE_COUNTS if viewer.is_staff else _OWN_INVOICE_COUNTS
    return {int(oid or 0): int(n) for oid, n in session.connection().execute(stmt, params).all()}
