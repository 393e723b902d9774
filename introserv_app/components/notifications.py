"""Notification banners: shown in the Orders tab and on the dashboard (critical first, newest next)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.incidents import incident_banners
from introserv_app.components.row import Row
from introserv_app.components.translate import t
from introserv_app.state.notifications import NotificationsState

SEVERITY = {"critical": ("octagon-alert", "red"), "warning": ("triangle-alert", "orange"), "info": ("info", "blue")}


def severity_icon(severity: rx.Var) -> rx.Component:
    return rx.match(
        severity,
        *[(key, rx.icon(icon, size=18, color=rx.color(color, 10))) for key, (icon, color) in SEVERITY.items()],
        rx.icon("info", size=18),
    )


def _banner(item: Row) -> rx.Component:
    return rx.hstack(
        severity_icon(item["severity"]),
        rx.vstack(
            rx.text(item["title"], weight="bold", size="2"),
            rx.cond(item["body"] != "", rx.text(item["body"], size="2")),
            rx.hstack(
                rx.text(item["created"], size="1", color_scheme="gray"),
                rx.cond(
                    item["order_id"] != "",
                    rx.link(t("Manage order"), href="/orders/" + item["order_id"], size="1"),
                ),
                spacing="3",
            ),
            spacing="1",
            width="100%",
        ),
        rx.cond(
            item["dismissible"] != "",
            rx.icon_button(
                rx.icon("x", size=14),
                variant="ghost",
                color_scheme="gray",
                size="1",
                on_click=NotificationsState.dismiss(item["id"]),
                aria_label=t("Dismiss"),
                title=t("Dismiss"),
                class_name="banner-dismiss",
            ),
        ),
        align="start",
        spacing="3",
        width="100%",
        class_name="notification-banner banner-" + item["severity"],
        role="status",
    )


def notification_banners() -> rx.Component:
    """The incidents that affect the customer first (components/incidents.py), then the notifications."""
    return rx.vstack(incident_banners(NotificationsState.incidents), _notifications(), spacing="2", width="100%")


def _notifications() -> rx.Component:
    return rx.cond(
        NotificationsState.banners.length() > 0,
        rx.vstack(
            rx.foreach(NotificationsState.banners, _banner),
            rx.hstack(
                rx.cond(
                    NotificationsState.more > 0,
                    rx.text(t("More notifications:"), " ", NotificationsState.more, size="2", color_scheme="gray"),
                ),
                rx.link(t("All notifications"), href="/notifications", size="2", id="all-notifications"),
                spacing="3",
            ),
            spacing="2",
            width="100%",
            id="notification-banners",
        ),
    )
