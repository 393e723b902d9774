"""/payments/<id>: a payment as its customer sees it on returning from the provider's checkout."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import shell
from introserv_app.components.translate import t
from introserv_app.state.payments import POLL_BUTTON
from introserv_app.state.payments import PaymentPageState as P


def _fact(label: rx.Component | rx.Var, value: rx.Var, id_: str) -> rx.Component:
    return rx.hstack(rx.text(label, size="2", color_scheme="gray", min_width="9em"), rx.text(value, size="2", id=id_))


def _payment() -> rx.Component:
    p = P.payment
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(p["amount"], size="6", id="payment-amount"),
                rx.spacer(),
                rx.badge(
                    p["state_label"],
                    color_scheme=rx.match(
                        p["state"], ("succeeded", "green"), ("pending", "orange"), ("created", "orange"), "gray"
                    ),
                    size="2",
                    id="payment-state",
                ),
                width="100%",
                align="center",
            ),
            rx.callout(
                p["text"],
                icon=rx.cond(p["open"] == "1", "loader", "info"),
                color_scheme=rx.match(
                    p["state"], ("succeeded", "green"), ("pending", "blue"), ("created", "blue"), "orange"
                ),
                id="payment-text",
                width="100%",
            ),
            _fact(t("Payment method"), p["provider"], "payment-provider"),
            _fact(t("Started"), p["created"], "payment-created"),
            rx.cond(
                p["invoice"] != "",
                rx.hstack(
                    rx.text(t("Invoice"), size="2", color_scheme="gray", min_width="9em"),
                    rx.link(p["invoice"], href="/invoices", id="payment-invoice", size="2"),
                ),
            ),
            rx.button(t("Check now"), on_click=P.poll, id=POLL_BUTTON, display="none"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        max_width="34em",
    )


def payment_page() -> rx.Component:
    return shell(
        rx.cond(
            P.found,
            _payment(),
            rx.cond(P.error != "", rx.callout(P.error, icon="triangle-alert", color_scheme="red", id="payment-error")),
        ),
        active="/invoices",
        title=t("Payment"),
    )
