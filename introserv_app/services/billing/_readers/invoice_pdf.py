"""An invoice as a PDF (fpdf2, pure Python), in the reader's language.

The bundled DejaVu Sans covers Latin and Cyrillic; fpdf2 embeds only the glyphs used (subsetting).
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from introserv_app.domain.text import N_
from introserv_app.i18n import gettext
from introserv_app.services.billing._readers.invoice_docs import InvoiceDocument

FONTS = Path(__file__).resolve().parents[3] / "resources" / "fonts"
FONT = "DejaVu"
GREY = (110, 110, 110)

# Labels on the PDF (msgids; extracted with the other server-side strings).
L_INVOICE = N_("Invoice")
L_SELLER = N_("Seller")
L_CUSTOMER = N_("Bill to")
L_ISSUED = N_("Issued")
L_DUE = N_("Due")
L_PAID_ON = N_("Paid on")
L_STATUS = N_("Status")
L_VAT_NUMBER = N_("VAT number")
L_DESCRIPTION = N_("Description")
L_PERIOD = N_("Period")
L_AMOUNT = N_("Amount")
L_NET = N_("Net")
L_VAT = N_("VAT")
L_TOTAL = N_("Total")
L_FOOTER = N_("Amounts in {currency}. Please quote the invoice number with your payment.")
L_CREDIT_NOTE = N_("Credit note")
L_REVERSES = N_("Reverses invoice")
L_CREDIT_FOOTER = N_("Amounts in {currency}. This credit note reverses part or all of invoice {number}, VAT included.")


def _t(doc: InvoiceDocument, msgid: str) -> str:
    return gettext(doc.lang, msgid)


def render_invoice_pdf(doc: InvoiceDocument) -> bytes:
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    title = _t(doc, L_CREDIT_NOTE if doc.kind == "credit_note" else L_INVOICE)
    pdf.set_title(f"{title} {doc.number}")
    pdf.set_author(doc.seller_name)
    pdf.set_lang(doc.lang)
    pdf.set_creator("INTROSERV billing panel")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_font(FONT, "B", 18)
    pdf.cell(width / 2, 10, doc.seller_name)
    pdf.cell(width / 2, 10, f"{title} {doc.number}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(*GREY)
    pdf.cell(width, 6, f"{_t(doc, L_STATUS)}: {doc.status_label}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)

    top = pdf.get_y()
    column = width / 2 - 4
    _party(pdf, doc, L_SELLER, doc.seller_name, doc.seller_address, doc.seller_country, doc.seller_vat_number, column)
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + width / 2 + 4, top)
    _party(
        pdf,
        doc,
        L_CUSTOMER,
        doc.customer_name,
        doc.customer_address,
        doc.customer_country,
        doc.customer_vat_number,
        column,
    )
    pdf.set_y(max(left_bottom, pdf.get_y()) + 4)

    dates = [(L_ISSUED, doc.issued)] + ([(L_DUE, doc.due)] if doc.due else [])
    if doc.reference:
        dates.append((L_REVERSES, doc.reference))
    if doc.paid:
        dates.append((L_PAID_ON, doc.paid))
    pdf.set_font(FONT, "", 10)
    for label, value in dates:
        pdf.set_text_color(*GREY)
        pdf.cell(30, 6, _t(doc, label))
        pdf.set_text_color(0, 0, 0)
        pdf.cell(width - 30, 6, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    with pdf.table(
        col_widths=(110, 30, 40),
        text_align=("LEFT", "LEFT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=(238, 240, 244)),
        borders_layout="HORIZONTAL_LINES",
        line_height=7,
    ) as table:
        head = table.row()
        for label in (L_DESCRIPTION, L_PERIOD, L_AMOUNT):
            head.cell(_t(doc, label))
        for line in doc.lines:
            row = table.row()
            row.cell(line.description)
            row.cell(line.period)
            row.cell(line.net)
    pdf.ln(4)

    label_w, value_w = 40, 40
    for label, value, bold in (
        (_t(doc, L_NET), doc.net, False),
        (f"{_t(doc, L_VAT)} {doc.vat_rate}", doc.vat, False),
        (_t(doc, L_TOTAL), doc.gross, True),
    ):
        pdf.set_font(FONT, "B" if bold else "", 12 if bold else 10)
        pdf.set_x(pdf.l_margin + width - label_w - value_w)
        pdf.cell(label_w, 7, label)
        pdf.cell(value_w, 7, value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if doc.vat_note:
        pdf.ln(2)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(width, 6, doc.vat_note, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.ln(10)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*GREY)
    if doc.kind == "credit_note":
        footer = _t(doc, L_CREDIT_FOOTER).format(currency=doc.gross_money.currency, number=doc.reference)
    else:
        footer = _t(doc, L_FOOTER).format(currency=doc.gross_money.currency)
    pdf.multi_cell(width, 4, footer, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _party(
    pdf: FPDF,
    doc: InvoiceDocument,
    label: str,
    name: str,
    address: list[str],
    country: str,
    vat_number: str,
    width: float,
) -> None:
    x = pdf.get_x()
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*GREY)
    pdf.cell(width, 5, _t(doc, label).upper(), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(width, 6, name, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    for part in [*address, country]:
        pdf.set_x(x)
        pdf.multi_cell(width, 5, part, new_x=XPos.LEFT, new_y=YPos.NEXT)
    if vat_number:
        pdf.set_x(x)
        pdf.cell(width, 5, f"{_t(doc, L_VAT_NUMBER)}: {vat_number}", new_x=XPos.LEFT, new_y=YPos.NEXT)
