"""The customer page's payments card (support): payments with their provider's events, refunds, credit notes."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.row import Row
from introserv_app.components.translate import t
from introserv_app.domain.text import N_
from introserv_app.state.staff_payments import CustomerPaymentsState as P


def _events(row: Row) -> rx.Component:
    return rx.el.details(
        rx.el.summary(t("Events"), " (", row["event_count"], ")"),
        rx.el.pre(row["events"], font_size="11px", white_space="pre-wrap", margin="0"),
        class_name="payment-events",
    )


def _payment(row: Row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["created"], white_space="nowrap"),
        rx.table.cell(row["amount"]),
        rx.table.cell(row["provider"], rx.cond(row["ref"] != "", rx.text(row["ref"], size="1", color_scheme="gray"))),
        rx.table.cell(rx.badge(row["state_label"], variant="soft", class_name="payment-state")),
        rx.table.cell(row["invoice"]),
        rx.table.cell(row["refunded"]),
        rx.table.cell(_events(row)),
        rx.table.cell(
            rx.cond(
                row["left"] != "",
                rx.button(
                    t("Refund"),
                    size="1",
                    variant="soft",
                    color_scheme="orange",
                    on_click=P.open_refund(row["id"]),
                    class_name="payment-refund",
                ),
            )
        ),
        class_name="payment-row",
        data_id=row["id"],
    )


def _note(row: Row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(
                row["number"],
                href="/credit-notes/" + row["id"] + ".pdf",
                is_external=True,
                class_name="credit-note-pdf",
            )
        ),
        rx.table.cell(row["invoice"]),
        rx.table.cell(row["amount"]),
        rx.table.cell(row["issued"], white_space="nowrap"),
        rx.table.cell(row["reason"]),
    )


def _refund_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Refund a payment")),
            rx.text(t("At most"), " ", P.refund_left, size="2", color_scheme="gray"),
            rx.form(
                rx.vstack(
                    rx.el.label(t("Amount"), html_for="refund-amount", class_name="field-label"),
                    rx.input(name="amount", id="refund-amount", input_mode="decimal", max_length=16),
                    rx.el.label(t("Reason"), html_for="refund-reason", class_name="field-label"),
                    rx.text_area(name="reason", id="refund-reason", max_length=500),
                    rx.el.label(
                        rx.el.input(type="checkbox", name="confirm", id="refund-confirm"),
                        " ",
                        t("The money goes back through the payment provider; a credit note is issued for an invoice."),
                        class_name="checkbox-label",
                    ),
                    rx.cond(
                        P.refund_error != "",
                        rx.callout(
                            P.refund_error, icon="triangle-alert", color_scheme="red", size="1", id="refund-error"
                        ),
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button(t("Cancel"), type="button", variant="soft", color_scheme="gray")),
                        rx.button(
                            t("Refund"), type="submit", color_scheme="orange", loading=P.busy, id="refund-submit"
                        ),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="2",
                ),
                on_submit=P.refund,
                reset_on_submit=False,
            ),
            max_width="30em",
        ),
        open=P.refund_open,
        on_open_change=P.set_refund_open,
    )


NOTE_HEADER = (N_("Number"), N_("Invoice"), N_("Amount"), N_("Date"), N_("Reason"))
HEADER = (N_("Date"), N_("Amount"), N_("Payment method"), N_("Status"), N_("Invoice"), N_("Refunded"), "", "")


def payments_card() -> rx.Component:
    return rx.card(
        rx.heading(t("Payments"), size="4", margin_bottom="0.5em"),
        rx.cond(
            P.rows.length() > 0,
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(h) if h else "") for h in HEADER])),
                rx.table.body(rx.foreach(P.rows, _payment)),
                width="100%",
                size="1",
                id="customer-payments",
            ),
            rx.text(t("No payments yet."), color_scheme="gray", size="2"),
        ),
        rx.cond(
            P.notes.length() > 0,
            rx.vstack(
                rx.heading(t("Credit notes"), size="3", margin_top="0.75em"),
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(t(h))
                                for h in ("Number", "Invoice", "Amount", "Date", "Reason")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(P.notes, _note)),
                    width="100%",
                    size="1",
                    id="customer-credit-notes",
                ),
                width="100%",
            ),
        ),
        _refund_dialog(),
        width="100%",
    )
