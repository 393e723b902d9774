"""/vat: the standard VAT rate of every member state for customers, and the VAT rates section of /staff/admin."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import shell
from introserv_app.components.row import Row
from introserv_app.components.translate import t
from introserv_app.state.vat import VatPageState, VatRatesAdminState

OWN_BACKGROUND = "var(--accent-a4)"


def _own_badge() -> rx.Component:
    return rx.badge(t("Your country"), color_scheme="blue", variant="solid", margin_left="0.5em")


def _row(row: Row) -> rx.Component:
    own = row["own"] == "1"
    return rx.table.row(
        rx.table.cell(rx.text(row["name"], weight=rx.cond(own, "bold", "regular")), rx.cond(own, _own_badge())),
        rx.table.cell(rx.text(row["rate"], weight="bold"), class_name="vat-rate", justify="end"),
        rx.table.cell(row["since"], class_name="vat-since"),
        rx.table.cell(rx.text(row["planned"], size="2", color_scheme="orange"), class_name="vat-planned"),
        class_name=rx.cond(own, "vat-row vat-own", "vat-row"),
        background_color=rx.cond(own, OWN_BACKGROUND, "transparent"),
        data_country=row["country"],
        aria_current=rx.cond(own, "true", "false"),
    )


def _other_row() -> rx.Component:
    S = VatPageState
    return rx.table.row(
        rx.table.cell(
            rx.text(t("Other countries, including USA"), weight=rx.cond(S.outside, "bold", "regular")),
            rx.cond(S.outside, _own_badge()),
        ),
        rx.table.cell(rx.text("0 %", weight="bold"), class_name="vat-rate", justify="end"),
        rx.table.cell("—"),
        rx.table.cell(""),
        class_name=rx.cond(S.outside, "vat-row vat-own", "vat-row"),
        background_color=rx.cond(S.outside, OWN_BACKGROUND, "transparent"),
        data_country="OTHER",
        aria_current=rx.cond(S.outside, "true", "false"),
    )


def vat_page() -> rx.Component:
    S = VatPageState
    return shell(
        rx.callout(
            rx.foreach(S.own_lines, lambda line: rx.text(line)),
            icon="info",
            id="vat-own",
            width="100%",
        ),
        rx.text(
            t(
                "The standard VAT rate of each country the panel sells to, as in force today. An invoice carries "
                "the rate in force on its date; invoices already issued never change."
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t("Country")),
                    rx.table.column_header_cell(t("VAT rate"), justify="end"),
                    rx.table.column_header_cell(t("In force since")),
                    rx.table.column_header_cell(t("Recorded change")),
                )
            ),
            rx.table.body(rx.foreach(S.rows, _row), _other_row()),
            width="100%",
            variant="surface",
            id="vat-table",
        ),
        active="/vat",
        title=t("VAT rates"),
    )


def _history_row(row: Row) -> rx.Component:
    S = VatRatesAdminState
    return rx.table.row(
        rx.table.cell(row["name"], " ", rx.code(row["country"], variant="ghost")),
        rx.table.cell(row["since"]),
        rx.table.cell(row["rate"], justify="end"),
        rx.table.cell(
            rx.match(
                row["state"],
                ("planned", rx.badge(t("Planned"), color_scheme="orange", variant="soft")),
                ("current", rx.badge(t("In force"), color_scheme="green", variant="soft")),
                rx.badge(t("Earlier"), color_scheme="gray", variant="soft"),
            )
        ),
        rx.table.cell(rx.text(row["source"], size="1")),
        rx.table.cell(rx.text(row["by"], " ", row["at"], size="1", color_scheme="gray")),
        rx.table.cell(
            rx.cond(
                row["state"] == "planned",
                rx.button(
                    t("Withdraw"),
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.withdraw(row["id"]),
                    class_name="vat-withdraw",
                ),
            )
        ),
        class_name="vat-history-row",
        data_country=row["country"],
        data_state=row["state"],
    )


def _labelled(label: str, control: rx.Component, html_for: str) -> rx.Component:
    return rx.vstack(rx.el.label(t(label), html_for=html_for, class_name="field-label"), control, spacing="1")


def vat_rates_section() -> rx.Component:
    """The admin's VAT rates: record a change (from today on; never in the past), the history per country."""
    S = VatRatesAdminState
    form = rx.form(
        rx.hstack(
            _labelled(
                "Country",
                rx.el.select(
                    rx.foreach(S.countries, lambda c: rx.el.option(c[1], value=c[0])),
                    name="country",
                    id="vat-country",
                    class_name="native-select",
                ),
                "vat-country",
            ),
            _labelled(
                "Rate, %",
                rx.input(name="rate", id="vat-rate", placeholder="25.5", max_length=8, width="7em"),
                "vat-rate",
            ),
            _labelled(
                "Takes effect on",
                rx.input(name="effective_from", id="vat-from", type="date", default_value=S.today, key=S.today),
                "vat-from",
            ),
            _labelled(
                "Source (law or notice)",
                rx.input(name="source", id="vat-source", max_length=500, width="24em"),
                "vat-source",
            ),
            rx.button(t("Record the change"), type="submit", id="vat-record"),
            wrap="wrap",
            spacing="3",
            align="end",
        ),
        rx.cond(
            S.error != "",
            rx.callout(
                S.error, icon="triangle-alert", color_scheme="red", size="1", margin_top="0.5em", id="vat-error"
            ),
        ),
        on_submit=S.record,
        reset_on_submit=False,
    )
    return rx.card(
        rx.heading(t("VAT rates"), size="4"),
        rx.text(
            t(
                "Invoices take the standard rate in force on their date. Record a change with the day it takes "
                "effect (today or later): recorded rates are never edited, and a planned one can be withdrawn "
                "before its day. Customers see the current rates on their VAT page."
            ),
            size="2",
            color_scheme="gray",
            margin_bottom="0.5em",
        ),
        form,
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(t("Country")),
                        rx.table.column_header_cell(t("Takes effect on")),
                        rx.table.column_header_cell(t("VAT rate"), justify="end"),
                        rx.table.column_header_cell(t("Status")),
                        rx.table.column_header_cell(t("Source")),
                        rx.table.column_header_cell(t("Recorded by")),
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(S.history, _history_row)),
                width="100%",
                size="1",
                id="vat-history",
            ),
            max_height="28em",
            overflow_y="auto",
            width="100%",
            margin_top="1em",
        ),
        width="100%",
        id="vat-rates-admin",
    )
