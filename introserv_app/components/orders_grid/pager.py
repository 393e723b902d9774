"""Below the grid: the pager (pages, jump to page) and the export's progress bar."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.translate import t
from introserv_app.state.orders import OrdersGridState as S


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
                    rx.cond(
                        S.total_exact,
                        rx.text(t("of"), " ", rx.text.span(S.pages, id="page-count"), size="2"),
                        # more than 10,000 match: counting them all is asked for, not done on every view
                        rx.button(
                            t("Count all"),
                            type="button",
                            on_click=S.count_exactly,
                            variant="ghost",
                            size="2",
                            id="count-exactly",
                        ),
                    ),
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
                on_click=S.go_last,
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
