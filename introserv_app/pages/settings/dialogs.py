"""The Settings page's dialogs: email, password, code word, call password, phone verification (settings/phone)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.translate import t
from introserv_app.pages.settings.fields import dialog_field_error, field_label, secret_field
from introserv_app.pages.settings.phone import phone_dialog
from introserv_app.state.fields import Event
from introserv_app.state.settings import SettingsState as S


def dialog_form(title: rx.Var, *fields: rx.Component, on_submit: Event, submit_id: str) -> rx.Component:
    return rx.vstack(
        rx.dialog.title(title),
        rx.form(
            rx.vstack(
                *fields,
                rx.cond(
                    S.dialog_error != "",
                    rx.callout(S.dialog_error, icon="triangle-alert", color_scheme="red", size="1", id="dialog-error"),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button(t("Cancel"), type="button", variant="soft", color_scheme="gray")),
                    rx.button(t("Save"), type="submit", loading=S.busy, id=submit_id),
                    justify="end",
                    width="100%",
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=on_submit,
            reset_on_submit=False,
        ),
        width="100%",
    )


def dialogs() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.match(
                S.dialog,
                (
                    "email",
                    dialog_form(
                        t("Change email"),
                        rx.text(
                            t("We send a confirmation link to the new address and tell the current one."), size="2"
                        ),
                        rx.vstack(
                            field_label(t("New email"), "d-new_email"),
                            rx.input(name="new_email", id="d-new_email", type="email", max_length=254, width="100%"),
                            dialog_field_error("new_email"),
                            spacing="1",
                            width="100%",
                        ),
                        secret_field("current_password", t("Current password"), "current-password"),
                        on_submit=S.change_email,
                        submit_id="email-submit",
                    ),
                ),
                (
                    "password",
                    dialog_form(
                        t("Change password"),
                        secret_field("current_password", t("Current password"), "current-password"),
                        secret_field("new_password", t("New password (12 to 128 characters)"), "new-password"),
                        secret_field("confirm_password", t("Confirm the new password"), "new-password"),
                        rx.text(t("Your other sessions will be signed out."), size="1", color_scheme="gray"),
                        on_submit=S.change_password,
                        submit_id="password-submit",
                    ),
                ),
                (
                    "code_word",
                    dialog_form(
                        t("Set code word"),
                        rx.text(t("The code word can be set only once and is never shown again."), size="2"),
                        secret_field("code_word", t("Code word")),
                        secret_field("current_password", t("Current password"), "current-password"),
                        on_submit=S.set_code_word,
                        submit_id="code-word-submit",
                    ),
                ),
                (
                    "call_password",
                    dialog_form(
                        t("Set call password"),
                        rx.text(t("The word support asks for on phone calls (stored hashed)."), size="2"),
                        secret_field("call_password", t("Call password")),
                        secret_field("current_password", t("Current password"), "current-password"),
                        on_submit=S.set_call_password,
                        submit_id="call-password-submit",
                    ),
                ),
                ("phone", phone_dialog()),
                rx.fragment(),
            ),
            max_width="30em",
        ),
        open=S.dialog != "",
        on_open_change=S.close_dialog,
    )
