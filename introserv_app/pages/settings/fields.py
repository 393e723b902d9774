"""The Settings form's fields: label, input, the error under it (ids `f-<name>`, `error-<name>`; in dialogs
`d-<name>`, `derror-<name>`)."""

from __future__ import annotations

import reflex as rx

from introserv_app.state.settings import SettingsState as S


def field_error(name: str) -> rx.Component:
    return rx.cond(
        S.errors[name] != "",
        rx.text(S.errors[name], color_scheme="red", size="1", white_space="pre-line", id=f"error-{name}", role="alert"),
    )


def dialog_field_error(name: str) -> rx.Component:
    return rx.cond(
        S.dialog_errors[name] != "",
        rx.text(S.dialog_errors[name], color_scheme="red", size="1", white_space="pre-line", id=f"derror-{name}"),
    )


def field_label(text: rx.Var, field_id: str, required: bool = False) -> rx.Component:
    star = [rx.text.span(" *", color_scheme="red", aria_hidden="true")] if required else []
    return rx.el.label(text, *star, html_for=field_id, class_name="field-label")


def text_field(name: str, label: rx.Var, required: bool = False, max_length: int = 100, **props) -> rx.Component:
    return rx.vstack(
        field_label(label, f"f-{name}", required),
        rx.input(
            name=name,
            id=f"f-{name}",
            default_value=S.form[name],
            max_length=max_length,
            width="100%",
            aria_invalid=rx.cond(S.errors[name] != "", "true", "false"),
            **props,
        ),
        field_error(name),
        spacing="1",
        width="100%",
    )


def select_field(name: str, label: rx.Var, options: list[tuple[str, rx.Var | str]], **props) -> rx.Component:
    return rx.vstack(
        field_label(label, f"f-{name}"),
        rx.el.select(
            *[rx.el.option(text, value=value) for value, text in options],
            name=name,
            id=f"f-{name}",
            default_value=S.form[name],
            class_name="native-select",
            **props,
        ),
        field_error(name),
        spacing="1",
        width="100%",
    )


def check_field(name: str, label: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=name, id=f"f-{name}", default_checked=S.form[name] == "1"),
        label,
        style={"display": "flex", "gap": "0.5em", "alignItems": "center"},
    )


def section(title: rx.Var, *children: rx.Component, section_id: str) -> rx.Component:
    return rx.card(
        rx.heading(title, size="3", margin_bottom="0.75em"),
        rx.vstack(*children, spacing="3", width="100%"),
        width="100%",
        id=section_id,
    )


def field_row(*children: rx.Component) -> rx.Component:
    return rx.flex(*children, gap="1em", width="100%", direction=rx.breakpoints(initial="column", sm="row"))


def secret_field(name: str, label: rx.Var, auto: str = "off") -> rx.Component:
    return rx.vstack(
        field_label(label, f"d-{name}"),
        rx.input(name=name, id=f"d-{name}", type="password", max_length=128, auto_complete=auto, width="100%"),
        dialog_field_error(name),
        spacing="1",
        width="100%",
    )
