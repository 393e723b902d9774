"""Orders: the grid (filters, search, sort, pages, the matching ids, columns), one order's page, CSV export, comments,
cancellation, and the one place where an order's status changes (change_status, change_status_in_bulk: the domain's
status machine decides, the timeline records). Imports services.common and services.messaging. A new way to look at
orders, or a new order action that is not about money, goes here."""

from __future__ import annotations

# Readers: view data for screens and routes.
from ._readers.counts import (
    status_counts as status_counts,
)
from ._readers.detail import (
    order_detail as order_detail,
)
from ._readers.export import (
    PARALLEL_MIN_ROWS as PARALLEL_MIN_ROWS,
)
from ._readers.export import (
    export_count as export_count,
)
from ._readers.export import (
    iter_orders_csv as iter_orders_csv,
)
from ._readers.export import (
    operator_viewer as operator_viewer,
)
from ._readers.grid import (
    MATCHING_LIMIT as MATCHING_LIMIT,
)
from ._readers.grid import (
    MSG_SEARCH_SHORT as MSG_SEARCH_SHORT,
)
from ._readers.grid import (
    OrderRow as OrderRow,
)
from ._readers.grid import (
    OrdersPage as OrdersPage,
)
from ._readers.grid import (
    grid_columns as grid_columns,
)
from ._readers.grid import (
    matching_order_ids as matching_order_ids,
)
from ._readers.grid import (
    orders_page as orders_page,
)

# Writers: commands that change data.
from ._writers.cancellation import (
    cancel_order as cancel_order,
)
from ._writers.cancellation import (
    withdraw_cancellation as withdraw_cancellation,
)
from ._writers.comments import (
    set_comment as set_comment,
)
from ._writers.comments import (
    set_grid_columns as set_grid_columns,
)
from ._writers.status import (
    SUSPENSION_KINDS as SUSPENSION_KINDS,
)
from ._writers.status import (
    change_status as change_status,
)
from ._writers.status import (
    change_status_in_bulk as change_status_in_bulk,
)
from ._writers.status import (
    record_status_change as record_status_change,
)
