"""The Reflex app: the page registry (one table: routes, pages, titles, loaders, reloaders), the HTTP routes and
the lifespan tasks; nothing else."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

import reflex as rx

from introserv_app.components.translate import t
from introserv_app.config import DATA_DIR, get_settings
from introserv_app.db.session import get_engine
from introserv_app.domain.text import N_
from introserv_app.pages.access import forgot_page, reset_page, signup_page
from introserv_app.pages.catalog import catalog_page
from introserv_app.pages.dashboard import dashboard_page
from introserv_app.pages.incidents import incidents_page
from introserv_app.pages.invoices import invoices_page
from introserv_app.pages.login import login_page
from introserv_app.pages.not_found import not_found_page
from introserv_app.pages.notifications import notifications_page
from introserv_app.pages.order_detail import order_detail_page
from introserv_app.pages.orders import orders_page, staff_orders_page
from introserv_app.pages.outbox import outbox_page
from introserv_app.pages.paylink import paylink_page
from introserv_app.pages.payments import payment_page
from introserv_app.pages.settings import settings_page
from introserv_app.pages.staff.customer import customer_page
from introserv_app.pages.staff.customers import customers_page
from introserv_app.pages.staff.dashboard import staff_dashboard_page
from introserv_app.pages.staff.incidents import staff_incidents_page
from introserv_app.pages.staff.newsletter import newsletter_page
from introserv_app.pages.staff_admin import admin_page, audit_page, staff_tickets_page
from introserv_app.pages.tariffs import tariffs_page
from introserv_app.pages.tickets import ticket_page, tickets_page
from introserv_app.pages.vat import vat_page
from introserv_app.services.jobs import lifecycle
from introserv_app.services.messaging import deliver_due
from introserv_app.state.access import ForgotState, ResetState, SignUpState
from introserv_app.state.account_sessions import SessionsState
from introserv_app.state.api_keys import ApiKeysState
from introserv_app.state.binding import SessionBinding
from introserv_app.state.catalog import CatalogState
from introserv_app.state.dashboard import DashboardState
from introserv_app.state.errors import on_backend_error
from introserv_app.state.fields import Event
from introserv_app.state.incidents import IncidentsState, StaffIncidentsState
from introserv_app.state.invoices import InvoicesState
from introserv_app.state.login import LoginState
from introserv_app.state.notifications import NotificationsState
from introserv_app.state.order_detail import OrderDetailState
from introserv_app.state.orders import OrdersGridState
from introserv_app.state.outbox import OutboxState
from introserv_app.state.paylink import PayLinkState
from introserv_app.state.payments import PaymentPageState
from introserv_app.state.reloaders import register_page, register_shell
from introserv_app.state.security import SecurityState
from introserv_app.state.servers import ServerState
from introserv_app.state.session import SessionState
from introserv_app.state.settings import SettingsState
from introserv_app.state.staff import CustomerSearchState, CustomerState, StaffDashboardState
from introserv_app.state.staff_admin import AdminState, AuditState, StaffTicketsState
from introserv_app.state.staff_newsletter import NewsletterState
from introserv_app.state.tariffs import TariffsState
from introserv_app.state.tickets import TicketsState, TicketThreadState
from introserv_app.state.vat import VatPageState
from introserv_app.tools.bmc_sim import SimulatedServer
from introserv_app.tools.seed.demo import DEMO_BMC_PASSWORD, DEMO_BMC_PORT, DEMO_BMC_USER, DEMO_SOL_PORT
from introserv_app.web.origin import require_socket_origin
from introserv_app.web.routes import build_api
from introserv_app.web.state_store import keep_keyspace_notifications

log = logging.getLogger("introserv")

app = rx.App(
    # Our HTTP routes next to Reflex's, then the event socket's Origin check around both (web/origin.py).
    api_transformer=[build_api(), require_socket_origin],
    stylesheets=["/styles.css"],
    head_components=[rx.script(src="/export.js"), rx.script(src="/auth.js"), rx.script(src="/passkeys.js")],
    toaster=rx.toast.provider(position="top-right"),
    backend_exception_handler=on_backend_error,
)
# A tab's states belong to the sign-in that loaded them (state/binding.py): checked before every event.
app.add_middleware(SessionBinding(), index=0)


@dataclass(frozen=True)
class Page:
    """One page of the panel: where it is, what it shows and which events load its data."""

    route: str
    component: Callable[[], rx.Component]
    #: Run on every load of the page, in order (a signed-in page checks the session first).
    on_load: tuple[Event, ...] = ()
    #: Reloads the page's server-formatted data (after a language switch, after a dialog's action).
    reload: Event | None = None
    #: The browser tab's title before " · INTROSERV": a msgid (shown in the viewer's language) or a Var of the page's
    #: state for a page about one thing (an order, a ticket, a customer).
    title: str | rx.Var = ""


def tab_title(page: Page) -> rx.Var:
    """What the browser tab says, e.g. "Orders · INTROSERV", "Заказ vps-1a2b · INTROSERV"."""
    if isinstance(page.title, rx.Var):
        return rx.Var.create(f"{page.title} · {BRAND}")
    return rx.Var.create(f"{t(page.title)} · {BRAND}") if page.title else rx.Var.create(BRAND)


CHECK_LOGIN, CHECK_STAFF = SessionState.check_login, SessionState.check_staff
BRAND = "INTROSERV"


def _about(state_title: rx.Var, found: rx.Var, msgid: str) -> rx.Var:
    """A page about one thing: "<what> <which>" once it is loaded, the bare word before."""
    return rx.cond(found, rx.Var.create(f"{t(msgid)} {state_title}"), t(msgid))


#: Every page of the panel (`add_page` and the reloaders of `state.reloaders` are made from it).
PAGES: tuple[Page, ...] = (
    Page("/login", login_page, (LoginState.open_page,), title=N_("Sign in")),
    Page("/signup", signup_page, (SignUpState.open_page,), title=N_("Sign up")),
    Page("/forgot", forgot_page, (ForgotState.open_page,), title=N_("Forgot your password?")),
    Page("/reset", reset_page, (ResetState.open_page,), title=N_("Set a new password")),
    Page(
        "/",
        dashboard_page,
        (CHECK_LOGIN, DashboardState.load, NotificationsState.load_banners),
        DashboardState.load,
        title=N_("Dashboard"),
    ),
    Page("/orders", orders_page, (OrdersGridState.open_page,), OrdersGridState.load, title=N_("Orders")),
    Page(
        "/orders/[order_id]",
        order_detail_page,
        (OrderDetailState.open_page, ServerState.load),
        OrderDetailState.load,
        title=_about(OrderDetailState.fields["name"], OrderDetailState.found, N_("Order")),
    ),
    Page("/order", catalog_page, (CHECK_LOGIN, CatalogState.load), CatalogState.load, title=N_("Order a service")),
    Page("/invoices", invoices_page, (CHECK_LOGIN, InvoicesState.load), InvoicesState.load, title=N_("Invoices")),
    Page(
        "/payments/[payment_id]",
        payment_page,
        (CHECK_LOGIN, PaymentPageState.load),
        PaymentPageState.load,
        title=N_("Payment"),
    ),
    Page("/tickets", tickets_page, (CHECK_LOGIN, TicketsState.load), TicketsState.load, title=N_("Tickets")),
    Page(
        "/tickets/[ticket_id]",
        ticket_page,
        (CHECK_LOGIN, TicketThreadState.load),
        TicketThreadState.load,
        title=_about(TicketThreadState.ticket["subject"], TicketThreadState.found, N_("Ticket")),
    ),
    Page("/incidents", incidents_page, (CHECK_LOGIN, IncidentsState.load), IncidentsState.load, title=N_("Incidents")),
    Page(
        "/incidents/[incident_id]",
        incidents_page,
        (CHECK_LOGIN, IncidentsState.load),
        IncidentsState.load,
        title=N_("Incidents"),
    ),
    Page(
        "/notifications",
        notifications_page,
        (CHECK_LOGIN, NotificationsState.load),
        NotificationsState.load,
        title=N_("Notifications"),
    ),
    Page(
        "/settings",
        settings_page,
        (CHECK_LOGIN, SettingsState.load, SecurityState.load, SessionsState.load, ApiKeysState.load),
        SettingsState.load,
        title=N_("Settings"),
    ),
    Page("/vat", vat_page, (CHECK_LOGIN, VatPageState.load), VatPageState.load, title=N_("VAT rates")),
    Page("/pay", paylink_page, (PayLinkState.load,), PayLinkState.load, title=N_("Pay an invoice")),
    Page(
        "/staff",
        staff_dashboard_page,
        (CHECK_STAFF, StaffDashboardState.load),
        StaffDashboardState.load,
        title=N_("Support dashboard"),
    ),
    Page(
        "/staff/orders",
        staff_orders_page,
        (CHECK_STAFF, OrdersGridState.load),
        OrdersGridState.load,
        title=N_("All orders"),
    ),
    Page(
        "/staff/customers",
        customers_page,
        (CHECK_STAFF, CustomerSearchState.load),
        CustomerSearchState.load,
        title=N_("Customers"),
    ),
    Page(
        "/staff/customers/[customer_id]",
        customer_page,
        (CHECK_STAFF, CustomerState.load),
        CustomerState.load,
        title=_about(CustomerState.info["username"], CustomerState.found, N_("Customer")),
    ),
    Page(
        "/staff/tickets",
        staff_tickets_page,
        (CHECK_STAFF, StaffTicketsState.load),
        StaffTicketsState.load,
        title=N_("Ticket queue"),
    ),
    Page(
        "/staff/incidents",
        staff_incidents_page,
        (CHECK_STAFF, StaffIncidentsState.load),
        StaffIncidentsState.load,
        title=N_("Incidents"),
    ),
    Page("/staff/tariffs", tariffs_page, (CHECK_STAFF, TariffsState.load), TariffsState.load, title=N_("Tariffs")),
    Page("/staff/outbox", outbox_page, (CHECK_STAFF, OutboxState.load), OutboxState.load, title=N_("Email outbox")),
    Page(
        "/staff/newsletter",
        newsletter_page,
        (CHECK_STAFF, NewsletterState.load),
        NewsletterState.load,
        title=N_("Newsletter"),
    ),
    Page("/staff/audit", audit_page, (CHECK_STAFF, AuditState.load), AuditState.load, title=N_("Audit log")),
    Page("/staff/admin", admin_page, (CHECK_STAFF, AdminState.load), AdminState.load, title=N_("Administration")),
    Page("404", not_found_page, title=N_("Page not found.")),
)
#: What every page shows from the server (the top bar's balance, the banners): reloaded with the page.
SHELL_RELOADS: tuple[Event, ...] = (CHECK_LOGIN, NotificationsState.load_banners)

for page in PAGES:
    app.add_page(
        page.component,
        route=page.route,
        title=tab_title(page),
        on_load=(page.on_load[0] if len(page.on_load) == 1 else list(page.on_load)) if page.on_load else None,
    )
    if page.reload is not None:
        register_page(page.route, page.reload)
register_shell(*SHELL_RELOADS)


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


@app.register_lifespan_task
async def demo_server() -> None:
    """`make run` (INTROSERV_DEMO_BMC=1, one process): a simulated BMC for the demo dedicated server, so a new user
    can press its buttons. Needs Debian's ipmi_sim; stops with the panel."""
    if os.environ.get("INTROSERV_DEMO_BMC") != "1" or get_settings().redis_url or not SimulatedServer.available():
        return
    sim = SimulatedServer(DEMO_BMC_PORT, DEMO_SOL_PORT, DEMO_BMC_USER, DEMO_BMC_PASSWORD, DATA_DIR / "demo-bmc")
    try:
        await asyncio.to_thread(sim.start)
    except (RuntimeError, OSError) as exc:
        log.warning("the demo server's BMC did not start: %s", exc)
        return
    try:
        await asyncio.Event().wait()
    finally:
        await asyncio.to_thread(sim.stop)
