"""Invoices as written: a number continuous per year without gaps, issued with its lines in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from introserv_app.db.tables import Invoice, InvoiceLine, Profile
from introserv_app.db.types import utcnow
from introserv_app.domain.money import Money
from introserv_app.domain.statuses import InvoiceStatus
from introserv_app.domain.vat import VatDecision, vat_amount
from introserv_app.services.billing._bill_to import bill_to

PAYMENT_TERM = timedelta(days=14)


def invoice_number(year: int, seq: int) -> str:
    return f"{year}-{seq:06d}"


def next_invoice_seq(*, session: Session, year: int) -> int:
    """The next number of `year`, reserved in the caller's transaction."""
    session.execute(
        sa.text("INSERT INTO invoice_counters (year, last_seq) VALUES (:y, 0) ON CONFLICT (year) DO NOTHING"),
        {"y": year},
    )
    seq = session.execute(
        sa.text("UPDATE invoice_counters SET last_seq = last_seq + 1 WHERE year = :y RETURNING last_seq"),
        {"y": year},
    ).scalar_one()
    return int(seq)


@dataclass(frozen=True)
class Line:
    description: str
    net: Money
    order_id: int | None = None
    period_months: int | None = None


def issue_invoice(
    *,
    session: Session,
    user_id: int,
    lines: Sequence[Line],
    vat: VatDecision,
    customer_country: str,
    customer_vat_number: str | None = None,
    seller_vat_number: str | None = None,
    now: datetime | None = None,
) -> Invoice:
    """A new unpaid invoice: lines, net, VAT at `vat.rate` on the net total, gross."""
    if not lines:
        raise ValueError("an invoice needs at least one line")
    currency = lines[0].net.currency
    if any(line.net.currency != currency for line in lines):
        raise ValueError("one currency per invoice")
    now = now or utcnow()
    net = Money(sum(line.net.minor for line in lines), currency)
    tax = vat_amount(net, vat.rate)
    seq = next_invoice_seq(session=session, year=now.year)
    customer_name, address = bill_to(session.get(Profile, user_id))
    invoice = Invoice(
        customer_name=customer_name,
        customer_address="\n".join(address),
        number=invoice_number(now.year, seq),
        year=now.year,
        seq=seq,
        user_id=user_id,
        status=InvoiceStatus.UNPAID,
        currency=currency,
        net_minor=net.minor,
        vat_rate=format(vat.rate.normalize(), "f"),
        vat_minor=tax.minor,
        gross_minor=net.minor + tax.minor,
        reverse_charge=vat.reverse_charge,
        customer_country=customer_country,
        customer_vat_number=customer_vat_number or None,
        seller_vat_number=seller_vat_number,
        issued_at=now,
        due_at=now + PAYMENT_TERM,
    )
    session.add(invoice)
    session.flush()
    session.execute(  # the lines in one executemany, without objects (nothing here reads them back)
        sa.insert(InvoiceLine),
        [
            {"invoice_id": invoice.id, "order_id": line.order_id, "description": line.description[:255],
             "period_months": line.period_months, "quantity": 1, "unit_minor": line.net.minor,
             "net_minor": line.net.minor}
            for line in lines
        ],
    )  # fmt: skip
    return invoice
