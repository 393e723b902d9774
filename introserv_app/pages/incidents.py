"""/incidents: the incidents that affected the customer (and those about everyone), newest first, with updates and
resolution; /incidents/<id>: one of them."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.incidents import incident_card
from introserv_app.components.layout import shell
from introserv_app.components.pager import simple_pager
from introserv_app.components.translate import t
from introserv_app.state.incidents import IncidentsState as S


def _list() -> rx.Component:
    return rx.vstack(
        rx.text(
            t("Outages and maintenance that affected your services, with what we did about them."),
            size="2",
            color_scheme="gray",
        ),
        rx.cond(
            S.rows.length() > 0,
            rx.vstack(rx.foreach(S.rows, incident_card), spacing="3", width="100%", id="incidents-list"),
            rx.text(t("No incident has affected your services."), color_scheme="gray", id="incidents-empty"),
        ),
        simple_pager(S.page, S.pages, S.go_page),
        spacing="3",
        width="100%",
    )


def _one() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.error != "",
            rx.callout(S.error, icon="triangle-alert", color_scheme="red", id="incident-error"),
            rx.foreach(S.rows, incident_card),
        ),
        rx.link(t("All incidents"), href="/incidents", size="2"),
        spacing="3",
        width="100%",
    )


def incidents_page() -> rx.Component:
    return shell(rx.cond(S.one, _one(), _list()), active="/incidents", title=t("Incidents"))
