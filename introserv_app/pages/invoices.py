"""/invoices: the customer's invoices (staff: everyone's), filter by status or order, pay unpaid ones."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import shell
from introserv_app.components.row import Row
from introserv_app.components.translate import t
from introserv_app.domain.statuses import InvoiceStatus
from introserv_app.state.funds import FundsState
from introserv_app.state.invoices import InvoicesState as S

STATUS_COLORS = {
    InvoiceStatus.UNPAID.value: "orange",
    InvoiceStatus.PAID.value: "green",
    InvoiceStatus.CANCELLED.value: "gray",
}


def _status(row: Row) -> rx.Component:
    return rx.match(
        row["status"],
        *[
            (key, rx.badge(row["status_label"], color_scheme=color, variant="soft"))
            for key, color in STATUS_COLORS.items()
        ],
        rx.badge(row["status_label"]),
    )


def _row(row: Row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(row["number"], variant="ghost"), class_name="cell-number"),
        rx.cond(S.scope_all, rx.table.cell(row["customer"])),
        rx.table.cell(row["issued"]),
        rx.table.cell(row["due"]),
        rx.table.cell(row["net"], justify="end"),
        rx.table.cell(row["vat"], " (", row["vat_rate"], ")", justify="end"),
        rx.table.cell(rx.text(row["gross"], weight="bold"), justify="end"),
        rx.table.cell(_status(row), class_name="cell-status"),
        rx.table.cell(
            rx.hstack(
                rx.link(
                    rx.icon("file-text", size=14),
                    "PDF",
                    href="/invoices/" + row["id"].to(str) + ".pdf?lang=" + S.lang,
                    is_external=True,
                    class_name="invoice-pdf",
                    display="inline-flex",
                    align_items="center",
                    gap="4px",
                    aria_label=t("Invoice PDF"),
                    size="2",
                ),
                rx.cond(
                    (row["status"] == InvoiceStatus.UNPAID.value) & ~S.scope_all,
                    rx.fragment(
                        rx.button(
                            t("Pay from balance"),
                            size="1",
                            on_click=S.pay(row["id"]),
                            loading=S.busy_id == row["id"],
                            class_name="invoice-pay",
                        ),
                        rx.button(
                            rx.icon("credit-card", size=12),
                            t("Pay online"),
                            size="1",
                            variant="soft",
                            on_click=FundsState.open_for_invoice(row["id"]),
                            class_name="invoice-pay-online",
                        ),
                        rx.button(
                            rx.icon("link", size=12),
                            t("Pay link"),
                            size="1",
                            variant="soft",
                            on_click=S.share_link(row["id"]),
                            class_name="invoice-link",
                        ),
                    ),
                ),
                spacing="3",
                align="center",
            )
        ),
        class_name="invoice-row",
        data_number=row["number"],
    )


def _filters() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.vstack(
                rx.el.label(t("Number"), html_for="invoice-number", class_name="field-label"),
                rx.input(
                    name="number",
                    id="invoice-number",
                    default_value=S.number,
                    placeholder="2026-000123",
                    max_length=11,
                    key=S.number,
                ),
                spacing="1",
            ),
            rx.vstack(
                rx.el.label(t("Issued from"), html_for="invoice-from", class_name="field-label"),
                rx.input(name="from", id="invoice-from", type="date", default_value=S.issued_from, key=S.issued_from),
                spacing="1",
            ),
            rx.vstack(
                rx.el.label(t("Issued to"), html_for="invoice-to", class_name="field-label"),
                rx.input(name="to", id="invoice-to", type="date", default_value=S.issued_to, key=S.issued_to),
                spacing="1",
            ),
            rx.button(t("Apply"), type="submit", id="invoice-apply"),
            rx.cond(
                S.filtered,
                rx.button(t("Clear all"), type="button", variant="soft", color_scheme="gray", on_click=S.clear_filters),
            ),
            align="end",
            spacing="3",
            wrap="wrap",
        ),
        on_submit=S.apply_filters,
        reset_on_submit=False,
        width="100%",
    )


def _link_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Pay link"), " ", S.link_number),
            rx.cond(
                S.link_error != "",
                rx.callout(S.link_error, icon="info", color_scheme="orange", id="pay-link-error"),
                rx.vstack(
                    rx.text(
                        t("Anyone with this link can see the invoice and pay it without logging in."),
                        size="2",
                    ),
                    rx.hstack(
                        rx.input(value=S.link_url, read_only=True, id="pay-link-url", width="100%"),
                        rx.button(
                            rx.icon("copy", size=14),
                            t("Copy"),
                            on_click=[rx.set_clipboard(S.link_url), rx.toast.info(t("Copied"))],
                            variant="soft",
                        ),
                        width="100%",
                    ),
                    rx.text(t("Valid until"), " ", S.link_expires, size="1", color_scheme="gray"),
                    spacing="2",
                ),
            ),
            rx.hstack(
                rx.dialog.close(rx.button(t("Close"), variant="soft", color_scheme="gray")),
                justify="end",
                margin_top="1em",
            ),
            max_width="36em",
        ),
        open=S.link_open,
        on_open_change=S.set_link_open,
    )


def _note(row: Row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(
                rx.icon("file-text", size=14),
                row["number"],
                href="/credit-notes/" + row["id"] + ".pdf?lang=" + S.lang,
                is_external=True,
                display="inline-flex",
                align_items="center",
                gap="4px",
                class_name="credit-note-pdf",
            )
        ),
        rx.table.cell(row["invoice"]),
        rx.table.cell(row["issued"]),
        rx.table.cell(row["amount"], justify="end"),
    )


def _credit_notes() -> rx.Component:
    """Refunds of the customer's invoices: each credit note and its PDF."""
    return rx.vstack(
        rx.heading(t("Credit notes"), size="4"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t("Number")),
                    rx.table.column_header_cell(t("Invoice")),
                    rx.table.column_header_cell(t("Issued")),
                    rx.table.column_header_cell(t("Amount"), justify="end"),
                )
            ),
            rx.table.body(rx.foreach(S.notes, _note)),
            width="100%",
            variant="surface",
            id="credit-notes-table",
        ),
        width="100%",
        margin_top="1em",
    )


def invoices_page() -> rx.Component:
    return shell(
        _filters(),
        _link_dialog(),
        rx.hstack(
            rx.segmented_control.root(
                rx.segmented_control.item(t("All"), value="all"),
                rx.segmented_control.item(t("Unpaid"), value=InvoiceStatus.UNPAID.value),
                rx.segmented_control.item(t("Paid"), value=InvoiceStatus.PAID.value),
                rx.segmented_control.item(t("Cancelled"), value="cancelled"),
                value=S.status,
                on_change=S.set_status,
                id="invoice-status",
            ),
            rx.cond(S.order_filter != "", rx.badge(t("Order"), " #", S.order_filter, variant="outline")),
            rx.spacer(),
            rx.cond(~S.scope_all, rx.link(t("VAT rates by country"), href="/vat", size="2", id="invoices-vat-link")),
            rx.text(t("Invoices"), ": ", S.total_text, size="2", color_scheme="gray", id="invoices-total"),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(t("Number")),
                        rx.cond(S.scope_all, rx.table.column_header_cell(t("Customer"))),
                        rx.table.column_header_cell(t("Issued")),
                        rx.table.column_header_cell(t("Due")),
                        rx.table.column_header_cell(t("Net"), justify="end"),
                        rx.table.column_header_cell(t("VAT"), justify="end"),
                        rx.table.column_header_cell(t("Total"), justify="end"),
                        rx.table.column_header_cell(t("Status")),
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(S.rows, _row)),
                width="100%",
                variant="surface",
                id="invoices-table",
            ),
            width="100%",
            overflow_x="auto",
        ),
        rx.hstack(
            rx.icon_button(
                rx.icon("chevron-left", size=16),
                on_click=S.go_page(S.page - 1),
                disabled=S.page <= 1,
                variant="soft",
                aria_label=t("Previous page"),
            ),
            rx.text(t("Page"), " ", S.page, " ", t("of"), " ", S.pages, size="2"),
            rx.icon_button(
                rx.icon("chevron-right", size=16),
                on_click=S.go_page(S.page + 1),
                disabled=S.page >= S.pages,
                variant="soft",
                aria_label=t("Next page"),
            ),
            spacing="2",
            align="center",
        ),
        rx.cond(S.notes.length() > 0, _credit_notes()),
        active="/invoices",
        title=t("Invoices"),
    )
