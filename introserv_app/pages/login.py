"""/login: the password, then (for accounts with a second factor) a code from the authenticator app or a
recovery code."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.access_card import access_card, alert, label
from introserv_app.components.translate import t
from introserv_app.state.login import LoginState


def _password_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.vstack(
                label(t("Username"), "username"),
                rx.input(
                    id="username",
                    name="username",
                    auto_complete="username",
                    max_length=64,
                    auto_focus=True,
                    width="100%",
                    size="3",
                ),
                label(t("Password"), "password"),
                rx.input(
                    id="password",
                    name="password",
                    type="password",
                    auto_complete="current-password",
                    max_length=1024,
                    width="100%",
                    size="3",
                ),
                spacing="2",
                width="100%",
            ),
            rx.button(t("Sign in"), type="submit", id="login-submit", width="100%", size="3", loading=LoginState.busy),
            rx.button(
                rx.icon("key-round", size=16),
                t("Sign in with a passkey"),
                type="button",
                variant="outline",
                width="100%",
                size="3",
                on_click=LoginState.passkey_start,
                id="passkey-sign-in",
            ),
            rx.hstack(
                rx.link(t("Forgot your password?"), href="/forgot", id="to-forgot", size="2"),
                rx.spacer(),
                rx.link(t("Create an account"), href="/signup", id="to-signup", size="2"),
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=LoginState.submit,
        reset_on_submit=False,
        width="100%",
    )


def _code_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(
                t(
                    "Enter the 6-digit code from your authenticator app. Lost the phone? Enter one of your recovery "
                    "codes instead."
                ),
                size="2",
            ),
            label(t("Code"), "code"),
            rx.input(
                id="code",
                name="code",
                auto_complete="one-time-code",
                input_mode="text",
                max_length=32,
                auto_focus=True,
                width="100%",
                size="3",
            ),
            rx.button(t("Verify"), type="submit", id="code-submit", width="100%", size="3", loading=LoginState.busy),
            rx.button(
                rx.icon("key-round", size=16),
                t("Use a passkey"),
                type="button",
                variant="outline",
                width="100%",
                size="3",
                on_click=LoginState.passkey_start,
                id="code-passkey",
            ),
            rx.button(
                t("Sign in as someone else"),
                type="button",
                variant="ghost",
                size="2",
                on_click=LoginState.back_to_password,
                id="code-back",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=LoginState.submit_code,
        reset_on_submit=True,
        width="100%",
    )


def login_page() -> rx.Component:
    return access_card(
        rx.cond(LoginState.step == "code", t("Two-factor authentication"), t("Sign in to the client area")),
        alert(LoginState.notice, "login-notice", color="blue"),
        alert(LoginState.error, "login-error"),
        rx.cond(LoginState.step == "code", _code_step(), _password_step()),
        card_id="login-card",
    )
