"""The Add funds dialog of the top bar (customers only)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.translate import t
from introserv_app.state.funds import FundsState as F


def payment_method(field_id: str) -> list[rx.Component]:
    """The payment method choice of the bundled test provider (label, select, note)."""
    return [
        rx.el.label(t("Payment method"), html_for=field_id, class_name="field-label"),
        rx.el.select(
            rx.el.option(t("Test card (succeeds)"), value="card"),
            rx.el.option(t("Test card (declined)"), value="decline"),
            name="method",
            id=field_id,
            class_name="native-select",
        ),
        rx.text(t("Demo payments use the bundled test provider; no real money moves."), size="1", color_scheme="gray"),
    ]


def add_funds() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("plus", size=14),
                t("Add funds"),
                size="1",
                variant="soft",
                on_click=F.open_dialog,
                id="add-funds",
            )
        ),
        rx.dialog.content(
            rx.dialog.title(t("Add funds")),
            rx.form(
                rx.vstack(
                    rx.el.label(t("Amount"), html_for="topup-amount", class_name="field-label"),
                    rx.input(
                        name="amount",
                        id="topup-amount",
                        placeholder="50.00",
                        input_mode="decimal",
                        max_length=16,
                        auto_focus=True,
                    ),
                    *payment_method("topup-method"),
                    rx.cond(
                        F.error != "",
                        rx.callout(F.error, icon="triangle-alert", color_scheme="red", size="1", id="topup-error"),
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button(t("Cancel"), type="button", variant="soft", color_scheme="gray")),
                        rx.button(t("Pay"), type="submit", loading=F.busy, id="topup-submit"),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="2",
                ),
                on_submit=F.submit,
                reset_on_submit=False,
            ),
            max_width="26em",
        ),
        open=F.open,
        on_open_change=F.set_open,
    )
