"""The customer page's phone code attempts: a compact list (when, number, channel · gateway, outcome, error)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.translate import t
from introserv_app.domain.text import N_
from introserv_app.state.staff_phone import CustomerPhoneState as P


def phone_attempts_card() -> rx.Component:
    return rx.card(
        rx.heading(t("Phone code attempts"), size="4", margin_bottom="0.5em"),
        rx.cond(
            P.rows.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(t(h))
                            for h in (
                                N_("Date"),
                                N_("Mobile phone"),
                                N_("Channel · gateway"),
                                N_("Outcome"),
                                N_("Error"),
                            )
                        ]
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        P.rows,
                        lambda r: rx.table.row(
                            rx.table.cell(r["at"]),
                            rx.table.cell(r["phone"]),
                            rx.table.cell(r["way"]),
                            rx.table.cell(rx.badge(r["outcome"], color_scheme=rx.cond(r["ok"] == "", "red", "green"))),
                            rx.table.cell(rx.text(r["error"], size="1")),
                            class_name="phone-attempt-row",
                        ),
                    )
                ),
                width="100%",
                size="1",
                id="customer-phone-attempts",
            ),
            rx.text(t("No codes sent yet."), color_scheme="gray", size="2"),
        ),
        width="100%",
    )
