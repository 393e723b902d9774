"""The grid's table (sortable headers, one row per order, inline comments) and the selection bar above it."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.order_actions import actions_menu
from introserv_app.components.orders_grid.columns import Row, shown
from introserv_app.components.status_badge import status_badge
from introserv_app.components.translate import t
from introserv_app.domain.grid import COLUMNS
from introserv_app.domain.text import N_
from introserv_app.state.order_actions import OrderActionsState as A
from introserv_app.state.orders import OrdersGridState as S


def selection_bar() -> rx.Component:
    return rx.cond(
        S.selected_count > 0,
        rx.hstack(
            rx.icon("list-checks", size=18),
            rx.text(t("Selected"), ": ", rx.text.strong(S.selected_count, id="selected-count"), size="2"),
            rx.text("(", S.selection_limit_text, ")", size="1", color_scheme="gray", id="selection-limit"),
            rx.cond(
                S.page_all_selected & ~S.all_matching_selected & (S.total > S.rows.length()),
                rx.button(
                    S.select_all_text,
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


def _sort_header(key: str, label: str, *, align: str = "start", class_name: str = "") -> rx.Component:
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
        justify=align,
        white_space="nowrap",
        class_name=class_name or None,
    )


def _header() -> rx.Component:
    return rx.table.header(
        rx.table.row(
            rx.cond(
                shown("batch"),
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
            rx.cond(shown("id"), _sort_header("id", COLUMNS["id"])),
            rx.cond(shown("created_at"), _sort_header("created_at", COLUMNS["created_at"])),
            rx.cond(S.scope_all, _sort_header("customer", N_("Customer"))),
            _sort_header("service_name", COLUMNS["service_name"], class_name="col-name"),
            _sort_header("tariff", COLUMNS["tariff"]),
            _sort_header("main_ip", COLUMNS["main_ip"]),
            _sort_header("paid_until", COLUMNS["paid_until"]),
            _sort_header("days_left", COLUMNS["days_left"], align="end"),
            _sort_header("status", COLUMNS["status"]),
            _sort_header("price", COLUMNS["price"], align="end"),
            rx.cond(shown("comment"), _sort_header("comment", COLUMNS["comment"])),
            rx.cond(
                ~S.scope_all,
                rx.table.column_header_cell(
                    rx.text(t("Actions"), class_name="sr-only"), width="3em", class_name="col-actions"
                ),
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
            shown("batch"),
            rx.table.cell(
                rx.checkbox(
                    checked=row["selected"] == "1",
                    on_change=lambda _: S.toggle_row(row["id"]),
                    aria_label=t("Select"),
                    class_name="row-select",
                )
            ),
        ),
        rx.cond(shown("id"), rx.table.cell(row["id"], class_name="cell-id")),
        rx.cond(shown("created_at"), rx.table.cell(row["created"], white_space="nowrap")),
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
        rx.cond(shown("comment"), _comment_cell(row)),
        rx.cond(~S.scope_all, rx.table.cell(actions_menu(row), class_name="cell-actions")),
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
