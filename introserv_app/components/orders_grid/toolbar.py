"""Above the grid: the search box, the "Show:" menu, the page size, the filters (status chips among them) and
the notices about dropped URL values."""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var

from introserv_app.components.orders_grid.columns import shown
from introserv_app.components.translate import t
from introserv_app.domain.grid import COLUMNS, OPTIONAL_COLUMNS, PAGE_SIZES
from introserv_app.domain.statuses import STATUS_INFO
from introserv_app.domain.text import N_
from introserv_app.state.orders import OrdersGridState as S


def search_box() -> rx.Component:
    return rx.debounce_input(
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            placeholder=t("Search by name, IP, comment, ID or tariff"),
            value=S.q,
            on_change=S.search,
            max_length=100,
            id="orders-search",
            aria_label=t("Search orders"),
            width="100%",
            size="2",
        ),
        debounce_timeout=400,
    )


def _toggle_column(column: str):  # an event lambda for one column
    return lambda _checked: S.toggle_column(column)


def show_menu() -> rx.Component:
    """The "Show:" menu: optional columns as checkboxes; the choice is saved for the user."""
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(rx.icon("columns-3", size=16), t("Show:"), variant="soft", size="2", id="show-menu")
        ),
        rx.popover.content(
            rx.vstack(
                *[
                    rx.el.label(
                        rx.hstack(
                            rx.checkbox(checked=shown(c), on_change=_toggle_column(c), id=f"show-{c}"),
                            rx.text(t(COLUMNS[c]), size="2"),
                            spacing="2",
                            align="center",
                        ),
                        class_name="show-option",
                    )
                    for c in OPTIONAL_COLUMNS
                ],
                spacing="2",
            ),
            size="1",
        ),
    )


def page_size_select() -> rx.Component:
    return rx.hstack(
        rx.text(t("Per page"), size="2", color_scheme="gray"),
        rx.select([str(n) for n in PAGE_SIZES], value=S.page_size, on_change=S.set_page_size, size="2", id="page-size"),
        spacing="2",
        align="center",
    )


def toolbar() -> rx.Component:
    return rx.flex(
        rx.box(search_box(), flex="1", min_width="16em"),
        rx.button(
            rx.icon("sliders-horizontal", size=16),
            t("Filters"),
            variant=rx.cond(S.filters_open, "solid", "soft"),
            on_click=S.toggle_filters,
            size="2",
            id="filters-toggle",
        ),
        show_menu(),
        rx.button(
            rx.icon("download", size=16),
            t("Export CSV"),
            variant="soft",
            size="2",
            on_click=S.export_csv,
            id="export-csv",
        ),
        page_size_select(),
        spacing="3",
        wrap="wrap",
        align="center",
        width="100%",
    )


def status_chips() -> rx.Component:
    chips = []
    for status, info in STATUS_INFO.items():
        active = S.statuses.contains(status.value)
        chips.append(
            rx.tooltip(
                rx.button(
                    rx.icon(info.icon, size=14),
                    t(info.label),
                    color_scheme=info.color,
                    variant=rx.cond(active, "solid", "outline"),
                    size="1",
                    radius="full",
                    type="button",
                    on_click=S.toggle_status(status.value),
                    aria_pressed=rx.cond(active, "true", "false"),
                    id=f"filter-status-{status.value}",
                ),
                content=t(info.explanation),
            )
        )
    return _group(N_("Status"), rx.flex(*chips, spacing="2", wrap="wrap", align="center"), "filter-group-status")


def _group(label: str, body: rx.Component, id_: str, *, html_for: str = "") -> rx.Component:
    return rx.vstack(
        rx.el.label(t(label), html_for=html_for or None, class_name="field-label"),
        body,
        spacing="1",
        class_name="filter-group",
        id=id_,
    )


def _input(name: str, value: Var, *, type_: str = "text", placeholder: str = "", label: str = "") -> rx.Component:
    return rx.input(
        name=name,
        id=f"filter-{name}",
        type=type_,
        default_value=value,
        key=value,
        max_length=100 if type_ == "text" else None,
        placeholder=placeholder,
        aria_label=t(label) if label else None,
        size="2",
        min_width="9em",
    )


def _field(label: str, name: str, value: Var, *, placeholder: str = "") -> rx.Component:
    return _group(
        label, _input(name, value, placeholder=placeholder), f"filter-group-{name}", html_for=f"filter-{name}"
    )


def _dates(label: str, first: str, first_value: Var, last: str, last_value: Var) -> rx.Component:
    body = rx.hstack(
        _input(first, first_value, type_="date", label=N_("From")),
        rx.text("–", color_scheme="gray"),
        _input(last, last_value, type_="date", label=N_("To")),
        spacing="1",
        align="center",
    )
    return _group(label, body, f"filter-group-{first}", html_for=f"filter-{first}")


def _when_shown(column: str, active: Var, component: rx.Component) -> rx.Component:
    """A filter of an optional column: offered while the column is shown (or while it filters the view)."""
    return rx.cond(shown(column) | active, component)


def filter_panel() -> rx.Component:
    """The filters in the Orders document's order: service name, date, status, then comment, ID and the creation
    date when those columns are shown; staff also filter by customer. The same order on /orders and /staff/orders."""
    return rx.cond(
        S.filters_open,
        rx.card(
            rx.form(
                rx.flex(
                    _field(N_("Service name"), "name", S.f_name),
                    _dates(N_("Paid until"), "paid_from", S.paid_from, "paid_to", S.paid_to),
                    status_chips(),
                    _when_shown("comment", S.f_comment != "", _field(N_("Comment"), "comment", S.f_comment)),
                    _when_shown("id", S.f_ids != "", _field(N_("ID"), "ids", S.f_ids, placeholder="101, 102")),
                    _when_shown(
                        "created_at",
                        (S.created_from != "") | (S.created_to != ""),
                        _dates(N_("Date"), "created_from", S.created_from, "created_to", S.created_to),
                    ),
                    rx.cond(S.scope_all, _field(N_("Customer"), "customer", S.f_customer)),
                    spacing="4",
                    wrap="wrap",
                    align="start",
                ),
                rx.hstack(
                    rx.button(t("Apply"), type="submit", size="2", id="apply-filters"),
                    rx.cond(
                        S.filters_active,
                        rx.button(
                            rx.icon("x", size=14),
                            t("Clear all"),
                            type="button",
                            variant="soft",
                            size="2",
                            on_click=S.clear_filters,
                            id="clear-filters",
                        ),
                    ),
                    spacing="2",
                    margin_top="0.75em",
                ),
                on_submit=S.apply_filters,
                id="filter-form",
            ),
            width="100%",
            id="filter-panel",
        ),
    )


def notices() -> rx.Component:
    return rx.foreach(
        S.notices,
        lambda msg: rx.callout(msg, icon="triangle-alert", color_scheme="amber", size="1", width="100%"),
    )
