"""The payment dialog (customers only): the top bar's Add funds, and an invoice's Pay online."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.row import Row
from introserv_app.components.translate import t
from introserv_app.state.funds import FundsState as F


def _provider(option: Row) -> rx.Component:
    return rx.el.option(option["label"], value=option["value"])


def provider_choice(field_id: str, providers: rx.Var) -> list[rx.Component]:
    """The payment method: the providers this customer is offered for the currency (label, select)."""
    return [
        rx.el.label(t("Payment method"), html_for=field_id, class_name="field-label"),
        rx.el.select(rx.foreach(providers, _provider), name="provider", id=field_id, class_name="native-select"),
        rx.text(t("You will be taken to the payment page and brought back here."), size="1", color_scheme="gray"),
    ]


def _amount() -> rx.Component:
    return rx.cond(
        F.invoice_id == "",
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
            spacing="1",
            width="100%",
        ),
        rx.text(t("Invoice"), " ", F.invoice_number, ": ", rx.text.strong(F.invoice_total), id="checkout-invoice"),
    )


def add_funds() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("plus", size=14),
                rx.text(t("Add funds"), class_name="hide-narrow"),
                size="1",
                variant="soft",
                aria_label=t("Add funds"),
                on_click=F.open_dialog,
                id="add-funds",
            )
        ),
        rx.dialog.content(
            rx.dialog.title(rx.cond(F.invoice_id == "", t("Add funds"), t("Pay online"))),
            rx.form(
                rx.vstack(
                    _amount(),
                    *provider_choice("topup-method", F.providers),
                    rx.cond(
                        F.error != "",
                        rx.callout(F.error, icon="triangle-alert", color_scheme="red", size="1", id="topup-error"),
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button(t("Cancel"), type="button", variant="soft", color_scheme="gray")),
                        rx.button(
                            t("Continue to payment"),
                            type="submit",
                            loading=F.busy,
                            disabled=F.providers.length() == 0,
                            id="topup-submit",
                        ),
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
