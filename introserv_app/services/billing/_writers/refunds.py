"""Refunds by staff through the payment's provider, and the credit notes they issue.

Three steps, so that no transaction or lock is held while the provider is called: the refund is written
(`requested`, checked against what is left of the payment, once per dialog key), the provider refunds, and the
outcome is booked. For a payment that paid an invoice, a credit note gives back that part of the invoice with its
VAT reversed (credited to the balance) and the money leaves the balance to the card; for money that went to the
balance, it leaves the balance. Numbers of credit notes are continuous per year in their own series."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from sqlmodel import Session, select

from introserv_app.db.session import session_scope
from introserv_app.db.tables import CreditNote, Invoice, Payment, Refund
from introserv_app.db.types import utcnow
from introserv_app.domain.money import Money
from introserv_app.domain.payments import PaymentState, refundable_minor
from introserv_app.domain.statuses import LedgerKind
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.domain.vat import split_gross
from introserv_app.services.billing._gateways import gateway
from introserv_app.services.billing._gateways.base import ProviderUnavailable
from introserv_app.services.billing._readers.invoice_docs import _rate
from introserv_app.services.billing._readers.ledger import balance
from introserv_app.services.billing._readers.payments import MSG_PAYMENT_NOT_FOUND
from introserv_app.services.billing._writers.ledger import check_idem_key, lock_account, post
from introserv_app.services.billing._writers.payment_events import record_event
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

MSG_REFUND_REASON = N_("Give the reason for the refund (up to 500 characters).")
MSG_REFUND_TOO_MUCH = N_("At most {amount} of this payment can still be refunded.")
MSG_REFUND_NOT_PAID = N_("Only a completed payment can be refunded.")
MSG_REFUND_BALANCE = N_("The customer's balance no longer holds {amount} of this top-up; refund at most that.")
MSG_REFUND_FAILED = N_("The payment provider refused or did not answer the refund. Nothing was refunded.")
REASON_MAX = 500

Scope = Callable[[], AbstractContextManager[Session]]


def credit_note_number(year: int, seq: int) -> str:
    return f"CN-{year}-{seq:06d}"


def next_credit_note_seq(*, session: Session, year: int) -> int:
    """The next credit-note number of `year`, reserved in the caller's transaction (no gaps: rolled back with it)."""
    session.execute(
        sa.text("INSERT INTO credit_note_counters (year, last_seq) VALUES (:y, 0) ON CONFLICT (year) DO NOTHING"),
        {"y": year},
    )
    return int(
        session.execute(
            sa.text("UPDATE credit_note_counters SET last_seq = last_seq + 1 WHERE year = :y RETURNING last_seq"),
            {"y": year},
        ).scalar_one()
    )


def issue_credit_note(
    *, session: Session, invoice: Invoice, gross: Money, reason: str, now: datetime | None = None
) -> CreditNote:
    """A credit note for `gross` of `invoice`, its VAT reversed at the invoice's rate. The note that completes the
    invoice reverses what is left of its VAT, so all its notes together reverse exactly what was charged."""
    now = now or utcnow()
    rate = _rate(invoice.vat_rate)
    done_gross, done_vat = session.exec(
        select(
            sa.func.coalesce(sa.func.sum(CreditNote.gross_minor), 0),
            sa.func.coalesce(sa.func.sum(CreditNote.vat_minor), 0),
        ).where(CreditNote.invoice_id == invoice.id)
    ).one()
    left = Money(invoice.gross_minor - int(done_gross), invoice.currency)
    vat = split_gross(gross, rate, whole=left, whole_vat=Money(invoice.vat_minor - int(done_vat), invoice.currency))
    seq = next_credit_note_seq(session=session, year=now.year)
    note = CreditNote(
        number=credit_note_number(now.year, seq),
        year=now.year,
        seq=seq,
        user_id=invoice.user_id,
        invoice_id=invoice.id or 0,
        currency=gross.currency,
        net_minor=gross.minor - vat.minor,
        vat_rate=invoice.vat_rate,
        vat_minor=vat.minor,
        gross_minor=gross.minor,
        reason=reason[:REASON_MAX],
        issued_at=now,
    )
    session.add(note)
    session.flush()
    return note


def _request(
    session: Session, viewer: Viewer, payment_id: int, amount_minor: int, reason: str, idem_key: str, ip: str
) -> tuple[Refund, Payment]:
    access.require_staff(session=session, viewer=viewer, target="payment.refund", ip=ip)
    payment = session.get(Payment, payment_id) if is_row_id(payment_id) else None
    if payment is None:
        raise ServiceError(MSG_PAYMENT_NOT_FOUND)
    existing = session.exec(select(Refund).where(Refund.idem_key == idem_key)).first()
    if existing is not None:
        if existing.payment_id != payment.id:
            raise ServiceError(MSG_PAYMENT_NOT_FOUND)
        return existing, payment
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > REASON_MAX:
        raise ServiceError(MSG_REFUND_REASON)
    lock_account(session=session, user_id=payment.user_id)
    session.refresh(payment)
    if payment.state != PaymentState.SUCCEEDED:
        raise ServiceError(MSG_REFUND_NOT_PAID)
    in_flight = session.exec(
        select(sa.func.coalesce(sa.func.sum(Refund.amount_minor), 0)).where(
            Refund.payment_id == payment.id, Refund.state == "requested"
        )
    ).one()
    left = refundable_minor(PaymentState.SUCCEEDED, payment.amount_minor, payment.refunded_minor + int(in_flight))
    money = lambda minor: Money(minor, payment.currency)  # noqa: E731
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or not 0 < amount_minor <= left:
        raise ServiceError(MSG_REFUND_TOO_MUCH, amount=money(left))
    if not payment.paid_invoice:  # the money sits on the balance: it must still be there
        held = balance(session=session, user_id=payment.user_id).minor
        if held < amount_minor:
            raise ServiceError(MSG_REFUND_BALANCE, amount=money(max(0, held)))
    refund = Refund(
        payment_id=payment.id or 0,
        amount_minor=amount_minor,
        currency=payment.currency,
        reason=reason,
        idem_key=idem_key,
        actor_id=viewer.user_id,
    )
    try:
        with session.begin_nested():
            session.add(refund)
            session.flush()
    except sa_exc.IntegrityError:  # the same click from another connection was first
        refund = session.exec(select(Refund).where(Refund.idem_key == idem_key)).one()
    return refund, payment


def refund_payment(
    *,
    viewer: Viewer,
    payment_id: int,
    amount_minor: int,
    reason: str,
    idem_key: str,
    ip: str = "",
    scope: Scope = session_scope,
    now: datetime | None = None,
) -> Refund:
    """Refund `amount_minor` of a payment through its provider (staff only); the refund as booked."""
    check_idem_key(idem_key)
    with scope() as session:
        refund, payment = _request(session, viewer, payment_id, amount_minor, reason, idem_key, ip)
        session.expunge(refund)
        session.expunge(payment)
    if refund.state != "requested":
        if refund.state == "failed":
            raise ServiceError(MSG_REFUND_FAILED)
        return refund  # a repeated click: the refund that was made
    try:
        provider_ref = gateway(payment.provider).refund(
            provider_ref=payment.provider_ref or "",
            provider_payment_ref=payment.provider_payment_ref,
            amount=Money(refund.amount_minor, refund.currency),
            idem_key=idem_key,
        )
    except ProviderUnavailable as exc:
        with scope() as session:
            row = session.get_one(Refund, refund.id)
            row.state, row.failure = "failed", str(exc)[:255]
            _record(session, payment, "refused", f"refund of {refund.amount_minor} failed: {exc}"[:255])
            audit.record(
                session=session, action="payment.refund", actor_id=viewer.user_id, subject_user_id=payment.user_id,
                success=False, ip=ip, details={"payment": payment.id, "amount_minor": refund.amount_minor},
            )  # fmt: skip
        raise ServiceError(MSG_REFUND_FAILED) from exc
    with scope() as session:
        return _book(session, viewer, refund.id or 0, provider_ref, ip, now or utcnow())


def _book(session: Session, viewer: Viewer, refund_id: int, provider_ref: str, ip: str, now: datetime) -> Refund:
    refund = session.get_one(Refund, refund_id)
    payment = session.get_one(Payment, refund.payment_id)
    lock_account(session=session, user_id=payment.user_id)
    session.refresh(refund)
    session.refresh(payment)
    if refund.state != "requested":
        return refund
    amount = Money(refund.amount_minor, refund.currency)
    key = f"refund-{refund.id:09d}"
    if payment.paid_invoice and payment.invoice_id is not None:
        invoice = session.get_one(Invoice, payment.invoice_id)
        note = issue_credit_note(session=session, invoice=invoice, gross=amount, reason=refund.reason, now=now)
        refund.credit_note_id = note.id
        post(session=session, user_id=payment.user_id, kind=LedgerKind.REFUND, amount=amount, idem_key=f"{key}-credit",
             invoice_id=invoice.id, note=f"credit note {note.number}", actor_id=viewer.user_id, now=now)  # fmt: skip
    post(
        session=session,
        user_id=payment.user_id,
        kind=LedgerKind.ADJUSTMENT,
        amount=Money(-amount.minor, amount.currency),
        idem_key=f"{key}-payout",
        invoice_id=payment.invoice_id,
        note=f"refunded through {payment.provider} {provider_ref}"[:255],
        actor_id=viewer.user_id,
        now=now,
        allow_negative=True,  # the provider has already given the money back
    )
    refund.state, refund.provider_ref = "succeeded", provider_ref[:255]
    payment.refunded_minor += refund.amount_minor
    payment.updated_at = now
    _record(session, payment, "refund", f"refunded {refund.amount_minor}: {refund.reason}"[:255])
    audit.record(
        session=session,
        action="payment.refund",
        actor_id=viewer.user_id,
        subject_user_id=payment.user_id,
        ip=ip,
        details={"payment": payment.id, "amount_minor": refund.amount_minor, "credit_note": refund.credit_note_id},
        now=now,
    )
    session.flush()
    return refund


def _record(session: Session, payment: Payment, outcome: str, detail: str) -> None:
    record_event(session, payment, payment.provider, "staff", outcome, state_from=payment.state,
                 state_to=payment.state, detail=detail)  # fmt: skip
