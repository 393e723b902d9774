"""Pay links as used: making one for an unpaid invoice, and paying through one (the provider is charged once, the
invoice settled in the same transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from introserv_app.config import get_settings
from introserv_app.db.tables import Invoice
from introserv_app.db.types import utcnow
from introserv_app.domain.money import Money
from introserv_app.domain.statuses import InvoiceStatus, LedgerKind
from introserv_app.domain.validation import is_row_id
from introserv_app.services.billing._providers import PaymentProvider
from introserv_app.services.billing._readers.invoice_docs import MSG_INVOICE_NOT_FOUND
from introserv_app.services.billing._readers.ledger import find_entry
from introserv_app.services.billing._readers.payability import require_payable
from introserv_app.services.billing._readers.paylinks import (
    MSG_ENABLE_FIRST,
    MSG_NOT_UNPAID,
    PayLink,
    _allowed,
    _check,
    make_token,
)
from introserv_app.services.billing._writers.ledger import check_idem_key, lock_account, post
from introserv_app.services.billing._writers.renewals import check_payable, settle_invoice
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer


def pay_link(*, session: Session, viewer: Viewer, invoice_id: int, now: datetime | None = None) -> PayLink:
    """A link to pay the viewer's unpaid invoice without logging in."""
    now = now or utcnow()
    invoice = session.get(Invoice, invoice_id) if is_row_id(invoice_id) else None
    if invoice is None or invoice.user_id != viewer.user_id:
        access.record_denied(
            session=session, viewer=viewer, target="invoice.pay_link", details={"invoice_id": str(invoice_id)[:20]}
        )
        raise ServiceError(MSG_INVOICE_NOT_FOUND)
    if invoice.status != InvoiceStatus.UNPAID:
        raise ServiceError(MSG_NOT_UNPAID)
    if not _allowed(session, viewer.user_id):
        raise ServiceError(MSG_ENABLE_FIRST)
    expires = now + timedelta(days=get_settings().pay_link_days)
    token = make_token(invoice_id=invoice_id, user_id=viewer.user_id, expires_at=expires)
    return PayLink(url=f"{get_settings().base_url}/pay?t={token}", expires_at=expires)


@dataclass(frozen=True)
class LinkPayment:
    paid: bool
    error: str = ""  # the provider's decline reason


def pay_by_link(
    *,
    session: Session,
    token: str,
    idem_key: str,
    provider: PaymentProvider,
    method: str = "card",
    ip: str,
    now: datetime | None = None,
) -> LinkPayment:
    """Charge the provider for the invoice's total and settle the invoice with it, exactly once."""
    now = now or utcnow()
    check_idem_key(idem_key)
    invoice = _check(session, token, ip, now)
    require_payable(session=session, user_id=invoice.user_id)
    lock_account(session=session, user_id=invoice.user_id)
    session.refresh(invoice)
    if invoice.status == InvoiceStatus.PAID:
        return LinkPayment(paid=True)
    if invoice.status != InvoiceStatus.UNPAID:
        raise ServiceError(MSG_NOT_UNPAID)
    check_payable(session=session, invoice=invoice)  # before the card is charged
    amount = Money(invoice.gross_minor, invoice.currency)
    if find_entry(session=session, idem_key=idem_key) is None:
        result = provider.charge(amount=amount, reference=idem_key, method=method)
        if not result.ok:
            audit.record(
                session=session,
                action="invoice.pay_link",
                subject_user_id=invoice.user_id,
                success=False,
                ip=ip,
                details={"invoice": invoice.number, "provider": provider.name, "error": result.error[:200]},
            )
            return LinkPayment(paid=False, error=result.error)
        post(
            session=session,
            user_id=invoice.user_id,
            kind=LedgerKind.TOPUP,
            amount=amount,
            idem_key=idem_key,
            invoice_id=invoice.id,
            note=f"{provider.name}:{result.reference} pay link {invoice.number}"[:255],
            now=now,
        )
    settle_invoice(session=session, invoice=invoice, now=now, actor_id=None)
    audit.record(
        session=session,
        action="invoice.pay_link",
        subject_user_id=invoice.user_id,
        ip=ip,
        details={"invoice": invoice.number, "gross_minor": invoice.gross_minor, "provider": provider.name},
    )
    session.flush()
    return LinkPayment(paid=True)
