"""/staff/customers: customer search."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import shell
from introserv_app.components.pager import simple_pager
from introserv_app.components.translate import t
from introserv_app.pages.staff.identity import invite_form
from introserv_app.state.staff import CustomerSearchState


def customers_page() -> rx.Component:
    S = CustomerSearchState
    return shell(
        rx.form(
            rx.hstack(
                rx.input(
                    name="q",
                    default_value=S.query,
                    key=S.query,
                    placeholder=t("Username, name, company, email, order name or IP address"),
                    id="customer-search",
                    width="100%",
                    max_length=100,
                ),
                rx.button(rx.icon("search", size=16), t("Search"), type="submit", id="customer-search-go"),
                width="100%",
            ),
            on_submit=S.search,
            width="100%",
            max_width="44em",
        ),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red")),
        invite_form(),
        rx.text(t("Customers found"), ": ", S.total, size="2", color_scheme="gray"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t("Username")),
                    rx.table.column_header_cell(t("Name")),
                    rx.table.column_header_cell(t("Email")),
                    rx.table.column_header_cell(t("Country")),
                    rx.table.column_header_cell(t("Orders")),
                    rx.table.column_header_cell(t("Customer since")),
                )
            ),
            rx.table.body(
                rx.foreach(
                    S.rows,
                    lambda r: rx.table.row(
                        rx.table.cell(
                            rx.link(
                                r["username"], href="/staff/customers/" + r["id"], id="customer-link-" + r["username"]
                            ),
                            rx.cond(
                                r["active"] == "", rx.badge(t("Switched off"), color_scheme="gray", margin_left="0.5em")
                            ),
                        ),
                        rx.table.cell(
                            r["name"], rx.cond(r["company"] != "", rx.text(r["company"], size="1", color_scheme="gray"))
                        ),
                        rx.table.cell(r["email"]),
                        rx.table.cell(r["country"]),
                        rx.table.cell(r["orders"]),
                        rx.table.cell(r["since"]),
                    ),
                )
            ),
            width="100%",
            variant="surface",
            id="customers-table",
        ),
        simple_pager(S.page, S.pages, S.go_page),
        active="/staff/customers",
        title=t("Customers"),
    )
