"""/login"""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import brand, language_switcher
from introserv_app.components.translate import t
from introserv_app.state.login import LoginState


def _label(text: rx.Var, for_id: str) -> rx.Component:
    return rx.el.label(text, html_for=for_id, style={"fontSize": "var(--font-size-2)", "fontWeight": 500})


def login_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.hstack(brand(), rx.spacer(), language_switcher(), width="100%", align="center"),
                    rx.heading(t("Sign in to the client area"), size="5"),
                    rx.cond(
                        LoginState.notice != "",
                        rx.callout(LoginState.notice, icon="info", role="status", id="login-notice", width="100%"),
                    ),
                    rx.cond(
                        LoginState.error != "",
                        rx.callout(
                            LoginState.error,
                            icon="triangle-alert",
                            color_scheme="red",
                            role="alert",
                            id="login-error",
                            width="100%",
                        ),
                    ),
                    rx.vstack(
                        _label(t("Username"), "username"),
                        rx.input(
                            id="username",
                            name="username",
                            auto_complete="username",
                            max_length=64,
                            auto_focus=True,
                            width="100%",
                            size="3",
                        ),
                        _label(t("Password"), "password"),
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
                    rx.button(
                        t("Sign in"), type="submit", id="login-submit", width="100%", size="3", loading=LoginState.busy
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
            ),
            size="4",
            width="100%",
            max_width="26em",
        ),
        min_height="100vh",
        padding="1em",
        background_color=rx.color("gray", 2),
    )
