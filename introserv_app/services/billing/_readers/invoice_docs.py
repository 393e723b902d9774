"""One invoice as a document: everything its PDF and the pay-link page show, in the reader's language.

`invoice_document` is scoped to the viewer (a customer's own invoices, staff: everyone's; anything else
is refused and audited). `document_for` loads without a viewer, for a caller that has already proved
the right to see the invoice (a verified pay link).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, col, select

from introserv_app.db.tables import Invoice, InvoiceLine, Order, Profile, TariffPlan, User
from introserv_app.domain.money import Money
from introserv_app.domain.statuses import INVOICE_STATUS_LABELS
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.domain.vat import MSG_OUTSIDE_EU, MSG_REVERSE_CHARGE, is_eu
from introserv_app.i18n import format_amount, format_date, format_money, gettext, normalize_language
from introserv_app.i18n.countries import country_name
from introserv_app.services.billing._bill_to import bill_to
from introserv_app.services.billing._readers.seller import seller_settings
from introserv_app.services.common import access
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

MSG_INVOICE_NOT_FOUND = N_("Invoice not found.")
MSG_PERIOD = N_("{months} mo.")


@dataclass(frozen=True)
class DocLine:
    description: str
    period: str
    net: str


@dataclass(frozen=True)
class InvoiceDocument:
    """An invoice with every value already formatted for one language."""

    id: int
    user_id: int
    number: str
    lang: str
    status: str
    status_label: str
    issued: str
    due: str
    paid: str
    seller_name: str
    seller_address: list[str]
    seller_country: str
    seller_vat_number: str
    customer_name: str
    customer_address: list[str]
    customer_country: str
    customer_vat_number: str
    lines: list[DocLine]
    net: str
    vat_rate: str
    vat: str
    gross: str
    gross_money: Money
    vat_note: str
    #: "invoice", or "credit_note" (then `reference` names the invoice it reverses).
    kind: str = "invoice"
    reference: str = ""


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _day(value: datetime | None, lang: str) -> str:
    value = _utc(value)
    return format_date(value.date(), lang) if value else ""


def invoice_document(*, session: Session, viewer: Viewer, invoice_id: int, lang: str, ip: str = "") -> InvoiceDocument:
    """The viewer's invoice `invoice_id` (staff: anyone's); another customer's is refused and audited."""
    owner = None
    if is_row_id(invoice_id):
        owner = session.exec(select(Invoice.user_id).where(Invoice.id == invoice_id)).first()
    if owner is None or (owner != viewer.user_id and not viewer.is_staff):
        access.record_denied(
            session=session, viewer=viewer, target="invoice.view", ip=ip, details={"invoice_id": str(invoice_id)[:20]}
        )
        raise ServiceError(MSG_INVOICE_NOT_FOUND)
    return document_for(session=session, invoice_id=invoice_id, lang=lang)


def document_for(*, session: Session, invoice_id: int, lang: str) -> InvoiceDocument:
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise ServiceError(MSG_INVOICE_NOT_FOUND)
    lang = normalize_language(lang)
    settings = seller_settings(session=session)
    profile = session.get(Profile, invoice.user_id)
    user = session.get(User, invoice.user_id)
    rows = session.exec(
        select(InvoiceLine, Order, TariffPlan)
        .join(Order, col(Order.id) == col(InvoiceLine.order_id), isouter=True)
        .join(TariffPlan, col(TariffPlan.id) == col(Order.tariff_id), isouter=True)
        .where(InvoiceLine.invoice_id == invoice.id)
        .order_by(col(InvoiceLine.id))
    ).all()
    money = lambda minor: format_money(Money(minor, invoice.currency), lang)  # noqa: E731
    lines = [
        DocLine(
            description=f"{order.service_name} — {tariff.name}" if order and tariff else line.description,
            period=gettext(lang, MSG_PERIOD).format(months=line.period_months) if line.period_months else "",
            net=money(line.net_minor),
        )
        for line, order, tariff in rows
    ]
    if invoice.reverse_charge:
        note = gettext(lang, MSG_REVERSE_CHARGE)
    elif not is_eu(invoice.customer_country):
        note = gettext(lang, MSG_OUTSIDE_EU)
    else:
        note = ""
    if invoice.customer_name is not None:  # kept on the invoice when it was issued
        customer_name = invoice.customer_name
        address = [line for line in (invoice.customer_address or "").split("\n") if line]
    else:  # invoices from before the bill-to was kept (and bulk demo data): the profile as it is now
        customer_name, address = bill_to(profile)
    return InvoiceDocument(
        id=invoice.id or 0,
        user_id=invoice.user_id,
        number=invoice.number,
        lang=lang,
        status=invoice.status,
        status_label=gettext(lang, INVOICE_STATUS_LABELS.get(invoice.status, invoice.status)),
        issued=_day(invoice.issued_at, lang),
        due=_day(invoice.due_at, lang),
        paid=_day(invoice.paid_at, lang),
        seller_name=settings.seller_name,
        seller_address=[p.strip() for p in settings.seller_address.split(";") if p.strip()],
        seller_country=country_name(settings.seller_country, lang),
        seller_vat_number=invoice.seller_vat_number or "",
        customer_name=customer_name or (user.username if user else ""),
        customer_address=address,
        customer_country=country_name(invoice.customer_country, lang),
        customer_vat_number=invoice.customer_vat_number or "",
        lines=lines,
        net=money(invoice.net_minor),
        vat_rate=format_amount(_rate(invoice.vat_rate), lang) + " %",
        vat=money(invoice.vat_minor),
        gross=money(invoice.gross_minor),
        gross_money=Money(invoice.gross_minor, invoice.currency),
        vat_note=note,
    )


def _rate(raw: str) -> Decimal:
    try:
        return Decimal(raw)
    except InvalidOperation:
        return Decimal(0)
