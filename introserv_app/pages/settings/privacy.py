"""Settings → Your data (its own card, outside the settings form)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.dialog_parts import actions, current_password, error_line
from introserv_app.components.translate import t
from introserv_app.state.privacy import PrivacyState as S


def privacy_card() -> rx.Component:
    return rx.card(
        rx.heading(t("Your data"), size="3", margin_bottom="0.5em"),
        rx.hstack(
            # A real download (rx.download clicks a plain anchor); a link would be routed inside the app.
            rx.button(
                rx.icon("download", size=16),
                t("Download my data"),
                type="button",
                variant="soft",
                size="2",
                on_click=rx.download(url="/account/my-data.zip"),
                id="my-data",
            ),
            rx.button(
                t("Close my account"),
                type="button",
                variant="soft",
                color_scheme="red",
                size="2",
                on_click=S.ask(True),
                id="close-account",
            ),
            wrap="wrap",
        ),
        rx.text(
            t(
                "The download is a zip with your profile, orders, invoices, payments, tickets, notifications "
                "and sign-ins, as JSON and CSV."
            ),
            size="1",
            color_scheme="gray",
            margin_top="0.5em",
        ),
        rx.dialog.root(
            rx.dialog.content(
                rx.form(
                    rx.vstack(
                        rx.dialog.title(t("Close my account?")),
                        rx.text(
                            t(
                                "Support closes the account after checking the request: your sessions end and "
                                "your personal data is removed. Invoices and payments are kept as the law "
                                "requires. Cancel your services first."
                            ),
                            size="2",
                        ),
                        rx.el.label(t("Reason (optional)"), html_for="close-reason", class_name="field-label"),
                        rx.text_area(name="reason", id="close-reason", max_length=1000, width="100%"),
                        current_password("close-password"),
                        error_line(S.error, "close-error"),
                        actions(t("Send the request"), "close-submit", color="red"),
                        spacing="3",
                    ),
                    on_submit=S.request_closure,
                    reset_on_submit=False,
                ),
                max_width="30em",
            ),
            open=S.closing,
            on_open_change=S.ask,
        ),
        width="100%",
        max_width="60em",
        id="privacy",
    )
