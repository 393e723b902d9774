"""The customer page's caller check and the customer search's invitation form."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.translate import t
from introserv_app.state.staff import CustomerState
from introserv_app.state.staff_identity import CallerCheckState, InviteState


def caller_check() -> rx.Component:
    """Type what the caller says; the panel answers only whether it matches (5 checks an hour, audited)."""
    S = CallerCheckState
    return rx.card(
        rx.heading(t("Check a caller"), size="4", margin_bottom="0.25em"),
        rx.text(
            t(
                "Type what the caller says. The panel answers only whether it matches; the secret is never shown. "
                "At most 5 checks per customer per hour, each in the audit log."
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.form(
            rx.flex(
                rx.el.select(
                    rx.cond(CustomerState.flags["code_word"], rx.el.option(t("Code word"), value="code_word")),
                    rx.el.option(t("Call password"), value="call_password"),
                    name="secret",
                    id="caller-secret",
                    class_name="native-select",
                    aria_label=t("Secret"),
                ),
                rx.input(
                    name="said",
                    id="caller-said",
                    type="password",
                    auto_complete="off",
                    max_length=64,
                    placeholder=t("What the caller says"),
                    flex="1",
                ),
                rx.button(t("Check"), type="submit", id="caller-check"),
                gap="0.5em",
                width="100%",
                margin_top="0.5em",
                wrap="wrap",
            ),
            on_submit=S.check,
            reset_on_submit=False,
        ),
        rx.cond(
            S.outcome != "",
            rx.callout(
                S.message,
                icon=rx.cond(S.outcome == "match", "check", "x"),
                color_scheme=rx.cond(S.outcome == "match", "green", "red"),
                id="caller-outcome",
                margin_top="0.5em",
            ),
            rx.cond(S.message != "", rx.text(S.message, color_scheme="red", size="2", id="caller-error")),
        ),
        width="100%",
        id="caller-check-card",
    )


def invite_form() -> rx.Component:
    S = InviteState
    return rx.form(
        rx.hstack(
            rx.input(
                name="email",
                id="invite-email",
                type="email",
                max_length=254,
                placeholder=t("Email address of a new customer"),
                width="100%",
            ),
            rx.button(rx.icon("mail-plus", size=16), t("Send an invitation"), type="submit", id="invite-send"),
            width="100%",
        ),
        rx.cond(S.message != "", rx.text(S.message, color_scheme="green", size="2", id="invite-done")),
        rx.cond(S.error != "", rx.text(S.error, color_scheme="red", size="2", id="invite-error")),
        on_submit=S.invite,
        reset_on_submit=False,
        width="100%",
        max_width="44em",
    )
