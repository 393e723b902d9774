"""The centred card of the pages used before signing in (login, sign-up, forgot, reset), and its fields."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import brand, language_switcher


def access_card(title: rx.Var, *children: rx.Component, card_id: str) -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(brand(), rx.spacer(), language_switcher(), width="100%", align="center"),
                rx.heading(title, size="5"),
                *children,
                spacing="4",
                width="100%",
            ),
            size="4",
            width="100%",
            max_width="30em",
            id=card_id,
            # "true" once the page's state has arrived and its on_load has run: what a browser test waits for
            # before typing (typing into the page as first painted may be lost when the state replaces it).
            custom_attrs={"data-ready": rx.cond(rx.State.is_hydrated, "true", "false")},
        ),
        min_height="100vh",
        padding="1em",
        background_color=rx.color("gray", 2),
    )


def label(text: rx.Var, for_id: str) -> rx.Component:
    return rx.el.label(text, html_for=for_id, style={"fontSize": "var(--font-size-2)", "fontWeight": 500})


def alert(message: rx.Var, element_id: str, color: str = "red") -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(
            message,
            icon="triangle-alert" if color == "red" else "info",
            color_scheme=color,
            role="alert" if color == "red" else "status",
            id=element_id,
            width="100%",
        ),
    )


def form_input(
    name: str, text: rx.Var, errors: rx.Var, *, kind: str = "text", auto: str = "off", max_length: int = 254
) -> rx.Component:
    """A labelled input (id `f-<name>`) with its error below (id `error-<name>`)."""
    return rx.vstack(
        label(text, f"f-{name}"),
        rx.input(
            id=f"f-{name}",
            name=name,
            type=kind,
            auto_complete=auto,
            max_length=max_length,
            width="100%",
            size="3",
            aria_invalid=rx.cond(errors[name] != "", "true", "false"),  # type: ignore[index]
        ),
        rx.cond(
            errors[name] != "",  # type: ignore[index]
            rx.text(
                errors[name],  # type: ignore[index]
                color_scheme="red",
                size="1",
                white_space="pre-line",
                id=f"error-{name}",
                role="alert",
            ),
        ),
        spacing="1",
        width="100%",
    )
