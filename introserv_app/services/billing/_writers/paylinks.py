"""Pay links as made: a signed link to pay an unpaid invoice without signing in (paid through a provider, see
`payments.open_link_payment`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from introserv_app.config import get_settings
from introserv_app.db.tables import Invoice
from introserv_app.db.types import utcnow
from introserv_app.domain.statuses import InvoiceStatus
from introserv_app.domain.validation import is_row_id
from introserv_app.services.billing._readers.invoice_docs import MSG_INVOICE_NOT_FOUND
from introserv_app.services.billing._readers.paylinks import (
    MSG_ENABLE_FIRST,
    MSG_NOT_UNPAID,
    PayLink,
    _allowed,
)
from introserv_app.services.common import access
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.paylink_token import make_token
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
