"""/invoices: the customer's invoices (staff: everyone's), filter by status or order, pay unpaid ones."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import shell
from introserv_app.i18n.ui import t
from introserv_app.state.invoices import InvoicesState as S

STATUS_COLORS = {"unpaid": "orange", "paid": "green", "cancelled": "gray"}


def _status(row: rx.Var) -> rx.Component:
    return rx.match(
        row["status"],
        *[
            (key, rx.badge(row["status_label"], color_scheme=color, variant="soft"))
            for key, color in STATUS_COLORS.items()
        ],  # type: ignore[arg-type]
        rx.badge(row["status_label"]),
    )


def _row(row: rx.Var) -> rx.Component:
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
            rx.cond(
                (row["status"] == "unpaid") & ~S.scope_all,
                rx.button(
                    t("Pay"),
                    size="1",
                    on_click=S.pay(row["id"]),
                    loading=S.busy_id == row["id"],
                    class_name="invoice-pay",
                ),
            )
        ),
        class_name="invoice-row",
        data_number=row["number"],
    )


def invoices_page() -> rx.Component:
    return shell(
        rx.hstack(
            rx.segmented_control.root(
                rx.segmented_control.item(t("All"), value="all"),
                rx.segmented_control.item(t("Unpaid"), value="unpaid"),
                rx.segmented_control.item(t("Paid"), value="paid"),
                rx.segmented_control.item(t("Cancelled"), value="cancelled"),
                value=S.status,
                on_change=S.set_status,
                id="invoice-status",
            ),
            rx.cond(S.order_filter != "", rx.badge(t("Order"), " #", S.order_filter, variant="outline")),
            rx.spacer(),
            rx.text(t("Invoices"), ": ", S.total_text, size="2", color_scheme="gray", id="invoices-total"),
            width="100%",
            align="center",
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
        active="/invoices",
        title=t("Invoices"),
    )
