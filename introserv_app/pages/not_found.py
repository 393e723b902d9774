"""The 404 page."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.translate import t


def not_found_page() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.heading("404", size="9", color_scheme="gray"),
            rx.text(t("Page not found."), size="5", id="not-found"),
            rx.link(t("Back to the dashboard"), href="/"),
            align="center",
            spacing="3",
        ),
        min_height="100vh",
    )
