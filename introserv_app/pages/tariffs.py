"""/staff/tariffs: staff maintain the tariff catalog customers order from."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import shell
from introserv_app.components.row import Row
from introserv_app.components.translate import t
from introserv_app.domain.money import CURRENCIES
from introserv_app.domain.periods import PERIODS
from introserv_app.state.tariffs import TariffsState as S


def _row(row: Row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(row["code"], variant="ghost")),
        rx.table.cell(row["name"]),
        rx.table.cell(row["type"]),
        *[rx.table.cell(row[f"p{m}"], justify="end") for m in PERIODS],
        rx.table.cell(row["orders"], justify="end"),
        rx.table.cell(
            rx.cond(
                row["active"] == "1",
                rx.badge(t("In the catalog"), color_scheme="green", variant="soft"),
                rx.badge(t("Retired"), color_scheme="gray", variant="soft"),
            )
        ),
        rx.table.cell(
            rx.button(t("Edit"), size="1", variant="soft", on_click=S.open_edit(row["id"]), class_name="tariff-edit")
        ),
        class_name="tariff-row",
        data_code=row["code"],
    )


def _field(label: rx.Var, control: rx.Component, field_id: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=field_id, class_name="field-label"), control, spacing="1", width="100%"
    )


def _dialog() -> rx.Component:
    f = S.form
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(f["id"] == "", t("New tariff"), t("Edit tariff"))),
            rx.form(
                rx.vstack(
                    rx.hstack(
                        _field(
                            t("Code"),
                            rx.input(
                                name="code", id="tariff-code", default_value=f["code"], max_length=32, width="100%"
                            ),
                            "tariff-code",
                        ),
                        _field(
                            t("Product type"),
                            rx.el.select(
                                rx.el.option(t("Virtual servers"), value="vps"),
                                rx.el.option(t("Dedicated servers"), value="dedicated"),
                                rx.el.option(t("Storage"), value="storage"),
                                name="type",
                                id="tariff-type",
                                default_value=f["type"],
                                class_name="native-select",
                            ),
                            "tariff-type",
                        ),
                        _field(
                            t("Currency"),
                            rx.el.select(
                                *[rx.el.option(c, value=c) for c in CURRENCIES],
                                name="currency",
                                id="tariff-currency",
                                default_value=f["currency"],
                                class_name="native-select",
                            ),
                            "tariff-currency",
                        ),
                        width="100%",
                    ),
                    _field(
                        t("Name"),
                        rx.input(name="name", id="tariff-name", default_value=f["name"], max_length=100, width="100%"),
                        "tariff-name",
                    ),
                    rx.text(t("Net price per period (empty: not offered)"), size="2", weight="medium"),
                    rx.hstack(
                        *[
                            _field(
                                rx.text(m, " ", t("mo.")),
                                rx.input(
                                    name=f"p{m}",
                                    id=f"tariff-p{m}",
                                    default_value=f[f"p{m}"],
                                    input_mode="decimal",
                                    max_length=16,
                                ),
                                f"tariff-p{m}",
                            )
                            for m in PERIODS
                        ],
                        width="100%",
                    ),
                    rx.el.label(
                        rx.el.input(
                            type="checkbox", name="active", default_checked=f["active"] == "1", id="tariff-active"
                        ),
                        " ",
                        t("Offered in the catalog"),
                        style={"display": "flex", "gap": "0.5em", "alignItems": "center"},
                    ),
                    rx.cond(
                        S.error != "",
                        rx.callout(S.error, icon="triangle-alert", color_scheme="red", size="1", id="tariff-error"),
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button(t("Cancel"), type="button", variant="soft", color_scheme="gray")),
                        rx.button(t("Save"), type="submit", loading=S.busy, id="tariff-save"),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.save,
                reset_on_submit=False,
                key=f["id"] + f["code"],
            ),
            max_width="40em",
        ),
        open=S.open,
        on_open_change=S.set_open,
    )


def _rates() -> rx.Component:
    return rx.card(
        rx.heading(t("Currency rates"), size="3"),
        rx.text(
            t("Units per 1 EUR. Prices of tariffs in another currency than the customer's convert at these rates."),
            size="2",
            color_scheme="gray",
        ),
        rx.form(
            rx.hstack(
                rx.foreach(
                    S.rates,
                    lambda r: rx.vstack(
                        rx.el.label(r[0], html_for="rate-" + r[0], class_name="field-label"),
                        rx.input(
                            name="rate-" + r[0], id="rate-" + r[0], default_value=r[1], max_length=20, width="7em"
                        ),
                        spacing="1",
                    ),
                ),
                rx.button(t("Save"), type="submit", id="rates-save"),
                align="end",
                wrap="wrap",
                spacing="3",
            ),
            on_submit=S.save_rates,
            reset_on_submit=False,
            key=S.rates.to_string(),
            margin_top="0.5em",
        ),
        width="100%",
        id="currency-rates",
    )


def tariffs_page() -> rx.Component:
    return shell(
        _dialog(),
        rx.hstack(
            rx.text(
                t("Price changes apply to new orders and to renewals from now on; issued invoices keep their amounts."),
                size="2",
                color_scheme="gray",
            ),
            rx.spacer(),
            rx.button(rx.icon("plus", size=14), t("New tariff"), on_click=S.open_new, id="tariff-new"),
            width="100%",
            align="center",
        ),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(t("Code")),
                        rx.table.column_header_cell(t("Name")),
                        rx.table.column_header_cell(t("Product type")),
                        *[rx.table.column_header_cell(rx.text(m, " ", t("mo.")), justify="end") for m in PERIODS],
                        rx.table.column_header_cell(t("Orders"), justify="end"),
                        rx.table.column_header_cell(t("Status")),
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(S.rows, _row)),
                width="100%",
                variant="surface",
                id="tariffs-table",
            ),
            width="100%",
            overflow_x="auto",
        ),
        _rates(),
        active="/staff/tariffs",
        title=t("Tariffs"),
    )
