"""Renewal invoices ahead of paid-until, for customers without automatic renewal: the lifecycle job issues one
invoice per order `INTROSERV_INVOICE_DAYS` before its paid period ends (keyed by order and paid-until, so never
twice for one period), mails it with its PDF and a way to pay, and leaves a notification naming it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session, col, select

from introserv_app.db.tables import Invoice, Order, Profile, TariffPlan, User
from introserv_app.domain.order_rules import cancellation_pending_of, period_price, renewal_refusal
from introserv_app.domain.roles import Role
from introserv_app.domain.statuses import OrderStatus
from introserv_app.services import messaging
from introserv_app.services.billing._writers.invoice_mail import mail_invoice_issued
from introserv_app.services.billing._writers.renewals import renew
from introserv_app.services.common.viewer import Viewer


def renewal_invoice_key(order_id: int, paid_until: date) -> str:
    return f"ahead-{order_id:09d}-{paid_until.isoformat()}"


def issue_renewal_invoices(
    *, session: Session, user_id: int, due: Sequence[tuple[int, date, int]], now: datetime
) -> int:
    """Issue the renewal invoices of a customer's due orders (id, paid-until, period); returns how many."""
    user, profile = session.get(User, user_id), session.get(Profile, user_id)
    if user is None or profile is None:
        return 0
    viewer = Viewer(user_id, user.username, Role(user.role), 0, profile.language)
    found = {
        o.id: (o, t)
        for o, t in session.exec(
            select(Order, TariffPlan)
            .join(TariffPlan, col(TariffPlan.id) == col(Order.tariff_id))
            .where(col(Order.id).in_([oid for oid, _, _ in due]), col(Order.user_id) == user_id)
        ).all()
    }
    issued = 0
    for oid, paid_until, months in due:
        order, tariff = found.get(oid, (None, None))
        if order is None or tariff is None or order.paid_until != paid_until:
            continue  # changed since the job selected it: the next run looks again
        refusal = renewal_refusal(OrderStatus(order.status), cancellation_pending_of(order))
        if refusal is not None or period_price(tariff.prices_minor, months) is None:
            continue
        key = renewal_invoice_key(oid, paid_until)
        if session.exec(select(Invoice.id).where(Invoice.idem_key == key)).first() is not None:
            continue
        result = renew(session=session, viewer=viewer, items=[(oid, months)], idem_key=key, now=now, automatic=True,
                       settle=False)  # fmt: skip
        invoice = session.get(Invoice, result.invoice_id)
        assert invoice is not None
        url = mail_invoice_issued(session=session, invoice=invoice, now=now)
        messaging.notify(
            session=session,
            user_id=user_id,
            kind="renewal_invoice",
            params={
                "order": order.service_name,
                "invoice": invoice.number,
                "invoice_id": invoice.id,
                "amount": {"minor": result.gross.minor, "currency": result.gross.currency},
                "date": paid_until.isoformat(),
                "pay": url,
            },
            order_id=oid,
            dedupe_key=f"ahead:{oid}:{paid_until}",
            mailed_apart=True,
            now=now,
        )
        issued += 1
    return issued
