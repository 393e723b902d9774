"""/orders (the customer's own orders) and /staff/orders (every customer's): the same grid."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import shell
from introserv_app.components.notifications import notification_banners
from introserv_app.components.orders_grid import orders_grid
from introserv_app.components.translate import t


def orders_page() -> rx.Component:
    return shell(orders_grid(), active="/orders", title=t("Orders"), banners=notification_banners())


def staff_orders_page() -> rx.Component:
    return shell(orders_grid(), active="/staff/orders", title=t("All orders"))
