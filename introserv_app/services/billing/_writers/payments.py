"""Starting a payment through a provider: the payment row is written and committed first, the provider is asked
for a checkout with no transaction or lock held, and the checkout is recorded in a second short transaction.
Nothing is posted to the ledger here: money is booked when the provider confirms (`settlement`)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy.exc as sa_exc
from sqlmodel import Session, select

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import Invoice, Payment
from introserv_app.db.types import utcnow
from introserv_app.domain.money import Money
from introserv_app.domain.payments import PaymentPurpose, PaymentState
from introserv_app.domain.statuses import InvoiceStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.services.billing._gateways import gateway
from introserv_app.services.billing._gateways.base import MSG_PROVIDER_DOWN, CheckoutRequest, ProviderUnavailable
from introserv_app.services.billing._readers.invoice_docs import MSG_INVOICE_NOT_FOUND
from introserv_app.services.billing._readers.ledger import account_currency
from introserv_app.services.billing._readers.payability import require_payable
from introserv_app.services.billing._readers.paylinks import MSG_NOT_UNPAID, _check
from introserv_app.services.billing._readers.payments import customer_of, offered_providers
from introserv_app.services.billing._writers.ledger import (
    MSG_BAD_TOPUP,
    TOPUP_MAX_MINOR,
    TOPUP_MIN_MINOR,
    check_idem_key,
)
from introserv_app.services.billing._writers.payment_events import record_event
from introserv_app.services.billing._writers.renewals import check_payable
from introserv_app.services.common import access
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

MSG_NO_PROVIDER = N_("This payment method is not available for this payment.")

Scope = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class Draft:
    """A payment written and committed, ready to be sent to its provider (or already sent: `checkout_url`)."""

    payment_id: int
    provider: str
    request: CheckoutRequest
    checkout_url: str = ""


def _write(
    session: Session,
    *,
    user_id: int,
    purpose: PaymentPurpose,
    amount: Money,
    invoice: Invoice | None,
    provider: str,
    idem_key: str,
    return_url: Callable[[int], str],
    cancel_url: Callable[[int], str],
    lang: str,
    now: datetime,
) -> Draft:
    if provider not in offered_providers(session=session, user_id=user_id, currency=amount.currency):
        raise ServiceError(MSG_NO_PROVIDER)
    existing = session.exec(select(Payment).where(Payment.idem_key == idem_key)).first()
    if existing is None:
        payment = Payment(
            user_id=user_id,
            invoice_id=invoice.id if invoice else None,
            purpose=purpose.value,
            provider=provider,
            amount_minor=amount.minor,
            currency=amount.currency,
            idem_key=idem_key,
            created_at=now,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(payment)
                session.flush()
        except sa_exc.IntegrityError:  # the same click from a second connection won the race
            existing = session.exec(select(Payment).where(Payment.idem_key == idem_key)).one()
    if existing is not None:
        if existing.user_id != user_id:
            raise ServiceError(MSG_NO_PROVIDER)
        payment = existing
    assert payment.id is not None
    _, email = customer_of(session, user_id)
    description = (
        f"{get_settings().seller_name}: invoice {invoice.number}"
        if invoice
        else f"{get_settings().seller_name}: balance top-up"
    )
    request = CheckoutRequest(
        payment_id=payment.id,
        amount=Money(payment.amount_minor, payment.currency),
        description=description,
        return_url=return_url(payment.id),
        cancel_url=cancel_url(payment.id),
        customer_email=email,
        idem_key=payment.idem_key,
        lang=lang,
    )
    return Draft(payment.id, payment.provider, request, payment.checkout_url)


def open_payment(
    *,
    session: Session,
    viewer: Viewer,
    provider: str,
    idem_key: str,
    invoice_id: int | None = None,
    amount_minor: int | None = None,
    lang: str = "en",
    now: datetime | None = None,
) -> Draft:
    """The viewer pays one of their unpaid invoices (`invoice_id`) or adds `amount_minor` to the balance."""
    now = now or utcnow()
    check_idem_key(idem_key)
    access.require_confirmed_email(session=session, viewer=viewer)
    require_payable(session=session, user_id=viewer.user_id)
    base = get_settings().base_url
    invoice = None
    if invoice_id is not None:
        invoice = session.get(Invoice, invoice_id) if is_row_id(invoice_id) else None
        if invoice is None or invoice.user_id != viewer.user_id:
            access.record_denied(
                session=session, viewer=viewer, target="payment.invoice", details={"invoice_id": str(invoice_id)[:20]}
            )
            raise ServiceError(MSG_INVOICE_NOT_FOUND)
        if invoice.status != InvoiceStatus.UNPAID:
            raise ServiceError(MSG_NOT_UNPAID)
        check_payable(session=session, invoice=invoice)
        amount = Money(invoice.gross_minor, invoice.currency)
    else:
        if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
            raise ServiceError(MSG_BAD_TOPUP)
        if not TOPUP_MIN_MINOR <= amount_minor <= TOPUP_MAX_MINOR:
            raise ServiceError(MSG_BAD_TOPUP)
        amount = Money(amount_minor, account_currency(session=session, user_id=viewer.user_id))
    return _write(
        session,
        user_id=viewer.user_id,
        purpose=PaymentPurpose.INVOICE if invoice else PaymentPurpose.TOPUP,
        amount=amount,
        invoice=invoice,
        provider=provider,
        idem_key=idem_key,
        return_url=lambda pid: f"{base}/payments/{pid}",
        cancel_url=lambda pid: f"{base}/payments/{pid}?left=1",
        lang=lang,
        now=now,
    )


def open_link_payment(
    *,
    session: Session,
    token: str,
    provider: str,
    idem_key: str,
    ip: str,
    lang: str = "en",
    now: datetime | None = None,
) -> Draft:
    """The invoice of a pay link, paid by whoever holds the link (no sign-in)."""
    now = now or utcnow()
    check_idem_key(idem_key)
    invoice = _check(session, token, ip, now)
    require_payable(session=session, user_id=invoice.user_id)
    if invoice.status != InvoiceStatus.UNPAID:
        raise ServiceError(MSG_NOT_UNPAID)
    check_payable(session=session, invoice=invoice)
    back = f"{get_settings().base_url}/pay?t={token}"
    return _write(
        session,
        user_id=invoice.user_id,
        purpose=PaymentPurpose.INVOICE,
        amount=Money(invoice.gross_minor, invoice.currency),
        invoice=invoice,
        provider=provider,
        idem_key=idem_key,
        return_url=lambda pid: f"{back}&payment={pid}",
        cancel_url=lambda pid: f"{back}&payment={pid}&left=1",
        lang=lang,
        now=now,
    )


def start_checkout(draft: Draft, *, scope: Scope = session_scope) -> str:
    """Ask the provider for a checkout (no transaction or lock held meanwhile) and record it; the URL to send
    the customer to. A provider that does not answer ends the payment as failed: nothing was charged."""
    if draft.checkout_url:
        return draft.checkout_url
    try:
        checkout = gateway(draft.provider).create_checkout(draft.request)
    except ProviderUnavailable as exc:
        with scope() as session:
            _move(session, draft.payment_id, PaymentState.FAILED, source="checkout", detail=str(exc)[:255])
        raise ServiceError(MSG_PROVIDER_DOWN) from exc
    with scope() as session:
        payment = session.get(Payment, draft.payment_id)
        assert payment is not None
        if not payment.provider_ref:
            payment.provider_ref, payment.checkout_url = checkout.provider_ref, checkout.url[:2000]
        _move(session, draft.payment_id, PaymentState.PENDING, source="checkout", detail="checkout made")
        return payment.checkout_url


def _move(session: Session, payment_id: int, state: PaymentState, *, source: str, detail: str) -> None:
    payment = session.get(Payment, payment_id)
    assert payment is not None
    old = payment.state
    if old == PaymentState.CREATED:
        payment.state, payment.updated_at = state.value, utcnow()
        if state == PaymentState.FAILED:
            payment.failure = detail
    record_event(
        session, payment, payment.provider, source, "state", state_from=old, state_to=payment.state, detail=detail
    )
