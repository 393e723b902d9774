"""Pay without logging in: a signed, expiring link to one unpaid invoice.

The token is `<invoice id>.<owner id>.<expiry, unix seconds>.<HMAC-SHA256>` signed with the secret
key; it carries no other data and cannot be altered without the key. A link works only while its
invoice is unpaid and its owner allows "Payment Without Authorization" (checked when the link is made
and again when it is opened and used: switching the setting off disables every link at once).
Paying through a link charges the payment provider for the invoice's total (a top-up) and settles the
invoice from it in the same transaction, under the owner's account lock, once per page key.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from introserv_app.config import get_settings
from introserv_app.db.tables import Invoice, Profile
from introserv_app.db.types import utcnow
from introserv_app.domain.money import Money
from introserv_app.domain.settings_rules import ip_allowed
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.services import ledger
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.invoice_docs import MSG_INVOICE_NOT_FOUND, InvoiceDocument, document_for
from introserv_app.services.payability import require_payable
from introserv_app.services.renewals import check_payable, settle_invoice

MSG_LINK_INVALID = N_("This payment link is not valid. Ask for a new one.")
MSG_LINK_EXPIRED = N_("This payment link has expired. Ask for a new one.")
MSG_LINK_DISABLED = N_("Payment without logging in is switched off for this account.")
MSG_ENABLE_FIRST = N_("Allow “Payment Without Authorization” in your settings to share pay links.")
MSG_NOT_UNPAID = N_("This invoice is not awaiting payment.")
MSG_ALREADY_PAID = N_("This invoice has been paid.")
MSG_LINK_IP_BLOCKED = N_(
    "This account accepts payments only from the addresses in its IP restrictions, and yours is not one of them."
)
TOKEN_MAX = 200


@dataclass(frozen=True)
class PayLink:
    url: str
    expires_at: datetime


def _sign(payload: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"paylink:" + payload.encode(), hashlib.sha256).hexdigest()


def make_token(*, invoice_id: int, user_id: int, expires_at: datetime) -> str:
    payload = f"{invoice_id}.{user_id}.{int(expires_at.timestamp())}"
    return f"{payload}.{_sign(payload)}"


def read_token(token: str, *, now: datetime | None = None) -> tuple[int, int]:
    """(invoice id, owner id) of a genuine, unexpired token; otherwise a ServiceError."""
    if not isinstance(token, str) or len(token) > TOKEN_MAX:
        raise ServiceError(MSG_LINK_INVALID)
    parts = token.split(".")
    if len(parts) != 4 or not all(p.isascii() and p.isdigit() for p in parts[:3]):
        raise ServiceError(MSG_LINK_INVALID)
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_sign(payload), parts[3]):
        raise ServiceError(MSG_LINK_INVALID)
    invoice_id, user_id, expires = (int(p) for p in parts[:3])
    if not (is_row_id(invoice_id) and is_row_id(user_id)):
        raise ServiceError(MSG_LINK_INVALID)
    if (now or utcnow()).timestamp() >= expires:
        raise ServiceError(MSG_LINK_EXPIRED)
    return invoice_id, user_id


def _allowed(session: Session, user_id: int) -> bool:
    return bool(session.exec(select(Profile.pay_without_auth).where(Profile.user_id == user_id)).first())


def pay_link(*, session: Session, viewer: Viewer, invoice_id: int, now: datetime | None = None) -> PayLink:
    """A link to pay the viewer's unpaid invoice without logging in."""
    now = now or utcnow()
    invoice = session.get(Invoice, invoice_id) if is_row_id(invoice_id) else None
    if invoice is None or invoice.user_id != viewer.user_id:
        access.record_denied(
            session=session, viewer=viewer, target="invoice.pay_link", details={"invoice_id": str(invoice_id)[:20]}
        )
        raise ServiceError(MSG_INVOICE_NOT_FOUND)
    if invoice.status != "unpaid":
        raise ServiceError(MSG_NOT_UNPAID)
    if not _allowed(session, viewer.user_id):
        raise ServiceError(MSG_ENABLE_FIRST)
    expires = now + timedelta(days=get_settings().pay_link_days)
    token = make_token(invoice_id=invoice_id, user_id=viewer.user_id, expires_at=expires)
    return PayLink(url=f"{get_settings().base_url}/pay?t={token}", expires_at=expires)


def _check(session: Session, token: str, ip: str, now: datetime | None) -> Invoice:
    """The link's invoice, if the link is genuine, its owner allows such links and, when the owner has IP
    restrictions, `ip` (the requester's address) is within them (a refusal is audited)."""
    invoice_id, user_id = read_token(token, now=now)
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or invoice.user_id != user_id:
        raise ServiceError(MSG_LINK_INVALID)
    allowed, restrictions = session.exec(
        select(Profile.pay_without_auth, Profile.ip_restrictions).where(Profile.user_id == user_id)
    ).first() or (False, "")
    if not allowed:
        raise ServiceError(MSG_LINK_DISABLED)
    if restrictions and not ip_allowed(restrictions, ip):
        audit.record_apart(
            session=session,
            action="invoice.pay_link",
            subject_user_id=user_id,
            success=False,
            ip=ip,
            details={"invoice": invoice.number, "reason": "ip_restricted"},
        )
        raise ServiceError(MSG_LINK_IP_BLOCKED)
    return invoice


def link_document(*, session: Session, token: str, lang: str, ip: str, now: datetime | None = None) -> InvoiceDocument:
    """The invoice a pay link points at (any status: a paid one is shown as paid), for a requester at `ip`."""
    invoice = _check(session, token, ip, now)
    return document_for(session=session, invoice_id=invoice.id or 0, lang=lang)


@dataclass(frozen=True)
class LinkPayment:
    paid: bool
    error: str = ""  # the provider's decline reason


def pay_by_link(
    *,
    session: Session,
    token: str,
    idem_key: str,
    provider: ledger.PaymentProvider,
    method: str = "card",
    ip: str,
    now: datetime | None = None,
) -> LinkPayment:
    """Charge the provider for the invoice's total and settle the invoice with it, exactly once."""
    now = now or utcnow()
    ledger.check_idem_key(idem_key)
    invoice = _check(session, token, ip, now)
    require_payable(session=session, user_id=invoice.user_id)
    ledger.lock_account(session=session, user_id=invoice.user_id)
    session.refresh(invoice)
    if invoice.status == "paid":
        return LinkPayment(paid=True)
    if invoice.status != "unpaid":
        raise ServiceError(MSG_NOT_UNPAID)
    check_payable(session=session, invoice=invoice)  # before the card is charged
    amount = Money(invoice.gross_minor, invoice.currency)
    if ledger.find_entry(session=session, idem_key=idem_key) is None:
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
        ledger.post(
            session=session,
            user_id=invoice.user_id,
            kind="topup",
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
