"""The mails of money: "invoice issued" (its PDF attached, with a way to pay it) and "payment received" (a receipt),
in the customer's language, to their address for invoices."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from introserv_app.db.tables import Invoice, Payment
from introserv_app.db.types import utcnow
from introserv_app.domain.money import Money
from introserv_app.domain.payments import provider_label
from introserv_app.domain.text import N_
from introserv_app.i18n import format_date, format_money, gettext, normalize_language, translate_message
from introserv_app.services import messaging
from introserv_app.services.billing._readers.invoice_docs import document_for
from introserv_app.services.billing._readers.invoice_pdf import render_invoice_pdf
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.paylink_token import pay_url

MAIL_INVOICE_SUBJECT = N_("Invoice {number} for {amount}")
MAIL_INVOICE_BODY = N_(
    "Hello {name},\n\ninvoice {number} for {amount} is issued. Please pay it by {due}:\n\n{link}\n\n"
    "The invoice is attached as a PDF."
)
MAIL_RECEIPT_SUBJECT = N_("Payment received: {amount}")
MAIL_RECEIPT_BODY = N_(
    "Hello {name},\n\nwe received {amount} on {date} ({method}). {result}\n\nThank you for your payment."
)
MSG_RECEIPT_INVOICE = N_("Invoice {number} is paid.")
MSG_RECEIPT_BALANCE = N_("The amount was added to your balance.")


def _who(session: Session, user_id: int) -> tuple[str, str, str, bool]:
    """(name, language, address for invoices, pay links allowed) — as messaging addresses the customer."""
    who = messaging.recipient_of(session, user_id)
    if who is None:
        return "", "en", "", False
    return who.name, normalize_language(who.lang), who.addresses.get("invoices", ""), who.pay_links


def mail_invoice_issued(*, session: Session, invoice: Invoice, now: datetime | None = None) -> str:
    """Queue the "invoice issued" mail with the PDF attached; returns the pay URL it carries ("" when not sent)."""
    now = now or utcnow()
    name, lang, address, links = _who(session, invoice.user_id)
    url = pay_url(
        invoice_id=invoice.id or 0, user_id=invoice.user_id, number=invoice.number, links_allowed=links, now=now
    )
    if not address:
        return url
    values: dict[str, object] = {
        "name": name,
        "number": invoice.number,
        "amount": format_money(Money(invoice.gross_minor, invoice.currency), lang),
        "due": format_date(invoice.due_at.date(), lang) if invoice.due_at else "",
        "link": url,
    }
    messaging.queue_email(
        session=session,
        to_addr=address,
        subject=translate_message(lang, MAIL_INVOICE_SUBJECT, values),
        body_text=translate_message(lang, MAIL_INVOICE_BODY, values),
        user_id=invoice.user_id,
        dedupe_key=f"invoice-issued-{invoice.id}",
        now=now,
        attachment=(f"invoice-{invoice.number}.pdf", f"invoice:{invoice.id}:{lang}"),
    )
    return url


def invoice_pdf_attachment(argument: str, session: Session) -> bytes | None:
    """The PDF of `<invoice id>:<lang>`, made when its mail is sent (registered with messaging)."""
    raw_id, _, lang = argument.partition(":")
    if not raw_id.isdigit():
        return None
    try:
        return render_invoice_pdf(document_for(session=session, invoice_id=int(raw_id), lang=lang))
    except ServiceError:
        return None


messaging.register_attachment("invoice", invoice_pdf_attachment)


def mail_payment_received(*, session: Session, payment: Payment, invoice: Invoice | None, now: datetime) -> None:
    """Queue the receipt of a confirmed payment."""
    name, lang, address, _ = _who(session, payment.user_id)
    if not address:
        return
    result = (
        translate_message(lang, MSG_RECEIPT_INVOICE, {"number": invoice.number})
        if invoice is not None and payment.paid_invoice
        else gettext(lang, MSG_RECEIPT_BALANCE)
    )
    values: dict[str, object] = {
        "name": name,
        "amount": format_money(Money(payment.amount_minor, payment.currency), lang),
        "date": format_date(now.date(), lang),
        "method": gettext(lang, provider_label(payment.provider)),
        "result": result,
    }
    messaging.queue_email(
        session=session,
        to_addr=address,
        subject=translate_message(lang, MAIL_RECEIPT_SUBJECT, values),
        body_text=translate_message(lang, MAIL_RECEIPT_BODY, values),
        user_id=payment.user_id,
        dedupe_key=f"payment-received-{payment.id}",
        now=now,
    )
