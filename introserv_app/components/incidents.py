"""Incidents on screen: the banner of the Orders tab and the dashboard (coloured by severity, green once resolved) and
the card of the /incidents pages and the staff list."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.row import Row
from introserv_app.components.translate import t

SEVERITY_COLOURS = {"critical": "red", "warning": "orange", "info": "blue"}


def severity_badge(row: Row) -> rx.Component:
    return rx.match(
        row["severity"],
        *[(key, rx.badge(row["severity_label"], color_scheme=colour)) for key, colour in SEVERITY_COLOURS.items()],  # type: ignore[arg-type]
        rx.badge(row["severity_label"]),
    )


def state_badge(row: Row) -> rx.Component:
    return rx.cond(
        row["state"] == "open",
        rx.badge(t("Ongoing"), color_scheme="red", variant="soft", class_name="incident-state"),
        rx.badge(t("Resolved"), color_scheme="green", variant="soft", class_name="incident-state"),
    )


def _banner(row: Row) -> rx.Component:
    return rx.hstack(
        rx.cond(row["state"] == "open", rx.icon("siren", size=18), rx.icon("circle-check", size=18)),
        rx.vstack(
            rx.hstack(
                rx.cond(row["state"] == "open", rx.fragment(), rx.text(t("Resolved"), ":", weight="bold", size="2")),
                rx.text(row["title"], weight="bold", size="2"),
                severity_badge(row),
                spacing="2",
                align="center",
            ),
            rx.cond(
                row["state"] == "open",
                rx.vstack(
                    rx.text(row["body"], size="2", white_space="pre-wrap"),
                    rx.cond(
                        row["latest"] != "",
                        rx.text(t("Latest update"), ": ", row["latest"], size="2", white_space="pre-wrap"),
                    ),
                    spacing="1",
                ),
                rx.text(row["resolution"], size="2", white_space="pre-wrap", class_name="incident-resolution"),
            ),
            rx.link(t("Incident details"), href="/incidents/" + row["id"], size="1", class_name="incident-link"),
            spacing="1",
            width="100%",
        ),
        align="start",
        spacing="3",
        width="100%",
        class_name="incident-banner banner-" + row["severity"] + " incident-" + row["state"],
        role="status",
        data_incident=row["id"],
    )


def incident_banners(rows: rx.Var) -> rx.Component:
    return rx.cond(
        rows.length() > 0,  # type: ignore[attr-defined]
        rx.vstack(rx.foreach(rows, _banner), spacing="2", width="100%", id="incident-banners"),
    )


def incident_card(row: Row, *actions: rx.Component) -> rx.Component:
    """One incident with its text, updates and resolution (and, for staff, its scope and the actions given)."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(row["title"], size="4"),
                severity_badge(row),
                state_badge(row),
                rx.spacer(),
                *actions,
                width="100%",
                align="center",
                spacing="2",
            ),
            rx.cond(row["title_other"] != "", rx.text(row["title_other"], size="2", color_scheme="gray")),
            rx.text(t("Opened"), ": ", row["opened"], size="1", color_scheme="gray"),
            rx.text(row["body"], size="2", white_space="pre-wrap", class_name="incident-body"),
            rx.cond(
                row["scope"] != "",
                rx.text(
                    row["scope"],
                    rx.cond(row["scope_detail"] != "", ": " + row["scope_detail"], ""),
                    " · ",
                    row["reach"],
                    size="2",
                    color_scheme="gray",
                    class_name="incident-scope",
                ),
            ),
            rx.cond(
                row["updates"] != "",
                rx.vstack(
                    rx.text(t("Updates"), weight="bold", size="2"),
                    rx.text(row["updates"], size="2", white_space="pre-wrap"),
                    spacing="1",
                    class_name="incident-updates",
                ),
            ),
            rx.cond(
                row["state"] == "resolved",
                rx.callout(
                    rx.text(t("Resolved"), " ", row["resolved"], ": ", row["resolution"], white_space="pre-wrap"),
                    icon="circle-check",
                    color_scheme="green",
                    size="1",
                    class_name="incident-resolution",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="incident-card",
        data_incident=row["id"],
    )
