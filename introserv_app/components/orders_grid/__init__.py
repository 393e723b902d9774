"""The orders grid: one component for the customer's /orders and the staff's /staff/orders.

Everything shown comes from `OrdersGridState` (one page, formatted on the server); every control
changes the URL, and the page's on_load fetches that view.
"""

from __future__ import annotations

import reflex as rx

from introserv_app.components.order_actions import cancel_dialog, renew_dialog
from introserv_app.components.orders_grid.pager import export_progress, pager
from introserv_app.components.orders_grid.table import selection_bar, table
from introserv_app.components.orders_grid.toolbar import filter_panel, notices, toolbar
from introserv_app.components.tickets import ticket_dialog


def orders_grid() -> rx.Component:
    return rx.vstack(
        toolbar(),
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
