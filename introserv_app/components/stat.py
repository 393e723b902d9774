"""A figure on a dashboard: an icon, a label and a value, optionally a link to the list behind it."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.translate import t


def stat_card(label: str, value: rx.Var, icon: str, el_id: str, href: str = "") -> rx.Component:
    """`label` is a msgid (mark it with N_ where it is written)."""
    body = rx.hstack(
        rx.icon(icon, size=28, color=rx.color("accent", 9)),
        rx.vstack(rx.text(t(label), size="2", color_scheme="gray"), rx.heading(value, size="6", id=el_id), spacing="1"),
        align="center",
        spacing="4",
    )
    return rx.card(rx.link(body, href=href, underline="none") if href else body, min_width="14em")
