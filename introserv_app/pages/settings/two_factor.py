"""Settings → Two-factor authentication (its own card and dialogs, outside the settings form)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.dialog_parts import actions, current_password, error_line
from introserv_app.components.translate import t
from introserv_app.state.security import SecurityState as S


def _password_form(title: rx.Var, note: rx.Var, on_submit, submit_id: str, submit: rx.Var) -> rx.Component:  # type: ignore[no-untyped-def]
    return rx.form(
        rx.vstack(
            rx.dialog.title(title),
            rx.text(note, size="2"),
            current_password("tf-password"),
            _error(),
            actions(submit, submit_id),
            spacing="3",
        ),
        on_submit=on_submit,
        reset_on_submit=True,
    )


def _error() -> rx.Component:
    return error_line(S.error, "tf-error")


def _setup() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.dialog.title(t("Set up an authenticator app")),
            rx.text(
                t("1. Scan this QR code with an authenticator app (e.g. Aegis, Google Authenticator, 1Password)."),
                size="2",
            ),
            rx.image(
                src=S.setup_qr, alt=t("QR code of the authenticator secret"), width="220px", height="220px", id="tf-qr"
            ),
            rx.text(t("Or type this key into the app:"), size="2"),
            rx.code(S.setup_secret, id="tf-secret", style={"wordBreak": "break-all"}),
            rx.el.label(t("2. Enter the 6-digit code the app shows"), html_for="tf-code", class_name="field-label"),
            rx.input(name="code", id="tf-code", auto_complete="one-time-code", max_length=16, width="100%"),
            _error(),
            actions(t("Turn on"), "tf-enable"),
            spacing="3",
        ),
        on_submit=S.enable,
        reset_on_submit=True,
    )


def _codes() -> rx.Component:
    return rx.vstack(
        rx.dialog.title(t("Your recovery codes")),
        rx.text(
            t(
                "Each code signs you in once if you lose the phone. They are shown only now: print them or keep "
                "them in a password manager."
            ),
            size="2",
        ),
        rx.grid(
            rx.foreach(S.codes, lambda c: rx.code(c, class_name="recovery-code")),
            columns="2",
            spacing="2",
            id="tf-codes",
        ),
        rx.hstack(
            rx.dialog.close(rx.button(t("I have saved them"), type="button", id="tf-codes-done")),
            justify="end",
            width="100%",
        ),
        spacing="3",
    )


def two_factor_card() -> rx.Component:
    return rx.card(
        rx.heading(t("Two-factor authentication"), size="3", margin_bottom="0.5em"),
        rx.cond(
            S.totp_on,
            rx.vstack(
                rx.hstack(
                    rx.badge(
                        t("On: sign-in asks for a code from your authenticator app"),
                        color_scheme="green",
                        id="tf-status",
                    ),
                    rx.text(t("Recovery codes left"), ": ", rx.text.strong(S.recovery_left, id="tf-left"), size="2"),
                    wrap="wrap",
                    align="center",
                ),
                rx.hstack(
                    rx.button(
                        t("New recovery codes"),
                        type="button",
                        variant="soft",
                        size="1",
                        on_click=S.open_dialog("regenerate"),
                        id="tf-regenerate",
                    ),
                    rx.button(
                        t("Turn off"),
                        type="button",
                        variant="soft",
                        color_scheme="red",
                        size="1",
                        on_click=S.open_dialog("disable"),
                        id="tf-disable",
                    ),
                ),
                spacing="2",
            ),
            rx.vstack(
                rx.text(
                    t("Protect the account with a second step at sign-in: a code from an app on your phone."), size="2"
                ),
                rx.button(
                    t("Set up an authenticator app"), type="button", size="1", on_click=S.start_setup, id="tf-start"
                ),
                spacing="2",
            ),
        ),
        rx.dialog.root(
            rx.dialog.content(
                rx.match(
                    S.dialog,
                    ("setup", _setup()),
                    ("codes", _codes()),
                    (
                        "disable",
                        _password_form(
                            t("Turn off two-factor authentication?"),
                            t("Sign-in will ask only for the password again."),
                            S.disable,
                            "tf-disable-submit",
                            t("Turn off"),
                        ),
                    ),
                    (
                        "regenerate",
                        _password_form(
                            t("New recovery codes?"),
                            t("The codes you have now stop working."),
                            S.regenerate,
                            "tf-regenerate-submit",
                            t("Make new codes"),
                        ),
                    ),
                    rx.fragment(),
                ),
                max_width="30em",
            ),
            open=S.dialog != "",
            on_open_change=S.close,
        ),
        width="100%",
        max_width="60em",
        id="two-factor",
    )
