"""Above the grid: the search box, the "Show:" menu, the page size, the status chips, the filter form and
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
                    on_click=S.toggle_status(status.value),
                    aria_pressed=rx.cond(active, "true", "false"),
                    id=f"filter-status-{status.value}",
                ),
                content=t(info.explanation),
            )
        )
    return rx.flex(
        rx.text(t("Status"), ":", size="2", color_scheme="gray"),
        *chips,
        rx.cond(
            S.filters_active,
            rx.button(
                rx.icon("x", size=14),
                t("Clear all"),
                variant="ghost",
                size="1",
                on_click=S.clear_filters,
                id="clear-filters",
            ),
        ),
        spacing="2",
        wrap="wrap",
        align="center",
        width="100%",
    )


def _field(label: str, name: str, value: Var, *, type_: str = "text", placeholder: str = "") -> rx.Component:
    return rx.vstack(
        rx.el.label(t(label), html_for=f"filter-{name}", class_name="field-label"),
        rx.input(
            name=name,
            id=f"filter-{name}",
            type=type_,
            default_value=value,
            key=value,
            max_length=100 if type_ == "text" else None,
            placeholder=placeholder,
            size="2",
        ),
        spacing="1",
        min_width="11em",
    )


def filter_panel() -> rx.Component:
    return rx.cond(
        S.filters_open,
        rx.card(
            rx.form(
                rx.flex(
                    _field(N_("Service name"), "name", S.f_name),
                    _field(N_("Comment"), "comment", S.f_comment),
                    _field(N_("ID"), "ids", S.f_ids, placeholder="101, 102"),
                    rx.cond(S.scope_all, _field(N_("Customer"), "customer", S.f_customer)),
                    _field(N_("Created from"), "created_from", S.created_from, type_="date"),
                    _field(N_("Created to"), "created_to", S.created_to, type_="date"),
                    _field(N_("Paid until from"), "paid_from", S.paid_from, type_="date"),
                    _field(N_("Paid until to"), "paid_to", S.paid_to, type_="date"),
                    spacing="3",
                    wrap="wrap",
                ),
                rx.hstack(
                    rx.button(t("Apply"), type="submit", size="2", id="apply-filters"),
                    rx.button(t("Clear all"), type="button", variant="soft", size="2", on_click=S.clear_filters),
                    spacing="2",
                    margin_top="0.75em",
                ),
                on_submit=S.apply_filters,
                id="filter-form",
            ),
            width="100%",
        ),
    )


def notices() -> rx.Component:
    return rx.foreach(
        S.notices,
        lambda msg: rx.callout(msg, icon="triangle-alert", color_scheme="amber", size="1", width="100%"),
    )
