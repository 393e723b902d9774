"""Renewing and paying: one invoice for the chosen orders, paid from the balance when it covers it; paying an invoice
applies its lines to the orders; automatic renewal from the balance."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Row
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from introserv_app.db.tables import Invoice, InvoiceLine, Order, OrderStatusChange, Profile, TariffPlan, User
from introserv_app.db.types import utcnow
from introserv_app.domain.lifecycle import Cause
from introserv_app.domain.money import Money
from introserv_app.domain.order_rules import (
    MSG_BAD_PERIOD,
    cancellation_pending_of,
    payment_refusal,
    period_price,
    renewal_refusal,
    renewed_until,
    status_after_payment,
)
from introserv_app.domain.roles import Role
from introserv_app.domain.statuses import InvoiceStatus, LedgerKind, OrderStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.services import messaging
from introserv_app.services.billing._readers.payability import payment_block, require_payable
from introserv_app.services.billing._readers.renewal_quote import MSG_ORDER_REFUSED, _country, quote_renewal
from introserv_app.services.billing._readers.vat import vat_for_customer
from introserv_app.services.billing._writers.invoices import Line, issue_invoice
from introserv_app.services.billing._writers.ledger import MSG_BAD_KEY, check_idem_key, lock_account, post
from introserv_app.services.common import access, audit
from introserv_app.services.common.access import require_confirmed_email
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.orders import change_status

MSG_INVOICE_NOT_FOUND = N_("Invoice not found.")


MSG_INVOICE_NOT_UNPAID = N_("This invoice is not awaiting payment.")


@dataclass(frozen=True)
class RenewalResult:
    invoice_id: int
    invoice_number: str
    paid: bool
    gross: Money


def renew(
    *,
    session: Session,
    viewer: Viewer,
    items: Sequence[tuple[int, int]],
    idem_key: str,
    ip: str = "",
    now: datetime | None = None,
    automatic: bool = False,
    settle: bool = True,
) -> RenewalResult:
    """One invoice for the selection, paid from the balance when it covers all of it (`automatic`: the
    lifecycle job renews for the customer; no person is the actor; `settle=False`: only issued, as the job
    does ahead of paid-until for customers without automatic renewal)."""
    now = now or utcnow()
    check_idem_key(idem_key)
    done = _by_key(session, viewer, idem_key)
    if done is not None:
        return done
    # Validate before taking the lock: a refusal is audited in its own transaction, which on SQLite
    # must not wait for a write lock this transaction already holds. (The job's auto-renewal checked
    # the orders itself and runs inside its own write transaction.)
    if not automatic:
        require_payable(session=session, user_id=viewer.user_id)
        quote_renewal(session=session, viewer=viewer, items=items, now=now)
    lock_account(session=session, user_id=viewer.user_id)
    done = _by_key(session, viewer, idem_key)  # another tab may have finished while we waited
    if done is not None:
        return done
    quote = quote_renewal(session=session, viewer=viewer, items=items, now=now)
    vat, customer_vat, seller_vat = vat_for_customer(session=session, user_id=viewer.user_id, on=now)
    country = _country(session, viewer.user_id)
    invoice = issue_invoice(
        session=session,
        user_id=viewer.user_id,
        lines=[
            Line(f"{i.service_name} — {i.tariff}, {i.months} mo", i.net, order_id=i.order_id, period_months=i.months)
            for i in quote.items
        ],
        vat=vat,
        customer_country=country,
        customer_vat_number=customer_vat,
        seller_vat_number=seller_vat,
        now=now,
    )
    invoice.idem_key = idem_key
    actor_id = None if automatic else viewer.user_id
    audit.record(
        session=session,
        action="order.auto_renew" if automatic else "order.renew",
        actor_id=actor_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={
            "invoice": invoice.number,
            "orders": [i.order_id for i in quote.items][:50],
            "count": len(quote.items),
        },
    )
    if quote.covered and settle:
        settle_invoice(session=session, invoice=invoice, now=now, actor_id=actor_id)
    session.flush()
    return _result(invoice)


def _by_key(session: Session, viewer: Viewer, idem_key: str) -> RenewalResult | None:
    existing = session.exec(select(Invoice).where(Invoice.idem_key == idem_key)).first()
    if existing is None:
        return None
    if existing.user_id != viewer.user_id:
        raise ServiceError(MSG_BAD_KEY)
    return _result(existing)


def _result(invoice: Invoice) -> RenewalResult:
    return RenewalResult(
        invoice_id=invoice.id or 0,
        invoice_number=invoice.number,
        paid=invoice.status == InvoiceStatus.PAID,
        gross=Money(invoice.gross_minor, invoice.currency),
    )


def _lines_and_orders(session: Session, invoice: Invoice) -> tuple[list[Row[Any]], dict[int | None, Order]]:
    """The invoice's lines (order id, months: no objects) and their orders."""
    columns = select(col(InvoiceLine.order_id), col(InvoiceLine.period_months))
    lines = list(session.execute(columns.where(col(InvoiceLine.invoice_id) == invoice.id)).all())
    order_ids = [line.order_id for line in lines if line.order_id is not None]
    orders = {o.id: o for o in session.exec(select(Order).where(col(Order.id).in_(order_ids))).all()}
    return lines, orders


def check_payable(*, session: Session, invoice: Invoice) -> None:
    """Refuse (ServiceError) when an order of the invoice can no longer be renewed: checked at payment
    time, as an order may have changed since the invoice was issued."""
    _check_lines(*_lines_and_orders(session, invoice))


def _check_lines(lines: list[Row[Any]], orders: dict[int | None, Order]) -> None:
    for line in lines:
        order = orders.get(line.order_id)
        if order is not None and line.period_months:
            pending = cancellation_pending_of(order)
            refusal = payment_refusal(OrderStatus(order.status), pending)
            if refusal is not None:
                raise ServiceError(MSG_ORDER_REFUSED, order=order.service_name, reason=refusal)


def settle_invoice(*, session: Session, invoice: Invoice, now: datetime, actor_id: int | None) -> None:
    """Charge the invoice to its owner's balance (once: the ledger key is the invoice's) and apply its
    lines to the orders. The caller holds the owner's account lock."""
    lines, orders = _lines_and_orders(session, invoice)
    _check_lines(lines, orders)
    post(
        session=session,
        user_id=invoice.user_id,
        kind=LedgerKind.CHARGE,
        amount=Money(-invoice.gross_minor, invoice.currency),
        idem_key=f"invoice-{invoice.id:09d}-payment",
        invoice_id=invoice.id,
        note=invoice.number,
        actor_id=actor_id,
        now=now,
    )
    invoice.status, invoice.paid_at = InvoiceStatus.PAID, now
    if orders:  # the paid orders need no attention now: one statement for all of them
        paid = select(col(InvoiceLine.order_id)).where(col(InvoiceLine.invoice_id) == invoice.id)
        messaging.resolve(session=session, order_ids=paid, now=now)
    # Set-based writes, not one flush per order: the new paid-until dates all at the end (`_extend`; the
    # session's orders hold them as loaded values), the timeline entries of orders whose status stays in one
    # executemany (in line order: those pending go in before a status change writes its own).
    paid_until: dict[int, date] = {}
    timeline: list[dict[str, Any]] = []
    for line in lines:
        order = orders.get(line.order_id)
        if order is None:
            continue
        old = OrderStatus(order.status)
        first = old == OrderStatus.NOT_PROCESSED  # the order's first payment: its period starts today
        if line.period_months:
            start = None if first else order.paid_until
            until = renewed_until(start, line.period_months, now.date())
            set_committed_value(order, "paid_until", until)  # not a change to flush: written below, for all
            paid_until[order.id or 0] = until
        new = status_after_payment(old)
        event = "paid" if first or not line.period_months else "renewed"
        if new == old:
            timeline.append(
                {"order_id": order.id, "old_status": old.value, "new_status": new.value, "event": event,
                 "actor_id": actor_id, "note": invoice.number, "created_at": now}
            )  # fmt: skip
            continue
        _insert_timeline(session, timeline)
        change_status(
            session=session,
            order=order,
            new=new,
            cause=Cause.PAYMENT,
            event=event,
            actor_id=actor_id,
            note=invoice.number,
            now=now,
        )
    _insert_timeline(session, timeline)
    if paid_until:
        _extend(session, paid_until)


#: The new paid-until dates in one UPDATE on PostgreSQL, where an executemany is a statement per order (for
#: 1,000 orders about 1.5 times as long).
_EXTEND_PG = sa.text(
    "UPDATE orders SET paid_until = v.until"
    " FROM unnest(CAST(:ids AS integer[]), CAST(:untils AS date[])) AS v (id, until) WHERE orders.id = v.id"
)


def _extend(session: Session, paid_until: dict[int, date]) -> None:
    """Write the orders' new paid-until dates (the session's orders already hold them)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_EXTEND_PG, {"ids": list(paid_until), "untils": list(paid_until.values())})
    else:  # SQLite runs an executemany in-process
        session.execute(sa.update(Order), [{"id": oid, "paid_until": until} for oid, until in paid_until.items()])


def _insert_timeline(session: Session, rows: list[dict[str, Any]]) -> None:
    """The timeline entries (as `record_status_change` writes them) in one executemany; `rows` is emptied."""
    if rows:
        session.execute(sa.insert(OrderStatusChange), rows)
        rows.clear()


def pay_invoice(
    *, session: Session, viewer: Viewer, invoice_id: int, ip: str = "", now: datetime | None = None
) -> RenewalResult:
    """Pay one of the viewer's unpaid invoices from the balance (a repeat finds it paid)."""
    now = now or utcnow()
    if not is_row_id(invoice_id):
        raise ServiceError(MSG_INVOICE_NOT_FOUND)
    owner = session.exec(select(Invoice.user_id).where(Invoice.id == invoice_id)).first()
    if owner != viewer.user_id:  # checked before the lock (see `renew`)
        access.record_denied(session=session, viewer=viewer, target="invoice.pay", details={"invoice_id": invoice_id})
        raise ServiceError(MSG_INVOICE_NOT_FOUND)
    require_payable(session=session, user_id=viewer.user_id)
    require_confirmed_email(session=session, viewer=viewer)
    lock_account(session=session, user_id=viewer.user_id)
    invoice = session.get(Invoice, invoice_id)
    session.refresh(invoice)  # the state after the lock, not a copy read before it
    assert invoice is not None
    if invoice.status == InvoiceStatus.PAID:
        return _result(invoice)
    if invoice.status != InvoiceStatus.UNPAID:
        raise ServiceError(MSG_INVOICE_NOT_UNPAID)
    settle_invoice(session=session, invoice=invoice, now=now, actor_id=viewer.user_id)
    audit.record(
        session=session,
        action="invoice.pay",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"invoice": invoice.number, "gross_minor": invoice.gross_minor},
    )
    session.flush()
    return _result(invoice)


MSG_AUTO_PROFILE = N_("Payments are on hold until your profile is complete (and a company profile verified).")


@dataclass(frozen=True)
class AutoRenewal:
    renewed: int
    invoiced: int
    failed: int


def auto_renew(
    *, session: Session, user_id: int, due: Sequence[tuple[int, date | None, int]], now: datetime
) -> AutoRenewal:
    """Renew a customer's due orders (id, paid-until, period) for their last period: paid from the
    balance when it covers them, otherwise one unpaid invoice; each order gets one notification, keyed
    by its paid-until, so the job never renews or reminds twice for the same period."""
    customer = job_customer(session, user_id, due)
    if customer is None:
        return AutoRenewal(0, 0, 0)
    viewer, orders = customer
    items: list[tuple[int, int]] = []
    failed: list[tuple[Order, str]] = []
    blocked = payment_block(session=session, user_id=user_id) is not None
    for oid, paid_until, months in due:
        found = orders.get(oid)
        if found is None or found[0].paid_until != paid_until:
            continue  # changed since the job selected it: the next run looks again
        order, tariff = found
        pending = cancellation_pending_of(order)
        reason = MSG_AUTO_PROFILE if blocked else renewal_refusal(OrderStatus(order.status), pending)
        if reason is None and period_price(tariff.prices_minor, months) is None:
            reason = MSG_BAD_PERIOD
        if reason is not None:
            failed.append((order, reason))
        else:
            items.append((oid, months))
    renewed = invoiced = 0
    if items:
        keyed = [(oid, orders[oid][0].paid_until, m) for oid, m in items]
        old_dates = {oid: orders[oid][0].paid_until for oid, _ in items}
        result = renew(
            session=session,
            viewer=viewer,
            items=items,
            idem_key=auto_renewal_key(user_id, keyed),
            now=now,
            automatic=True,
        )
        gross = {"minor": result.gross.minor, "currency": result.gross.currency}
        for oid, _ in items:
            order = orders[oid][0]
            session.refresh(order)
            kind = "auto_renewed" if result.paid else "auto_renew_invoice"
            shown = order.paid_until if result.paid else old_dates[oid]
            messaging.notify(
                session=session,
                user_id=user_id,
                kind=kind,
                params={
                    "order": order.service_name,
                    "invoice": result.invoice_number,
                    "amount": gross,
                    "date": shown.isoformat() if shown else "",
                },
                order_id=oid,
                dedupe_key=f"autorenew:{oid}:{old_dates[oid]}",
                email_now=False,
                now=now,
            )
            renewed += result.paid
            invoiced += not result.paid
    for order, reason in failed:
        messaging.notify(
            session=session,
            user_id=user_id,
            kind="auto_renew_failed",
            params={
                "order": order.service_name,
                "reason": reason,
                "date": order.paid_until.isoformat() if order.paid_until else "",
            },
            order_id=order.id,
            dedupe_key=f"autorenew:{order.id}:{order.paid_until}",
            email_now=False,
            now=now,
        )
    return AutoRenewal(renewed, invoiced, len(failed))


def job_customer(
    session: Session, user_id: int, due: Sequence[tuple[int, date | None, int]]
) -> tuple[Viewer, dict[int | None, tuple[Order, TariffPlan]]] | None:
    """For the lifecycle job acting for a customer: the customer as a viewer (no session) and their due orders
    (id, paid-until, period) with their tariffs, by id; None when the account is gone."""
    user, profile = session.get(User, user_id), session.get(Profile, user_id)
    if user is None or profile is None:
        return None
    orders = {
        o.id: (o, t)
        for o, t in session.exec(
            select(Order, TariffPlan)
            .join(TariffPlan, col(TariffPlan.id) == col(Order.tariff_id))
            .where(col(Order.id).in_([oid for oid, _, _ in due]), col(Order.user_id) == user_id)
        ).all()
    }
    return Viewer(user_id, user.username, Role(user.role), 0, profile.language), orders


def auto_renewal_key(user_id: int, due: Sequence[tuple[int, date | None, int]]) -> str:
    """The key of one customer's auto-renewal (same orders and dates → same invoice)."""
    digest = hashlib.sha256(repr(sorted((o, str(p)) for o, p, _ in due)).encode()).hexdigest()[:32]
    return f"auto-{user_id}-{digest}"
