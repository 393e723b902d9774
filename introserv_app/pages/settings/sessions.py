"""Settings → Sessions (its own card, outside the settings form)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.translate import t
from introserv_app.state.account_sessions import SessionsState as S


def sessions_card() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.heading(t("Active sessions"), size="3"),
            rx.spacer(),
            rx.button(
                t("Sign out everywhere else"),
                type="button",
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=S.end_others,
                id="sessions-end-others",
            ),
            width="100%",
            align="center",
            margin_bottom="0.5em",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t("Browser and system")),
                    rx.table.column_header_cell(t("IP address")),
                    rx.table.column_header_cell(t("Signed in")),
                    rx.table.column_header_cell(t("Last seen")),
                    rx.table.column_header_cell(""),
                )
            ),
            rx.table.body(
                rx.foreach(
                    S.rows,
                    lambda r: rx.table.row(
                        rx.table.cell(r["what"]),
                        rx.table.cell(rx.code(r["ip"], variant="ghost")),
                        rx.table.cell(r["started"]),
                        rx.table.cell(r["seen"]),
                        rx.table.cell(
                            rx.cond(
                                r["this"] == "1",
                                rx.badge(t("This device"), color_scheme="green"),
                                rx.button(
                                    t("Sign out"),
                                    type="button",
                                    size="1",
                                    variant="soft",
                                    on_click=S.end(r["id"]),
                                    class_name="session-end",
                                ),
                            )
                        ),
                        class_name="session-row",
                    ),
                )
            ),
            size="1",
            width="100%",
            id="sessions-table",
        ),
        rx.el.label(
            rx.checkbox(checked=S.mail_new_device, on_change=S.set_mail_new_device, id="mail-new-device"),
            t("Email me when a browser that never signed in to this account does"),
            style={"display": "flex", "gap": "0.5em", "alignItems": "center", "marginTop": "0.75em"},
        ),
        width="100%",
        max_width="60em",
        id="sessions",
    )
