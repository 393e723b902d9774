"""Orders: the grid (filters, search, sort, pages, the matching ids, columns), one order's page, CSV export, comments,
cancellation, and the one place where an order's status changes (change_status, change_status_in_bulk: the domain's
status machine decides, the timeline records). Imports services.common and services.messaging. A new way to look at
orders, or a new order action that is not about money, goes here."""

from __future__ import annotations

# Readers: view data for screens and routes.
from ._readers.counts import status_counts
from ._readers.detail import order_detail
from ._readers.export import export_count, export_second_half, iter_orders_csv, operator_viewer
from ._readers.grid import (
    COUNT_EXACT_UPTO,
    MATCHING_LIMIT,
    MSG_SEARCH_SHORT,
    OrderRow,
    OrdersPage,
    grid_columns,
    matching_order_ids,
    orders_page,
)

# Rules in SQL.
from ._rules import cancellation_pending_sql

# Writers: commands that change data.
from ._writers.cancellation import cancel_order, withdraw_cancellation
from ._writers.comments import set_comment, set_grid_columns
from ._writers.status import change_status, change_status_in_bulk, record_status_change

__all__ = [
    "COUNT_EXACT_UPTO",
    "MATCHING_LIMIT",
    "MSG_SEARCH_SHORT",
    "OrderRow",
    "OrdersPage",
    "cancel_order",
    "cancellation_pending_sql",
    "change_status",
    "change_status_in_bulk",
    "export_count",
    "export_second_half",
    "grid_columns",
    "iter_orders_csv",
    "matching_order_ids",
    "operator_viewer",
    "order_detail",
    "orders_page",
    "record_status_change",
    "set_comment",
    "set_grid_columns",
    "status_counts",
    "withdraw_cancellation",
]
