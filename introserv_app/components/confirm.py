"""A staff action behind a confirmation dialog: the button opens it, the form inside says what will
happen and asks for what the action needs (a reason, an amount); Confirm submits, Cancel closes.

The dialog is controlled by the state (`current == key`), so it stays open with the error when the
server refuses and closes when the action is done.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from introserv_app.components.translate import t


def reason_field(label: str = "Reason", el_id: str = "action-reason") -> rx.Component:
    return rx.vstack(
        rx.el.label(t(label), html_for=el_id, class_name="field-label"),
        rx.text_area(name="reason", id=el_id, max_length=500, rows="3", width="100%"),
        width="100%",
        spacing="1",
    )


def confirm_action(
    *,
    key: str,
    label: str,
    title: str,
    description: str,
    current: rx.Var,
    show: Callable[..., object],
    on_submit: Callable[..., object],
    error: rx.Var,
    fields: tuple[rx.Component, ...] = (),
    confirm_label: str = "Confirm",
    color: str = "red",
    el_id: str = "",
) -> rx.Component:
    el_id = el_id or f"action-{key}"
    return rx.fragment(
        rx.button(t(label), on_click=show(key, True), id=el_id, variant="soft", color_scheme=color, size="2"),
        rx.dialog.root(
            rx.dialog.content(
                rx.dialog.title(t(title)),
                rx.dialog.description(t(description), size="2", margin_bottom="0.75em"),
                rx.form(
                    rx.vstack(
                        *fields,
                        rx.el.input(type="hidden", name="action", value=key),
                        rx.cond(error != "", rx.callout(error, icon="triangle-alert", color_scheme="red", size="1")),
                        rx.hstack(
                            rx.button(
                                t("Cancel"),
                                type="button",
                                variant="soft",
                                color_scheme="gray",
                                on_click=show(key, False),
                            ),
                            rx.button(t(confirm_label), type="submit", color_scheme=color, id=f"{el_id}-confirm"),
                            justify="end",
                            width="100%",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=on_submit,
                    reset_on_submit=False,
                    width="100%",
                ),
                max_width="34em",
                id=f"{el_id}-dialog",
            ),
            open=current == key,
            on_open_change=lambda value: show(key, value),
        ),
    )
