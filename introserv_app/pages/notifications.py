"""/notifications: every notification of the customer, newest first."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import shell
from introserv_app.components.notifications import severity_icon
from introserv_app.components.pager import simple_pager
from introserv_app.components.row import Row
from introserv_app.components.translate import t
from introserv_app.state.notifications import NotificationsState


def _row(row: Row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(severity_icon(row["severity"])),
        rx.table.cell(
            rx.vstack(
                rx.text(row["title"], weight="bold", size="2"),
                rx.cond(row["body"] != "", rx.text(row["body"], size="2")),
                spacing="1",
            )
        ),
        rx.table.cell(rx.cond(row["order_id"] != "", rx.link(t("Manage order"), href="/orders/" + row["order_id"]))),
        rx.table.cell(row["created"], white_space="nowrap"),
        rx.table.cell(
            rx.match(
                row["state"],
                ("resolved", rx.badge(t("Resolved"), color_scheme="green", variant="soft")),
                ("dismissed", rx.badge(t("Dismissed"), color_scheme="gray", variant="soft")),
                rx.cond(
                    row["dismissible"] != "",
                    rx.button(
                        t("Dismiss"),
                        size="1",
                        variant="soft",
                        on_click=NotificationsState.dismiss(row["id"]),
                        class_name="notification-dismiss",
                    ),
                    rx.badge(t("Open"), color_scheme="red", variant="soft"),
                ),
            )
        ),
        class_name="notification-row",
    )


def notifications_page() -> rx.Component:
    return shell(
        rx.cond(
            NotificationsState.rows.length() > 0,
            rx.vstack(
                rx.hstack(
                    rx.spacer(),
                    rx.button(
                        t("Dismiss all"), variant="soft", on_click=NotificationsState.dismiss_all, id="dismiss-all"
                    ),
                    width="100%",
                ),
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell(""),
                            rx.table.column_header_cell(t("Notification")),
                            rx.table.column_header_cell(t("Order")),
                            rx.table.column_header_cell(t("Date")),
                            rx.table.column_header_cell(t("Status")),
                        )
                    ),
                    rx.table.body(rx.foreach(NotificationsState.rows, _row)),
                    width="100%",
                    variant="surface",
                    id="notifications-table",
                ),
                width="100%",
            ),
            rx.text(t("No notifications yet."), color_scheme="gray"),
        ),
        simple_pager(NotificationsState.page, NotificationsState.pages, NotificationsState.go_page),
        active="/notifications",
        title=t("Notifications"),
    )
