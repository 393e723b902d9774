"""The phone verification dialog: the first code (SMS or call), the code's field, "Didn't get it?" after the wait
(send again, the other channel, the other gateway), the attempts, and the support ticket after both gateways."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.countdown import countdown
from introserv_app.components.translate import t
from introserv_app.state.phone import PhoneState as P
from introserv_app.state.settings import SettingsState as S


def _first_send() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.button(
                rx.icon("message-square", size=14),
                t("Send a code by SMS"),
                type="button",
                on_click=P.send_code("sms"),
                loading=P.busy,
                id="phone-sms",
            ),
            rx.button(
                rx.icon("phone", size=14),
                t("Verify by a call"),
                type="button",
                variant="soft",
                on_click=P.send_code("call"),
                loading=P.busy,
                id="phone-call",
            ),
            wrap="wrap",
        ),
        rx.text(
            t(
                "By call: we will call the number; you don't need to answer. Enter the last four digits of the "
                "calling number. With a landline, pick up to hear them."
            ),
            size="1",
            color_scheme="gray",
        ),
        spacing="2",
    )


def _didnt_get_it() -> rx.Component:
    """After the wait: the same way again, the other channel, or the other gateway."""
    return rx.vstack(
        rx.text(t("Didn't get it?"), size="2", weight="bold"),
        rx.hstack(
            rx.button(t("Send again"), type="button", size="1", on_click=P.resend("again"), id="phone-again"),
            rx.button(
                rx.cond(P.channel == "sms", t("Call me instead"), t("Send an SMS instead")),
                type="button",
                size="1",
                variant="soft",
                on_click=P.resend("switch"),
                id="phone-switch",
            ),
            rx.button(
                t("Use the other gateway"),
                type="button",
                size="1",
                variant="soft",
                on_click=P.resend("gateway"),
                id="phone-other-gateway",
            ),
            wrap="wrap",
        ),
        spacing="1",
        id="phone-didnt-get-it",
    )


def _attempts() -> rx.Component:
    return rx.vstack(
        rx.foreach(
            P.attempts,
            lambda a: rx.text(
                a["at"],
                " · ",
                a["channel"],
                " · ",
                t("gateway"),
                " ",
                a["gateway"],
                " · ",
                rx.text.span(a["outcome"], color=rx.cond(a["ok"] == "", "var(--red-11)", "var(--green-11)")),
                size="1",
                class_name="phone-attempt",
            ),
        ),
        spacing="0",
        id="phone-attempts",
    )


def _ticket() -> rx.Component:
    return rx.cond(
        P.ticket_id != "",
        rx.link(t("Your support ticket"), " #", P.ticket_id, href="/tickets/" + P.ticket_id, id="phone-ticket-link"),
        rx.cond(
            P.ticket_ready,
            rx.vstack(
                rx.text(
                    t("Neither gateway worked? Support can verify the number: the ticket lists your attempts."),
                    size="1",
                ),
                rx.button(t("Open a ticket"), type="button", size="1", on_click=P.open_ticket, id="phone-ticket"),
                spacing="1",
            ),
        ),
    )


def phone_dialog() -> rx.Component:
    return rx.vstack(
        rx.dialog.title(t("Verify your phone")),
        rx.text(S.form["phone"], size="2", weight="bold"),
        rx.cond(P.tried, _attempts(), _first_send()),
        rx.cond(P.notice != "", rx.callout(P.notice, icon="info", size="1", id="phone-notice")),
        rx.cond(
            P.error != "",
            rx.callout(P.error, icon="triangle-alert", color_scheme="red", size="1", id="phone-error"),
        ),
        rx.cond(
            P.code_pending,
            rx.form(
                rx.hstack(
                    rx.input(
                        name="code",
                        id="phone-code",
                        max_length=6,
                        input_mode="numeric",
                        auto_complete="one-time-code",
                        placeholder="123456",
                    ),
                    rx.button(t("Check"), type="submit", id="phone-check", loading=P.busy),
                ),
                on_submit=P.check_code,
                reset_on_submit=True,
            ),
        ),
        rx.cond(
            P.tried,
            rx.cond(
                P.limited != "",
                rx.text(P.limited, size="2", color_scheme="red", id="phone-limited"),
                countdown(
                    P.wait_seconds,
                    P.wait_stamp,
                    t("Didn't get it? You can ask again in {seconds} s."),
                    _didnt_get_it(),
                    el_id="phone-wait",
                ),
            ),
        ),
        _ticket(),
        rx.hstack(
            rx.dialog.close(rx.button(t("Close"), type="button", variant="soft", color_scheme="gray")),
            justify="end",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )
