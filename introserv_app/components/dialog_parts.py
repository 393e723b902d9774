"""Parts of the small confirmation dialogs of Settings (two factors, passkeys, closing the account): the
account-password field, the error line and the Cancel / confirm buttons."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.translate import t


def current_password(el_id: str) -> rx.Component:
    return rx.fragment(
        rx.el.label(t("Current password"), html_for=el_id, class_name="field-label"),
        rx.input(
            name="current_password",
            id=el_id,
            type="password",
            auto_complete="current-password",
            max_length=1024,
            width="100%",
        ),
    )


def error_line(message: rx.Var, el_id: str) -> rx.Component:
    return rx.cond(
        message != "",
        rx.text(message, color_scheme="red", size="2", white_space="pre-line", id=el_id, role="alert"),
    )


def actions(label: rx.Var, submit_id: str, color: str = "accent") -> rx.Component:
    """Cancel (closes the dialog) and the submit button."""
    return rx.hstack(
        rx.dialog.close(rx.button(t("Cancel"), type="button", variant="soft", color_scheme="gray")),
        rx.button(label, type="submit", id=submit_id, color_scheme=None if color == "accent" else color),
        justify="end",
        width="100%",
    )
