"""Renewal invoices ahead of paid-until, for customers without automatic renewal: the lifecycle job issues one
invoice per order `INTROSERV_INVOICE_DAYS` before its paid period ends (keyed by order and paid-until, so never
twice for one period), mails it with its PDF and a way to pay, and leaves a notification naming it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session

from introserv_app.db.tables import Invoice, Order
from introserv_app.domain.order_rules import cancellation_pending_of, period_price, renewal_refusal
from introserv_app.domain.statuses import OrderStatus
from introserv_app.services import messaging
from introserv_app.services.billing._writers.invoice_mail import mail_invoice_issued
from introserv_app.services.billing._writers.renewals import job_customer, renew


def renewal_invoice_key(user_id: int, due: Sequence[tuple[int, date, int]]) -> str:
    """The key of one customer's renewal invoice (the same orders and dates: the same invoice)."""
    digest = hashlib.sha256(repr(sorted((o, str(p)) for o, p, _ in due)).encode()).hexdigest()[:32]
    return f"ahead-{user_id}-{digest}"


def issue_renewal_invoices(
    *, session: Session, user_id: int, due: Sequence[tuple[int, date, int]], now: datetime
) -> int:
    """One renewal invoice for a customer's due orders (id, paid-until, period), mailed with its PDF; each order
    gets a notification keyed by its paid-until (the job never invoices one period twice). Returns the orders
    invoiced."""
    customer = job_customer(session, user_id, due)
    if customer is None:
        return 0
    viewer, found = customer
    items: list[tuple[Order, date, int]] = []
    for oid, paid_until, months in due:
        order, tariff = found.get(oid, (None, None))
        if order is None or tariff is None or order.paid_until != paid_until:
            continue  # changed since the job selected it: the next run looks again
        if renewal_refusal(OrderStatus(order.status), cancellation_pending_of(order)) is not None:
            continue
        if period_price(tariff.prices_minor, months) is not None:
            items.append((order, paid_until, months))
    if not items:
        return 0
    key = renewal_invoice_key(user_id, [(o.id or 0, p, m) for o, p, m in items])
    result = renew(session=session, viewer=viewer, items=[(o.id or 0, m) for o, _, m in items], idem_key=key, now=now,
                   automatic=True, settle=False)  # fmt: skip
    invoice = session.get(Invoice, result.invoice_id)
    assert invoice is not None
    url = mail_invoice_issued(session=session, invoice=invoice, now=now)
    gross = {"minor": result.gross.minor, "currency": result.gross.currency}
    for order, paid_until, _ in items:
        messaging.notify(
            session=session,
            user_id=user_id,
            kind="renewal_invoice",
            params={"order": order.service_name, "invoice": invoice.number, "invoice_id": invoice.id, "amount": gross,
                    "date": paid_until.isoformat(), "pay": url},
            order_id=order.id,
            dedupe_key=renewal_notice_key(order.id or 0, paid_until),
            mailed_apart=True,
            now=now,
        )  # fmt: skip
    return len(items)


def renewal_notice_key(order_id: int, paid_until: date) -> str:
    """The notification that says an order's period was invoiced ahead (also what keeps the job from doing it
    again for that period, even when support cancels the invoice)."""
    return f"ahead:{order_id}:{paid_until}"
