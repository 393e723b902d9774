"""The Create ticket dialog (one per page; opened from the grid, the order page or the Tickets page)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.translate import t
from introserv_app.state.tickets import TicketFormState as F


def ticket_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Create ticket")),
            rx.cond(F.order_name != "", rx.text(t("Order"), ": ", rx.code(F.order_name), size="2")),
            rx.form(
                rx.vstack(
                    rx.el.label(t("Subject"), html_for="ticket-subject", class_name="field-label"),
                    rx.input(
                        name="subject",
                        id="ticket-subject",
                        default_value=F.subject,
                        key=F.subject,
                        max_length=200,
                        width="100%",
                    ),
                    rx.el.label(t("Category"), html_for="ticket-category", class_name="field-label"),
                    rx.el.select(
                        rx.el.option(t("Technical"), value="technical"),
                        rx.el.option(t("Billing"), value="billing"),
                        rx.el.option(t("Abuse"), value="abuse"),
                        rx.el.option(t("Complaint"), value="complaint"),
                        name="category",
                        id="ticket-category",
                        class_name="native-select",
                    ),
                    rx.el.label(t("Message"), html_for="ticket-message", class_name="field-label"),
                    rx.text_area(name="message", id="ticket-message", rows="6", max_length=10000, width="100%"),
                    rx.cond(
                        F.error != "",
                        rx.callout(F.error, icon="triangle-alert", color_scheme="red", size="1", id="ticket-error"),
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button(t("Cancel"), type="button", variant="soft", color_scheme="gray")),
                        rx.button(t("Send"), type="submit", loading=F.busy, id="ticket-submit"),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=F.submit,
                reset_on_submit=False,
            ),
            max_width="34em",
        ),
        open=F.open,
        on_open_change=F.set_open,
    )
