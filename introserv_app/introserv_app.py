"""The Reflex app: routes and lifespan tasks, nothing else."""

from __future__ import annotations

import asyncio
import logging

import reflex as rx

from introserv_app.config import get_settings
from introserv_app.db.session import get_engine
from introserv_app.pages.catalog import catalog_page
from introserv_app.pages.dashboard import dashboard_page
from introserv_app.pages.invoices import invoices_page
from introserv_app.pages.login import login_page
from introserv_app.pages.not_found import not_found_page
from introserv_app.pages.notifications import notifications_page
from introserv_app.pages.order_detail import order_detail_page
from introserv_app.pages.orders import orders_page, staff_orders_page
from introserv_app.pages.outbox import outbox_page
from introserv_app.pages.paylink import paylink_page
from introserv_app.pages.settings import settings_page
from introserv_app.pages.staff import customer_page, customers_page, staff_dashboard_page
from introserv_app.pages.staff_admin import admin_page, audit_page, staff_tickets_page
from introserv_app.pages.tariffs import tariffs_page
from introserv_app.pages.tickets import ticket_page, tickets_page
from introserv_app.services.jobs import lifecycle
from introserv_app.services.messaging import deliver_due
from introserv_app.state.binding import SessionBinding
from introserv_app.state.catalog import CatalogState
from introserv_app.state.dashboard import DashboardState
from introserv_app.state.errors import on_backend_error
from introserv_app.state.invoices import InvoicesState
from introserv_app.state.locale import PAGE_RELOADERS, SHELL_RELOADERS
from introserv_app.state.login import LoginState
from introserv_app.state.notifications import NotificationsState
from introserv_app.state.order_detail import OrderDetailState
from introserv_app.state.orders import OrdersGridState
from introserv_app.state.outbox import OutboxState
from introserv_app.state.paylink import PayLinkState
from introserv_app.state.session import SessionState
from introserv_app.state.settings import SettingsState
from introserv_app.state.staff import CustomerSearchState, CustomerState, StaffDashboardState
from introserv_app.state.staff_admin import AdminState, AuditState, StaffTicketsState
from introserv_app.state.tariffs import TariffsState
from introserv_app.state.tickets import TicketsState, TicketThreadState
from introserv_app.web.origin import require_socket_origin
from introserv_app.web.routes import build_api
from introserv_app.web.state_store import keep_keyspace_notifications

log = logging.getLogger("introserv")

app = rx.App(
    # Our HTTP routes next to Reflex's, then the event socket's Origin check around both (web/origin.py).
    api_transformer=[build_api(), require_socket_origin],
    stylesheets=["/styles.css"],
    head_components=[rx.script(src="/export.js"), rx.script(src="/auth.js")],
    toaster=rx.toast.provider(position="top-right"),
    backend_exception_handler=on_backend_error,
)
# A tab's states belong to the sign-in that loaded them (state/binding.py): checked before every event.
app.add_middleware(SessionBinding(), index=0)

app.add_page(login_page, route="/login", title="INTROSERV", on_load=LoginState.open_page)
app.add_page(
    dashboard_page,
    route="/",
    title="INTROSERV",
    on_load=[SessionState.check_login, DashboardState.load, NotificationsState.load_banners],
)
app.add_page(
    outbox_page, route="/staff/outbox", title="INTROSERV", on_load=[SessionState.check_staff, OutboxState.load]
)
app.add_page(
    order_detail_page,
    route="/orders/[order_id]",
    title="INTROSERV",
    on_load=OrderDetailState.open_page,
)
app.add_page(
    orders_page,
    route="/orders",
    title="INTROSERV",
    on_load=OrdersGridState.open_page,
)
app.add_page(
    notifications_page,
    route="/notifications",
    title="INTROSERV",
    on_load=[SessionState.check_login, NotificationsState.load],
)
app.add_page(
    staff_orders_page,
    route="/staff/orders",
    title="INTROSERV",
    on_load=[SessionState.check_staff, OrdersGridState.load],
)
app.add_page(
    invoices_page, route="/invoices", title="INTROSERV", on_load=[SessionState.check_login, InvoicesState.load]
)
app.add_page(catalog_page, route="/order", title="INTROSERV", on_load=[SessionState.check_login, CatalogState.load])
app.add_page(
    ticket_page,
    route="/tickets/[ticket_id]",
    title="INTROSERV",
    on_load=[SessionState.check_login, TicketThreadState.load],
)
app.add_page(tickets_page, route="/tickets", title="INTROSERV", on_load=[SessionState.check_login, TicketsState.load])
app.add_page(paylink_page, route="/pay", title="INTROSERV", on_load=PayLinkState.load)
app.add_page(
    tariffs_page, route="/staff/tariffs", title="INTROSERV", on_load=[SessionState.check_staff, TariffsState.load]
)
app.add_page(
    settings_page, route="/settings", title="INTROSERV", on_load=[SessionState.check_login, SettingsState.load]
)
app.add_page(
    staff_dashboard_page,
    route="/staff",
    title="INTROSERV",
    on_load=[SessionState.check_staff, StaffDashboardState.load],
)
app.add_page(
    customers_page,
    route="/staff/customers",
    title="INTROSERV",
    on_load=[SessionState.check_staff, CustomerSearchState.load],
)
app.add_page(
    customer_page,
    route="/staff/customers/[customer_id]",
    title="INTROSERV",
    on_load=[SessionState.check_staff, CustomerState.load],
)
app.add_page(
    staff_tickets_page,
    route="/staff/tickets",
    title="INTROSERV",
    on_load=[SessionState.check_staff, StaffTicketsState.load],
)
app.add_page(audit_page, route="/staff/audit", title="INTROSERV", on_load=[SessionState.check_staff, AuditState.load])
app.add_page(admin_page, route="/staff/admin", title="INTROSERV", on_load=[SessionState.check_staff, AdminState.load])
app.add_page(not_found_page, route="404", title="INTROSERV")

PAGE_RELOADERS.update(
    {
        "/": DashboardState.load,
        "/orders": OrdersGridState.load,
        "/staff/orders": OrdersGridState.load,
        "/invoices": InvoicesState.load,
        "/staff/outbox": OutboxState.load,
        "/staff/tariffs": TariffsState.load,
        "/settings": SettingsState.load,
        "/pay": PayLinkState.load,
        "/orders/[id]": OrderDetailState.load,
        "/order": CatalogState.load,
        "/tickets": TicketsState.load,
        "/tickets/[id]": TicketThreadState.load,
        "/notifications": NotificationsState.load,
        "/staff": StaffDashboardState.load,
        "/staff/customers": CustomerSearchState.load,
        "/staff/customers/[id]": CustomerState.load,
        "/staff/tickets": StaffTicketsState.load,
        "/staff/audit": AuditState.load,
        "/staff/admin": AdminState.load,
    }
)
SHELL_RELOADERS.extend([SessionState.check_login, NotificationsState.load_banners])


@app.register_lifespan_task
async def email_sender() -> None:
    """Deliver the outbox every 30 s while SMTP is configured (retries with backoff)."""
    smtp = get_settings().smtp
    if not smtp.configured:
        return
    while True:
        try:
            await asyncio.to_thread(deliver_due, engine=get_engine(), smtp=smtp)
        except Exception:
            log.exception("email delivery run failed")
        await asyncio.sleep(30)


@app.register_lifespan_task
async def lifecycle_job() -> None:
    """Run the lifecycle job every INTROSERV_LIFECYCLE_INTERVAL seconds (0: never); a lock keeps several
    workers from running it at once."""
    interval = get_settings().lifecycle_interval
    if interval <= 0:
        return
    while True:
        try:
            await asyncio.to_thread(lifecycle.run, engine=get_engine())
        except Exception:
            log.exception("lifecycle run failed; it is retried on the next run")
        await asyncio.sleep(interval)


@app.register_lifespan_task
async def state_store_watch() -> None:
    """Scale-out mode: keep Redis's keyspace notifications on (web/state_store.py)."""
    url = get_settings().redis_url
    if url:
        await keep_keyspace_notifications(url)
