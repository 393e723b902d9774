"""Pay links as read: the signed token (invoice, owner, expiry), its checks (the owner allows links; the requester is
within the owner's IP restrictions) and the invoice it shows."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from introserv_app.db.tables import Invoice, Profile
from introserv_app.db.types import utcnow
from introserv_app.domain.settings_rules import ip_allowed
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.services.billing._readers.invoice_docs import InvoiceDocument, document_for
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.paylink_token import sign

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


def read_token(token: str, *, now: datetime | None = None) -> tuple[int, int]:
    """(invoice id, owner id) of a genuine, unexpired token; otherwise a ServiceError."""
    if not isinstance(token, str) or len(token) > TOKEN_MAX:
        raise ServiceError(MSG_LINK_INVALID)
    parts = token.split(".")
    if len(parts) != 4 or not all(p.isascii() and p.isdigit() for p in parts[:3]):
        raise ServiceError(MSG_LINK_INVALID)
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(sign(payload), parts[3]):
        raise ServiceError(MSG_LINK_INVALID)
    invoice_id, user_id, expires = (int(p) for p in parts[:3])
    if not (is_row_id(invoice_id) and is_row_id(user_id)):
        raise ServiceError(MSG_LINK_INVALID)
    if (now or utcnow()).timestamp() >= expires:
        raise ServiceError(MSG_LINK_EXPIRED)
    return invoice_id, user_id


def _allowed(session: Session, user_id: int) -> bool:
    return bool(session.exec(select(Profile.pay_without_auth).where(Profile.user_id == user_id)).first())


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
