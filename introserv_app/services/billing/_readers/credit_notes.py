"""A credit note as a document (its PDF, in the reader's language): the invoice's parties, the amount given back
with its VAT reversed, shown as negative amounts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session, col, select

from introserv_app.db.tables import CreditNote, Invoice
from introserv_app.domain.money import Money
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.i18n import format_amount, format_money, gettext
from introserv_app.services.billing._readers.invoice_docs import (
    DocLine,
    InvoiceDocument,
    _day,
    _rate,
    document_for,
)
from introserv_app.services.common import access
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

MSG_CREDIT_NOTE_NOT_FOUND = N_("Credit note not found.")
MSG_CREDIT_LINE = N_("Refund for invoice {number}: {reason}")
MSG_CREDIT_STATUS = N_("Issued")


def credit_note_document(*, session: Session, viewer: Viewer, credit_note_id: object, lang: str) -> InvoiceDocument:
    """The viewer's credit note (staff: anyone's); another customer's is refused and audited."""
    note = session.get(CreditNote, credit_note_id) if is_row_id(credit_note_id) else None
    if note is None or (note.user_id != viewer.user_id and not viewer.is_staff):
        access.record_denied(
            session=session, viewer=viewer, target="credit_note.view", details={"id": str(credit_note_id)[:20]}
        )
        raise ServiceError(MSG_CREDIT_NOTE_NOT_FOUND)
    invoice = document_for(session=session, invoice_id=note.invoice_id, lang=lang)
    money = lambda minor: format_money(Money(-minor, note.currency), invoice.lang)  # noqa: E731
    line = gettext(invoice.lang, MSG_CREDIT_LINE).format(number=invoice.number, reason=note.reason)
    return replace(
        invoice,
        id=note.id or 0,
        number=note.number,
        kind="credit_note",
        reference=invoice.number,
        status="issued",
        status_label=gettext(invoice.lang, MSG_CREDIT_STATUS),
        issued=_day(note.issued_at, invoice.lang),
        due="",
        paid="",
        lines=[DocLine(description=line, period="", net=money(note.net_minor))],
        net=money(note.net_minor),
        vat_rate=format_amount(_rate(note.vat_rate), invoice.lang) + " %",
        vat=money(note.vat_minor),
        gross=money(note.gross_minor),
        gross_money=Money(-note.gross_minor, note.currency),
    )


@dataclass(frozen=True)
class CreditNoteRow:
    id: int
    number: str
    invoice_number: str
    gross: Money
    issued_at: datetime
    reason: str


def credit_notes_for(
    *, session: Session, viewer: Viewer, user_id: int | None = None, limit: int = 50
) -> list[CreditNoteRow]:
    """A customer's credit notes, newest first: the viewer's own, or (staff) those of `user_id`."""
    owner = viewer.user_id if user_id is None or not viewer.is_staff else user_id
    rows = session.exec(
        select(CreditNote, Invoice.number)
        .join(Invoice, col(Invoice.id) == col(CreditNote.invoice_id))
        .where(CreditNote.user_id == owner)
        .order_by(col(CreditNote.id).desc())
        .limit(limit)
    ).all()
    return [
        CreditNoteRow(n.id or 0, n.number, number, Money(n.gross_minor, n.currency), n.issued_at, n.reason)
        for n, number in rows
    ]
