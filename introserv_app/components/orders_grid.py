"""The orders grid: one component for the customer's /orders and the staff's /staff/orders.

Everything shown comes from `OrdersGridState` (one page, formatted on the server); every control
changes the URL, and the page's on_load fetches that view.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var

from introserv_app.components.order_actions import actions_menu, cancel_dialog, renew_dialog
from introserv_app.components.status_badge import status_badge
from introserv_app.components.tickets import ticket_dialog
from introserv_app.components.translate import t
from introserv_app.domain.grid import COLUMNS, OPTIONAL_COLUMNS, PAGE_SIZES
from introserv_app.domain.statuses import STATUS_INFO
from introserv_app.domain.text import N_
from introserv_app.state.order_actions import OrderActionsState as A
from introserv_app.state.orders import OrdersGridState as S

Row = Var  # a dict[str, str] row inside rx.foreach


def _shown(column: str) -> Var[bool]:
    return S.columns.contains(column)  # type: ignore[attr-defined]


# ---- toolbar ----------------------------------------------------------------------------------------


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
                            rx.checkbox(checked=_shown(c), on_change=_toggle_column(c), id=f"show-{c}"),
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
        active = S.statuses.contains(status.value)  # type: ignore[attr-defined]
        chips.append(
            rx.tooltip(
                rx.button(
                    rx.icon(info.icon, size=14),
                    t(info.label),
                    color_scheme=info.color,  # type: ignore[arg-type]
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


# ---- selection bar ----------------------------------------------------------------------------------


def selection_bar() -> rx.Component:
    return rx.cond(
        S.selected_count > 0,
        rx.hstack(
            rx.icon("list-checks", size=18),
            rx.text(t("Selected"), ": ", rx.text.strong(S.selected_count, id="selected-count"), size="2"),
            rx.cond(
                S.page_all_selected & ~S.all_matching_selected & (S.total > S.rows.length()),  # type: ignore[attr-defined]
                rx.button(
                    t("Select all matching"),
                    " (",
                    S.total_text,
                    ")",
                    variant="soft",
                    size="1",
                    on_click=S.select_all_matching,
                    id="select-all-matching",
                ),
            ),
            rx.cond(S.selection_note != "", rx.text(S.selection_note, size="1", color_scheme="amber")),
            rx.spacer(),
            rx.cond(
                ~S.scope_all,
                rx.button(
                    rx.icon("refresh-cw", size=14),
                    t("Renew selected"),
                    size="1",
                    on_click=A.open_batch_renew,
                    id="renew-selected",
                ),
            ),
            rx.button(
                rx.icon("x", size=14),
                t("Clear selection"),
                variant="ghost",
                size="1",
                on_click=S.clear_selection,
                id="clear-selection",
            ),
            class_name="selection-bar",
            id="selection-bar",
            width="100%",
            align="center",
            spacing="3",
        ),
    )


# ---- table ------------------------------------------------------------------------------------------


def _sort_header(key: str, label: str, *, align: str = "start") -> rx.Component:
    active = S.sort == key
    icon = rx.cond(
        active,
        rx.cond(S.direction == "asc", rx.icon("arrow-up", size=14), rx.icon("arrow-down", size=14)),
        rx.icon("arrow-up-down", size=14, opacity="0.35"),
    )
    return rx.table.column_header_cell(
        rx.el.button(
            rx.hstack(rx.text(t(label)), icon, spacing="1", align="center"),
            on_click=S.sort_by(key),
            class_name="sort-button",
            id=f"sort-{key}",
            aria_sort=rx.cond(active, rx.cond(S.direction == "asc", "ascending", "descending"), "none"),
        ),
        justify=align,  # type: ignore[arg-type]
        white_space="nowrap",
    )


def _header() -> rx.Component:
    return rx.table.header(
        rx.table.row(
            rx.cond(
                _shown("batch"),
                rx.table.column_header_cell(
                    rx.checkbox(
                        checked=S.page_all_selected,
                        on_change=lambda _: S.toggle_page(),
                        aria_label=t("Select all on this page"),
                        id="select-page",
                    ),
                    width="2.5em",
                ),
            ),
            rx.cond(_shown("id"), _sort_header("id", COLUMNS["id"])),
            rx.cond(_shown("created_at"), _sort_header("created_at", COLUMNS["created_at"])),
            rx.cond(S.scope_all, _sort_header("customer", N_("Customer"))),
            _sort_header("service_name", COLUMNS["service_name"]),
            _sort_header("tariff", COLUMNS["tariff"]),
            _sort_header("main_ip", COLUMNS["main_ip"]),
            _sort_header("paid_until", COLUMNS["paid_until"]),
            _sort_header("days_left", COLUMNS["days_left"], align="end"),
            _sort_header("status", COLUMNS["status"]),
            _sort_header("price", COLUMNS["price"], align="end"),
            rx.cond(_shown("comment"), _sort_header("comment", COLUMNS["comment"])),
            rx.cond(
                ~S.scope_all, rx.table.column_header_cell(rx.text(t("Actions"), class_name="sr-only"), width="3em")
            ),
        )
    )


def _comment_cell(row: Row) -> rx.Component:
    editing = S.editing_id == row["id"]
    return rx.table.cell(
        rx.cond(
            editing,
            rx.form(
                rx.vstack(
                    rx.hstack(
                        rx.input(
                            name="comment",
                            default_value=S.edit_text,
                            max_length=255,
                            auto_focus=True,
                            size="1",
                            id="comment-input",
                            aria_label=t("Comment"),
                            width="14em",
                        ),
                        rx.icon_button(
                            rx.icon("check", size=14), type="submit", size="1", aria_label=t("Save"), id="comment-save"
                        ),
                        rx.icon_button(
                            rx.icon("x", size=14),
                            type="button",
                            size="1",
                            variant="soft",
                            on_click=S.cancel_edit,
                            aria_label=t("Cancel"),
                        ),
                        spacing="1",
                    ),
                    rx.cond(S.comment_error != "", rx.text(S.comment_error, size="1", color_scheme="red")),
                    spacing="1",
                ),
                on_submit=S.save_comment,
                reset_on_submit=False,
            ),
            rx.hstack(
                rx.text(row["comment"], size="2", class_name="comment-text"),
                rx.cond(
                    ~S.scope_all,
                    rx.icon_button(
                        rx.icon("pencil", size=12),
                        size="1",
                        variant="ghost",
                        on_click=S.start_edit(row["id"]),
                        aria_label=t("Edit comment"),
                        class_name="comment-edit",
                    ),
                ),
                spacing="2",
                align="center",
            ),
        ),
    )


def _row(row: Row) -> rx.Component:
    return rx.table.row(
        rx.cond(
            _shown("batch"),
            rx.table.cell(
                rx.checkbox(
                    checked=row["selected"] == "1",
                    on_change=lambda _: S.toggle_row(row["id"]),
                    aria_label=t("Select"),
                    class_name="row-select",
                )
            ),
        ),
        rx.cond(_shown("id"), rx.table.cell(row["id"], class_name="cell-id")),
        rx.cond(_shown("created_at"), rx.table.cell(row["created"], white_space="nowrap")),
        rx.cond(S.scope_all, rx.table.cell(row["customer"], class_name="cell-customer")),
        rx.table.cell(rx.code(row["service_name"], variant="ghost"), class_name="cell-name"),
        rx.table.cell(row["tariff"]),
        rx.table.cell(row["main_ip"], class_name="cell-ip"),
        rx.table.cell(row["paid_until"], white_space="nowrap", class_name="cell-paid"),
        rx.table.cell(
            row["days_left"],
            justify="end",
            class_name=rx.cond(row["overdue"] == "1", "cell-days overdue", "cell-days"),
        ),
        rx.table.cell(status_badge(row["status"], row["status_label"], row["status_hint"])),
        rx.table.cell(row["price"], justify="end", white_space="nowrap", class_name="cell-price"),
        rx.cond(_shown("comment"), _comment_cell(row)),
        rx.cond(~S.scope_all, rx.table.cell(actions_menu(row))),
        class_name="order-row row-" + row["status"],
        data_id=row["id"],
    )


def table() -> rx.Component:
    return rx.box(
        rx.table.root(
            _header(),
            rx.table.body(rx.foreach(S.rows, _row)),
            width="100%",
            size="2",
            variant="surface",
            id="orders-table",
        ),
        rx.cond(
            S.loaded & (S.total == 0),
            rx.center(
                rx.vstack(
                    rx.icon("search-x", size=28, color=rx.color("gray", 9)),
                    rx.cond(S.filters_active, t("No orders match these filters."), t("You have no orders yet.")),
                    align="center",
                ),
                padding="2em",
                id="orders-empty",
            ),
        ),
        width="100%",
        overflow_x="auto",
    )


# ---- paging and export progress ---------------------------------------------------------------------


def pager() -> rx.Component:
    return rx.flex(
        rx.text(S.range_text, size="2", color_scheme="gray", id="orders-range"),
        rx.spacer(),
        rx.hstack(
            rx.icon_button(
                rx.icon("chevrons-left", size=16),
                on_click=S.go_page(1),
                disabled=S.page <= 1,
                variant="soft",
                size="2",
                aria_label=t("First page"),
                id="page-first",
            ),
            rx.icon_button(
                rx.icon("chevron-left", size=16),
                on_click=S.go_page(S.page - 1),
                disabled=S.page <= 1,
                variant="soft",
                size="2",
                aria_label=t("Previous page"),
                id="page-prev",
            ),
            rx.form(
                rx.hstack(
                    rx.text(t("Page"), size="2"),
                    rx.input(
                        name="page",
                        default_value=S.page.to_string(),
                        key=S.page.to_string(),
                        width="5em",
                        size="2",
                        id="page-input",
                        aria_label=t("Page"),
                        input_mode="numeric",
                    ),
                    rx.text(t("of"), " ", rx.text.span(S.pages, id="page-count"), size="2"),
                    spacing="2",
                    align="center",
                ),
                on_submit=S.jump_to_page,
            ),
            rx.icon_button(
                rx.icon("chevron-right", size=16),
                on_click=S.go_page(S.page + 1),
                disabled=S.page >= S.pages,
                variant="soft",
                size="2",
                aria_label=t("Next page"),
                id="page-next",
            ),
            rx.icon_button(
                rx.icon("chevrons-right", size=16),
                on_click=S.go_page(S.pages),
                disabled=S.page >= S.pages,
                variant="soft",
                size="2",
                aria_label=t("Last page"),
                id="page-last",
            ),
            spacing="2",
            align="center",
        ),
        width="100%",
        align="center",
        wrap="wrap",
        spacing="3",
    )


def export_progress() -> rx.Component:
    # Filled in by assets/export.js while the download streams (static here so React leaves it alone).
    return rx.el.div(
        rx.el.div(rx.el.div(id="export-progress-bar", class_name="export-bar"), class_name="export-track"),
        rx.el.span(id="export-progress-text", class_name="export-text"),
        id="export-progress",
        class_name="export-progress",
    )


def orders_grid() -> rx.Component:
    return rx.vstack(
        toolbar(),
        status_chips(),
        filter_panel(),
        notices(),
        export_progress(),
        selection_bar(),
        table(),
        pager(),
        renew_dialog(),
        cancel_dialog(),
        ticket_dialog(),
        spacing="3",
        width="100%",
    )
