"""Booking what a provider reports: a verified notification, or the answer to a reconciliation's question.

Under the owner's account lock the payment is read again and moved once: a confirmation posts one top-up to the
ledger (its key is the payment's, so duplicate, concurrent and out-of-order deliveries book it once) and pays the
invoice from it; when the invoice was paid another way meanwhile, the money stays on the balance. A report that
does not match the payment (unknown, another amount or currency) is recorded, refused and mailed to support."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlmodel import Session, col, select

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import Invoice, Payment
from introserv_app.db.types import utcnow
from introserv_app.domain.money import Money
from introserv_app.domain.payments import PaymentPurpose, PaymentState, can_move
from introserv_app.domain.statuses import InvoiceStatus, LedgerKind
from introserv_app.services import messaging
from introserv_app.services.billing._gateways import enabled_providers, gateway
from introserv_app.services.billing._gateways.base import BadNotification, Notification, RemotePayment
from introserv_app.services.billing._writers.invoice_mail import mail_payment_received
from introserv_app.services.billing._writers.ledger import lock_account, post
from introserv_app.services.billing._writers.payment_events import record_event
from introserv_app.services.billing._writers.renewals import settle_invoice
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError


def _alert(session: Session, provider: str, what: str, ref: str, now: datetime) -> None:
    """A report that cannot be booked: audited and mailed to support once per provider reference and reason."""
    audit.record(
        session=session,
        action="payment.refused",
        success=False,
        details={"provider": provider, "ref": ref[:80], "why": what},
    )
    messaging.queue_email(
        session=session,
        to_addr=get_settings().support_email,
        subject=f"Payment needs attention: {provider} {ref[:80]}",
        body_text=f"The {provider} report about {ref} was not booked: {what}.\nThe payment's events show it.",
        dedupe_key=f"payment-alert-{provider}-{ref[:120]}-{what[:40]}",
        now=now,
    )


def _find(session: Session, provider: str, remote: RemotePayment, by_payment_ref: bool) -> Payment | None:
    if by_payment_ref and remote.provider_payment_ref:
        found = session.exec(
            select(Payment).where(
                Payment.provider == provider, col(Payment.provider_payment_ref) == remote.provider_payment_ref
            )
        ).first()
    elif remote.provider_ref:
        found = session.exec(
            select(Payment).where(Payment.provider == provider, Payment.provider_ref == remote.provider_ref)
        ).first()
    else:
        found = None
    if found is None and remote.payment_id is not None:
        candidate = session.get(Payment, remote.payment_id)
        # the provider's metadata names our payment: believed only for a checkout of that provider not yet recorded
        if (
            candidate is not None
            and candidate.provider == provider
            and candidate.provider_ref in (None, remote.provider_ref)
        ):
            found = candidate
    return found


def apply_remote(
    *,
    session: Session,
    provider: str,
    remote: RemotePayment,
    source: str,
    event_id: str = "",
    event_type: str = "",
    by_payment_ref: bool = False,
    now: datetime | None = None,
) -> str:
    """Book what `provider` reports; the outcome recorded: applied | state | duplicate | ignored | refused."""
    now = now or utcnow()
    payment = _find(session, provider, remote, by_payment_ref)
    ref = remote.provider_ref or remote.provider_payment_ref or ""
    if payment is None:
        _alert(session, provider, "unknown payment", ref, now)
        return record_event(
            session,
            None,
            provider,
            source,
            "refused",
            detail=f"unknown payment {ref}",
            event_id=event_id,
            event_type=event_type,
        )
    assert payment.id is not None
    lock_account(session=session, user_id=payment.user_id)
    session.refresh(payment)  # the state after the lock
    old = PaymentState(payment.state)
    if by_payment_ref:  # refunds are booked by the refund itself; the notification is kept as a record
        return record_event(
            session,
            payment,
            provider,
            source,
            "ignored",
            detail="refund notification",
            event_id=event_id,
            event_type=event_type,
        )
    if remote.state == PaymentState.SUCCEEDED:
        expected = Money(payment.amount_minor, payment.currency)
        if remote.amount is not None and remote.amount != expected:
            _alert(session, provider, "amount or currency differs", ref, now)
            got = remote.amount
            detail = f"reported {got.minor} {got.currency}, expected {expected.minor} {expected.currency}"
            return record_event(
                session, payment, provider, source, "refused", detail=detail, event_id=event_id, event_type=event_type
            )
        if old == PaymentState.SUCCEEDED:
            return record_event(
                session,
                payment,
                provider,
                source,
                "duplicate",
                state_from=old,
                state_to=old,
                event_id=event_id,
                event_type=event_type,
            )
        detail = _book(session, payment, expected, now)
        payment.state, payment.settled_at, payment.updated_at = PaymentState.SUCCEEDED.value, now, now
        if remote.provider_payment_ref and not payment.provider_payment_ref:
            payment.provider_payment_ref = remote.provider_payment_ref
        if remote.provider_ref and not payment.provider_ref:
            payment.provider_ref = remote.provider_ref
        return record_event(
            session,
            payment,
            provider,
            source,
            "applied",
            state_from=old,
            state_to="succeeded",
            detail=detail,
            event_id=event_id,
            event_type=event_type,
        )
    if can_move(old, remote.state):
        payment.state, payment.updated_at = remote.state.value, now
        return record_event(
            session,
            payment,
            provider,
            source,
            "state",
            state_from=old,
            state_to=remote.state,
            event_id=event_id,
            event_type=event_type,
        )
    outcome = "duplicate" if old == remote.state else "ignored"
    return record_event(
        session,
        payment,
        provider,
        source,
        outcome,
        state_from=old,
        state_to=remote.state,
        event_id=event_id,
        event_type=event_type,
    )


def _book(session: Session, payment: Payment, amount: Money, now: datetime) -> str:
    """The money to the ledger (once) and, for an invoice still unpaid, the invoice paid from it."""
    assert payment.id is not None
    post(
        session=session,
        user_id=payment.user_id,
        kind=LedgerKind.TOPUP,
        amount=amount,
        idem_key=f"payment-{payment.id:09d}",
        invoice_id=payment.invoice_id,
        note=f"{payment.provider}:{payment.provider_ref or ''}"[:255],
        now=now,
    )
    detail = "credited to the balance"
    if payment.purpose == PaymentPurpose.INVOICE and payment.invoice_id is not None:
        invoice = session.get(Invoice, payment.invoice_id)
        assert invoice is not None
        session.refresh(invoice)
        if invoice.status == InvoiceStatus.UNPAID:
            try:
                with session.begin_nested():
                    settle_invoice(session=session, invoice=invoice, now=now, actor_id=None)
                detail, payment.paid_invoice = f"invoice {invoice.number} paid", True
            except ServiceError:
                detail = f"invoice {invoice.number} can no longer be paid: credited to the balance"
        else:
            detail = f"invoice {invoice.number} is {invoice.status}: credited to the balance"
    mail_payment_received(
        session=session,
        payment=payment,
        invoice=session.get(Invoice, payment.invoice_id) if payment.invoice_id else None,
        now=now,
    )
    audit.record(
        session=session,
        action="payment.succeeded",
        subject_user_id=payment.user_id,
        details={"payment": payment.id, "provider": payment.provider, "amount_minor": amount.minor, "result": detail},
        now=now,
    )
    return detail


def receive_notification(provider: str, body: bytes, headers: Mapping[str, str]) -> int:
    """A provider's notification as received over HTTP: the status to answer (400: refused, nothing written)."""
    if provider not in enabled_providers():
        return 404
    try:
        notification: Notification = gateway(provider).parse_notification(body, headers)
    except BadNotification:
        return 400
    with session_scope() as session:
        if notification.remote is None:
            record_event(
                session, None, provider, "webhook", "ignored", event_id=notification.event_id,
                event_type=notification.event_type, detail="event type not acted on",
            )  # fmt: skip
        else:
            apply_remote(
                session=session,
                provider=provider,
                remote=notification.remote,
                source="webhook",
                event_id=notification.event_id,
                event_type=notification.event_type,
                by_payment_ref=notification.by_payment_ref,
            )
    return 200
