"""/staff/incidents: open incidents first, then the latest resolved ones; open an incident (with a preview of how many
customers and orders it reaches before confirming), post updates, resolve it. Support and admins."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.incidents import incident_card
from introserv_app.components.layout import shell
from introserv_app.components.row import Row
from introserv_app.components.translate import t
from introserv_app.domain.incidents import SCOPE_LABELS, SEVERITIES, TEXT_MAX, TITLE_MAX
from introserv_app.state.incidents import StaffIncidentsState as S


def _labelled(label: rx.Var, control: rx.Component, field_id: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=field_id, class_name="field-label"), control, spacing="1", width="100%"
    )


def _text(name: str, label: rx.Var, *, area: bool = False) -> rx.Component:
    field_id = f"incident-{name.replace('_', '-')}"
    if area:
        control = rx.text_area(name=name, id=field_id, rows="3", max_length=TEXT_MAX, width="100%")
    else:
        control = rx.input(name=name, id=field_id, max_length=TITLE_MAX, width="100%")
    return _labelled(label, control, field_id)


def _select(name: str, options: dict[str, str], **props: object) -> rx.Component:
    return rx.el.select(
        *[rx.el.option(t(label), value=value) for value, label in options.items()],
        name=name,
        id=f"incident-{name}",
        class_name="native-select",
        **props,
    )


def _tariff(option: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name="tariff-" + option[0].to(str), class_name="incident-tariff"),  # type: ignore[index]
        " ",
        option[1],  # type: ignore[index]
        style={"display": "flex", "gap": "0.5em", "alignItems": "center"},
    )


def _scope() -> rx.Component:
    return rx.match(
        S.scope,
        (
            "tariffs",
            rx.vstack(
                rx.text(t("Tariffs"), size="2", weight="medium"),
                rx.foreach(S.tariffs, _tariff),
                spacing="1",
                id="incident-tariffs",
            ),
        ),
        (
            "ip_ranges",
            _labelled(
                t("IP addresses, networks (CIDR) or ranges a-b, one a line"),
                rx.text_area(name="ranges", id="incident-ranges", rows="3", max_length=10_000, width="100%"),
                "incident-ranges",
            ),
        ),
        (
            "orders",
            _labelled(
                t("Order IDs or names, separated by spaces, commas or lines (at most 1,000)"),
                rx.text_area(name="orders", id="incident-orders", rows="3", max_length=40_000, width="100%"),
                "incident-orders",
            ),
        ),
        rx.fragment(),
    )


def _open_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Open an incident")),
            rx.form(
                rx.el.fieldset(
                    rx.vstack(
                        rx.hstack(
                            _text("title_en", t("Title (English)")),
                            _text("title_ru", t("Title (Russian)")),
                            width="100%",
                        ),
                        _text("body_en", t("Text (English)"), area=True),
                        _text("body_ru", t("Text (Russian)"), area=True),
                        rx.hstack(
                            _labelled(
                                t("Severity"),
                                _select("severity", SEVERITIES, default_value="warning"),
                                "incident-severity",
                            ),
                            _labelled(
                                t("Who is affected"),
                                _select("scope", SCOPE_LABELS, value=S.scope, on_change=S.set_scope),
                                "incident-scope",
                            ),
                            width="100%",
                        ),
                        _scope(),
                        spacing="3",
                        width="100%",
                    ),
                    disabled=S.previewed,
                    style={"border": "none", "padding": 0, "margin": 0},
                ),
                rx.cond(
                    S.error != "",
                    rx.callout(S.error, icon="triangle-alert", color_scheme="red", size="1", id="incident-form-error"),
                ),
                rx.cond(
                    S.previewed,
                    rx.vstack(
                        rx.callout(S.preview_text, icon="users", color_scheme="blue", size="1", id="incident-preview"),
                        rx.hstack(
                            rx.button(
                                t("Change"),
                                type="button",
                                variant="soft",
                                color_scheme="gray",
                                on_click=S.edit_again,
                                id="incident-change",
                            ),
                            rx.button(
                                t("Open the incident"),
                                type="button",
                                color_scheme="red",
                                loading=S.busy,
                                on_click=S.confirm,
                                id="incident-confirm",
                            ),
                            justify="end",
                            width="100%",
                        ),
                        width="100%",
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button(t("Cancel"), type="button", variant="soft", color_scheme="gray")),
                        rx.button(t("Preview who is affected"), type="submit", id="incident-preview-button"),
                        justify="end",
                        width="100%",
                    ),
                ),
                on_submit=S.preview,
                reset_on_submit=False,
                key=S.form_key,
                width="100%",
            ),
            max_width="48em",
        ),
        open=S.form_open,
        on_open_change=S.set_form_open,
    )


def _action_dialog() -> rx.Component:
    resolving = S.action == "resolve"
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(resolving, t("Resolve the incident"), t("Post an update"))),
            rx.form(
                rx.vstack(
                    _text("text_en", rx.cond(resolving, t("Resolution (English)"), t("Update (English)")), area=True),
                    _text("text_ru", rx.cond(resolving, t("Resolution (Russian)"), t("Update (Russian)")), area=True),
                    rx.text(t("Every affected customer gets it by mail."), size="2", color_scheme="gray"),
                    rx.cond(
                        S.action_error != "",
                        rx.callout(
                            S.action_error,
                            icon="triangle-alert",
                            color_scheme="red",
                            size="1",
                            id="incident-action-error",
                        ),
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button(t("Cancel"), type="button", variant="soft", color_scheme="gray")),
                        rx.button(
                            rx.cond(resolving, t("Resolve"), t("Post")),
                            type="submit",
                            loading=S.busy,
                            id="incident-action-send",
                        ),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.send_action,
                reset_on_submit=True,
                key=S.target + S.action,
            ),
            max_width="40em",
        ),
        open=S.action != "",
        on_open_change=S.close_action,
    )


def _staff_card(row: Row) -> rx.Component:
    return incident_card(
        row,
        rx.cond(
            row["state"] == "open",
            rx.hstack(
                rx.button(
                    t("Post an update"),
                    size="1",
                    variant="soft",
                    on_click=S.open_action(row["id"], "update"),
                    class_name="incident-update",
                ),
                rx.button(
                    t("Resolve"),
                    size="1",
                    color_scheme="green",
                    on_click=S.open_action(row["id"], "resolve"),
                    class_name="incident-resolve",
                ),
                spacing="2",
            ),
        ),
    )


def staff_incidents_page() -> rx.Component:
    return shell(
        rx.hstack(
            rx.text(
                t("Tell every affected customer about an outage: a banner, a mail and the incident page."),
                size="2",
                color_scheme="gray",
            ),
            rx.spacer(),
            rx.button(rx.icon("siren", size=16), t("Open an incident"), on_click=S.open_new, id="incident-new"),
            width="100%",
            align="center",
        ),
        rx.cond(
            S.rows.length() > 0,
            rx.vstack(rx.foreach(S.rows, _staff_card), spacing="3", width="100%", id="staff-incidents"),
            rx.text(t("No incidents yet."), color_scheme="gray"),
        ),
        _open_dialog(),
        _action_dialog(),
        active="/staff/incidents",
        title=t("Incidents"),
    )
