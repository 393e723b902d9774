"""Money back for the unused days of an order cancelled at once, when the seller enables it
(`INTROSERV_REFUND_UNUSED=true`): the unpaid-for days of the period the last paid invoice line bought, pro rata
to the cent, credited to the balance with a credit note on that invoice. Runs in the cancellation's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from introserv_app.config import get_settings
from introserv_app.db.tables import CreditNote, Invoice, InvoiceLine, Order
from introserv_app.domain.money import Money
from introserv_app.domain.payments import unused_share
from introserv_app.domain.periods import add_months
from introserv_app.domain.statuses import InvoiceStatus, LedgerKind, OrderStatus
from introserv_app.domain.vat import vat_amount
from introserv_app.services.billing._readers.invoice_docs import _rate
from introserv_app.services.billing._readers.ledger import find_entry
from introserv_app.services.billing._writers.ledger import lock_account, post
from introserv_app.services.billing._writers.refunds import issue_credit_note
from introserv_app.services.common import audit
from introserv_app.services.common.viewer import Viewer


def credit_unused(*, session: Session, viewer: Viewer, order_id: int, now: datetime) -> Money | None:
    """Credit the unused part of the cancelled order's paid period; the amount credited, or None."""
    if not get_settings().refund_unused:
        return None
    order = session.get(Order, order_id)
    if (
        order is None
        or order.user_id != viewer.user_id
        or order.status != OrderStatus.CANCELLED
        or not order.paid_until
    ):
        return None
    found = session.exec(
        select(InvoiceLine, Invoice)
        .join(Invoice, col(Invoice.id) == col(InvoiceLine.invoice_id))
        .where(
            col(InvoiceLine.order_id) == order_id,
            col(Invoice.status) == InvoiceStatus.PAID.value,
            col(InvoiceLine.period_months).is_not(None),
        )
        .order_by(col(Invoice.paid_at).desc(), col(Invoice.id).desc())
    ).first()
    if found is None:
        return None
    line, invoice = found
    key = f"unused-{order_id:09d}-{order.paid_until.isoformat()}"
    lock_account(session=session, user_id=order.user_id)
    done = find_entry(session=session, idem_key=key)
    if done is not None:  # a repeated call: credited once
        return Money(done.amount_minor, done.currency)
    start = add_months(order.paid_until, -(line.period_months or 0))
    line_gross = line.net_minor + vat_amount(Money(line.net_minor, invoice.currency), _rate(invoice.vat_rate)).minor
    credited = sum(
        session.exec(select(CreditNote.gross_minor).where(CreditNote.invoice_id == invoice.id)).all()
    )  # a refund of that invoice already given back
    amount = min(unused_share(line_gross, start, order.paid_until, now.date()), invoice.gross_minor - credited)
    if amount <= 0:
        return None
    reason = f"Unused days of {order.service_name} after cancellation"
    note = issue_credit_note(
        session=session, invoice=invoice, gross=Money(amount, invoice.currency), reason=reason, now=now
    )
    post(session=session, user_id=order.user_id, kind=LedgerKind.REFUND, amount=Money(amount, invoice.currency),
         idem_key=key, invoice_id=invoice.id,
         note=f"credit note {note.number}", actor_id=viewer.user_id, now=now)  # fmt: skip
    audit.record(session=session, action="order.unused_credit", actor_id=viewer.user_id, subject_user_id=order.user_id,
                 details={"order": order_id, "amount_minor": amount, "credit_note": note.number}, now=now)  # fmt: skip
    return Money(amount, invoice.currency)
