"""/signup, /forgot and /reset: what a customer does without being signed in."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.access_card import access_card, alert, form_input, label
from introserv_app.components.translate import t
from introserv_app.i18n import LANGUAGE_NAMES
from introserv_app.state.access import ForgotState, ResetState, SignUpState


def _done(message: rx.Var, element_id: str) -> rx.Component:
    return rx.cond(
        message != "", rx.callout(message, icon="mail-check", color_scheme="green", id=element_id, role="status")
    )


def _shown_until_done(hidden: rx.Var, form: rx.Component) -> rx.Component:
    """The form stays in the page and is only hidden once done: typing that began before the page's state
    arrived (a tab's state outlives a reload) is never thrown away by a form mounted anew."""
    return rx.box(form, display=rx.cond(hidden, "none", "block"), width="100%")


def _back_to_login() -> rx.Component:
    return rx.link(t("Back to sign-in"), href="/login", id="to-login", size="2")


def signup_page() -> rx.Component:
    S = SignUpState
    form = rx.form(
        rx.vstack(
            form_input("username", t("Username (cannot be changed later)"), S.errors, auto="username", max_length=64),
            form_input("email", t("Email"), S.errors, kind="email", auto="email"),
            form_input(
                "password",
                t("Password (at least 12 characters)"),
                S.errors,
                kind="password",
                auto="new-password",
                max_length=128,
            ),
            form_input(
                "confirm", t("Repeat the password"), S.errors, kind="password", auto="new-password", max_length=128
            ),
            rx.vstack(
                label(t("Country (cannot be changed later; it decides VAT and payment methods)"), "f-country"),
                rx.el.select(
                    rx.el.option(t("Choose…"), value=""),
                    rx.foreach(S.countries, lambda c: rx.el.option(c[1], value=c[0])),
                    name="country",
                    id="f-country",
                    class_name="native-select",
                ),
                rx.cond(
                    S.errors["country"] != "",
                    rx.text(S.errors["country"], color_scheme="red", size="1", id="error-country", role="alert"),
                ),
                spacing="1",
                width="100%",
            ),
            rx.vstack(
                label(t("Interface language"), "f-language"),
                rx.el.select(
                    *[rx.el.option(name, value=code) for code, name in LANGUAGE_NAMES.items()],
                    name="language",
                    id="f-language",
                    value=S.language,
                    on_change=S.choose_language,
                    class_name="native-select",
                ),
                spacing="1",
                width="100%",
            ),
            rx.button(
                t("Create the account"), type="submit", id="signup-submit", width="100%", size="3", loading=S.busy
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.submit,
        reset_on_submit=False,
        width="100%",
    )
    return access_card(
        t("Create an account"),
        alert(S.error, "signup-error"),
        _done(S.done, "signup-done"),
        rx.cond(
            S.closed,
            rx.callout(
                t("Sign-up is by invitation only. Ask us for an invitation link."), icon="lock", id="signup-closed"
            ),
        ),
        _shown_until_done((S.done != "") | S.closed, form),
        rx.hstack(rx.text(t("Already have an account?"), size="2"), _back_to_login(), spacing="2"),
        card_id="signup-card",
    )


def forgot_page() -> rx.Component:
    S = ForgotState
    return access_card(
        t("Forgot your password?"),
        alert(S.error, "forgot-error"),
        _done(S.done, "forgot-done"),
        _shown_until_done(
            S.done != "",
            rx.form(
                rx.vstack(
                    rx.text(
                        t("Enter the email address of your account. We will send it a link to set a new password."),
                        size="2",
                    ),
                    form_input("email", t("Email"), S.errors, kind="email", auto="email"),
                    rx.button(t("Send the link"), type="submit", id="forgot-submit", width="100%", size="3"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.submit,
                reset_on_submit=False,
                width="100%",
            ),
        ),
        _back_to_login(),
        card_id="forgot-card",
    )


def reset_page() -> rx.Component:
    S = ResetState
    return access_card(
        t("Set a new password"),
        alert(S.error, "reset-error"),
        rx.cond(
            S.done != "",
            rx.vstack(
                rx.callout(S.done, icon="check", color_scheme="green", id="reset-done", role="status"),
                rx.link(t("Sign in"), href="/login", id="reset-to-login"),
            ),
            rx.cond(
                S.invalid,
                rx.link(t("Ask for a new link"), href="/forgot", id="reset-new-link"),
                rx.form(
                    rx.vstack(
                        rx.text(t("Account"), ": ", rx.text.strong(S.username), size="2", id="reset-username"),
                        form_input(
                            "new_password",
                            t("New password (at least 12 characters)"),
                            S.errors,
                            kind="password",
                            auto="new-password",
                            max_length=128,
                        ),
                        form_input(
                            "confirm",
                            t("Repeat the new password"),
                            S.errors,
                            kind="password",
                            auto="new-password",
                            max_length=128,
                        ),
                        rx.button(
                            t("Set the password"),
                            type="submit",
                            id="reset-submit",
                            width="100%",
                            size="3",
                            loading=S.busy,
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=S.submit,
                    reset_on_submit=False,
                    width="100%",
                ),
            ),
        ),
        card_id="reset-card",
    )
