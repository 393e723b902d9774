"""/pay?t=<token>: pay one invoice through its signed link, without logging in."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.funds import provider_choice
from introserv_app.components.layout import brand, language_switcher
from introserv_app.components.row import Row
from introserv_app.components.translate import t
from introserv_app.domain.statuses import InvoiceStatus
from introserv_app.state.paylink import PayLinkState as P
from introserv_app.state.payments import POLL_BUTTON


def _line(line: Row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(line["description"]),
        rx.table.cell(line["period"]),
        rx.table.cell(line["net"], justify="end"),
    )


def _total(label: list, value: rx.Var, bold: bool = False) -> rx.Component:
    return rx.hstack(
        rx.text(*label, size="2", color_scheme="gray"),
        rx.spacer(),
        rx.text(value, size="3" if bold else "2", weight="bold" if bold else "regular"),
        width="100%",
    )


def _invoice() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(t("Invoice"), " ", P.number, size="5", id="paylink-number"),
            rx.spacer(),
            rx.badge(
                P.status_label,
                color_scheme=rx.cond(
                    P.status == InvoiceStatus.PAID.value,
                    "green",
                    rx.cond(P.status == InvoiceStatus.UNPAID.value, "orange", "gray"),
                ),
                id="paylink-status",
            ),
            width="100%",
            align="center",
        ),
        rx.text(P.seller, " → ", P.customer, size="2"),
        rx.text(t("Issued"), ": ", P.issued, " · ", t("Due"), ": ", P.due, size="2", color_scheme="gray"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t("Description")),
                    rx.table.column_header_cell(t("Period")),
                    rx.table.column_header_cell(t("Amount"), justify="end"),
                )
            ),
            rx.table.body(rx.foreach(P.lines, _line)),
            width="100%",
            size="1",
        ),
        _total([t("Net")], P.net),
        _total([t("VAT"), " ", P.vat_label], P.vat),
        _total([t("Total")], P.gross, bold=True),
        rx.cond(P.vat_note != "", rx.text(P.vat_note, size="2", weight="medium")),
        rx.link(
            rx.icon("file-text", size=14),
            " ",
            t("Download PDF"),
            href=P.pdf_href,
            display="inline-flex",
            align_items="center",
            gap="4px",
            is_external=True,
            id="paylink-pdf",
        ),
        rx.cond(
            P.payment.contains("text"),
            rx.callout(
                P.payment["text"],
                icon="info",
                color_scheme=rx.match(P.payment["state"], ("succeeded", "green"), ("pending", "blue"), "orange"),
                id="payment-text",
                width="100%",
            ),
        ),
        rx.button(t("Check now"), on_click=P.poll, id=POLL_BUTTON, display="none"),
        rx.cond(
            P.notice != "",
            rx.callout(P.notice, icon="circle-check", color_scheme="green", id="paylink-notice", width="100%"),
        ),
        rx.cond(
            P.status == InvoiceStatus.UNPAID.value,
            rx.form(
                rx.vstack(
                    *provider_choice("paylink-method", P.providers),
                    rx.button(
                        t("Pay"),
                        " ",
                        P.gross,
                        type="submit",
                        loading=P.busy,
                        disabled=P.providers.length() == 0,
                        id="paylink-pay",
                        size="3",
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=P.pay,
                reset_on_submit=False,
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def paylink_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(brand(), rx.spacer(), language_switcher(), width="100%", align="center"),
                rx.cond(
                    P.error != "",
                    rx.callout(P.error, icon="triangle-alert", color_scheme="red", role="alert", id="paylink-error"),
                ),
                rx.cond(P.ok, _invoice()),
                spacing="4",
                width="100%",
            ),
            size="4",
            width="100%",
            max_width="36em",
        ),
        min_height="100vh",
        padding="1em",
        background_color=rx.color("gray", 2),
    )
