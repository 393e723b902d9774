"""/staff (dashboard), /staff/customers (search) and /staff/customers/<id> (one customer, with actions)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.charts import monthly_bars
from introserv_app.components.confirm import confirm_action, reason_field
from introserv_app.components.layout import shell
from introserv_app.components.pager import simple_pager
from introserv_app.components.stat import stat_card
from introserv_app.components.status_badge import status_badge
from introserv_app.components.translate import t
from introserv_app.domain.text import N_
from introserv_app.state.staff import CustomerSearchState, CustomerState, StaffDashboardState


def _counts_table(rows: rx.Var, prefix: str, key: str) -> rx.Component:
    return rx.table.root(
        rx.table.body(
            rx.foreach(
                rows,
                lambda r: rx.table.row(
                    rx.table.cell(r["label"]),
                    rx.table.cell(rx.text(r["count"], weight="bold"), justify="end"),
                    id=prefix + r[key],
                ),
            )
        ),
        width="100%",
    )


def staff_dashboard_page() -> rx.Component:
    S = StaffDashboardState
    return shell(
        rx.flex(
            stat_card(
                N_("Running orders"),
                S.cards["running"],
                "server",
                "staff-stat-running",
                "/staff/orders?status=processed",
            ),
            stat_card(
                N_("Waiting to be processed"),
                S.cards["processing"],
                "loader",
                "staff-stat-processing",
                "/staff/orders?status=processing",
            ),
            stat_card(N_("Expiring within 7 days"), S.cards["expiring"], "calendar-clock", "staff-stat-expiring"),
            stat_card(N_("Suspended"), S.cards["suspended"], "circle-pause", "staff-stat-suspended"),
            stat_card(N_("Open tickets"), S.cards["tickets"], "life-buoy", "staff-stat-tickets", "/staff/tickets"),
            wrap="wrap",
            spacing="4",
            width="100%",
        ),
        rx.grid(
            rx.card(
                rx.heading(t("Revenue per month (net, in EUR at current rates)"), size="4"),
                rx.text(t("Last 12 months"), ": ", rx.text.strong(S.revenue_total, id="revenue-total"), size="2"),
                monthly_bars(S.revenue, "revenue-chart"),
                width="100%",
            ),
            rx.card(
                rx.heading(t("Open tickets by time since the last message"), size="4", margin_bottom="0.5em"),
                _counts_table(S.tickets_by_age, "tickets-age-", "age"),
                rx.link(t("Open the ticket queue"), href="/staff/tickets", size="2"),
                width="100%",
            ),
            rx.card(
                rx.heading(t("All orders by status"), size="4", margin_bottom="0.5em"),
                rx.table.root(
                    rx.table.body(
                        rx.foreach(
                            S.status_rows,
                            lambda r: rx.table.row(
                                rx.table.cell(rx.link(r["label"], href="/staff/orders?status=" + r["status"])),
                                rx.table.cell(rx.text(r["count"], weight="bold"), justify="end"),
                                id="staff-status-" + r["status"],
                            ),
                        )
                    ),
                    width="100%",
                ),
                width="100%",
            ),
            rx.card(
                rx.heading(t("Email outbox"), size="4", margin_bottom="0.5em"),
                rx.hstack(
                    rx.text(t("Waiting"), ": ", rx.text.strong(S.cards["outbox_pending"], id="outbox-pending")),
                    rx.text(t("Failed"), ": ", rx.text.strong(S.cards["outbox_failed"], id="outbox-failed")),
                    rx.link(t("Open the outbox"), href="/staff/outbox"),
                    spacing="4",
                    size="2",
                ),
                rx.cond(
                    S.failed.length() > 0,  # type: ignore[attr-defined]
                    rx.table.root(
                        rx.table.body(
                            rx.foreach(
                                S.failed,
                                lambda m: rx.table.row(
                                    rx.table.cell(m["created"]),
                                    rx.table.cell(m["to"]),
                                    rx.table.cell(m["subject"], rx.text(m["error"], size="1", color_scheme="red")),
                                    rx.table.cell(rx.button(t("Retry"), size="1", on_click=S.retry(m["id"]))),
                                ),
                            )
                        ),
                        width="100%",
                        size="1",
                    ),
                ),
                width="100%",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        active="/staff",
        title=t("Support dashboard"),
    )


def customers_page() -> rx.Component:
    S = CustomerSearchState
    return shell(
        rx.form(
            rx.hstack(
                rx.input(
                    name="q",
                    default_value=S.query,
                    key=S.query,
                    placeholder=t("Username, name, company, email, order name or IP address"),
                    id="customer-search",
                    width="100%",
                    max_length=100,
                ),
                rx.button(rx.icon("search", size=16), t("Search"), type="submit", id="customer-search-go"),
                width="100%",
            ),
            on_submit=S.search,
            width="100%",
            max_width="44em",
        ),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red")),
        rx.text(t("Customers found"), ": ", S.total, size="2", color_scheme="gray"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t("Username")),
                    rx.table.column_header_cell(t("Name")),
                    rx.table.column_header_cell(t("Email")),
                    rx.table.column_header_cell(t("Country")),
                    rx.table.column_header_cell(t("Orders")),
                    rx.table.column_header_cell(t("Customer since")),
                )
            ),
            rx.table.body(
                rx.foreach(
                    S.rows,
                    lambda r: rx.table.row(
                        rx.table.cell(
                            rx.link(
                                r["username"], href="/staff/customers/" + r["id"], id="customer-link-" + r["username"]
                            ),
                            rx.cond(
                                r["active"] == "", rx.badge(t("Switched off"), color_scheme="gray", margin_left="0.5em")
                            ),
                        ),
                        rx.table.cell(
                            r["name"], rx.cond(r["company"] != "", rx.text(r["company"], size="1", color_scheme="gray"))
                        ),
                        rx.table.cell(r["email"]),
                        rx.table.cell(r["country"]),
                        rx.table.cell(r["orders"]),
                        rx.table.cell(r["since"]),
                    ),
                )
            ),
            width="100%",
            variant="surface",
            id="customers-table",
        ),
        simple_pager(S.page, S.pages, S.go_page),
        active="/staff/customers",
        title=t("Customers"),
    )


def _field(label: str, value: rx.Var, el_id: str = "") -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(t(label)), rx.data_list.value(rx.text(value, id=el_id) if el_id else value)
    )


def _wiring() -> dict:  # type: ignore[type-arg]
    S = CustomerState
    return {"current": S.dialog, "show": S.show, "error": S.action_error}


def _account_action(key: str, label: str, title: str, description: str, color: str = "blue") -> rx.Component:
    S = CustomerState
    return confirm_action(
        key=key,
        label=label,
        title=title,
        description=description,
        on_submit=lambda _form: S.account_action(key),
        color=color,
        **_wiring(),
    )


def _actions() -> rx.Component:
    S = CustomerState
    return rx.card(
        rx.heading(t("Actions"), size="4", margin_bottom="0.5em"),
        rx.flex(
            confirm_action(
                key="adjust",
                label=N_("Adjust the balance"),
                title=N_("Adjust the balance"),
                description=N_(
                    "A positive amount credits the account, a negative one debits it (never below zero). "
                    "The ledger keeps the reason, and the customer gets an email."
                ),
                fields=(
                    rx.el.label(t("Amount"), html_for="adjust-amount", class_name="field-label"),
                    rx.input(name="amount", id="adjust-amount", placeholder="10.00 / -5.00", max_length=20),
                    reason_field(el_id="adjust-reason"),
                ),
                on_submit=S.adjust,
                color="blue",
                confirm_label=N_("Post the adjustment"),
                **_wiring(),
            ),
            confirm_action(
                key="country",
                label=N_("Change the country"),
                title=N_("Change the customer's country"),
                description=N_(
                    "Do this only when the customer asked for it (e.g. in a ticket). New invoices use the "
                    "VAT rules of the new country; the customer is told."
                ),
                fields=(
                    rx.el.select(
                        rx.foreach(S.countries, lambda c: rx.el.option(c[1], value=c[0])),
                        name="country",
                        id="country-select",
                        default_value=S.info["country_code"],
                        class_name="native-select",
                    ),
                    reason_field(el_id="country-reason"),
                ),
                on_submit=S.change_country,
                color="blue",
                confirm_label=N_("Change the country"),
                **_wiring(),
            ),
            rx.cond(
                S.flags["pending_verification"],
                _account_action(
                    "verify_company",
                    N_("Verify the company profile"),
                    N_("Verify this company profile?"),
                    N_("Check the company documents first. The customer can then pay invoices and is told."),
                    "green",
                ),
            ),
            rx.cond(
                S.flags["ip_rules"],
                _account_action(
                    "clear_ip",
                    N_("Clear IP restrictions"),
                    N_("Clear the IP restrictions?"),
                    N_(
                        "Anyone with the password can then sign in from any address. Check the caller's identity "
                        "(code word, call password) first. The customer is told."
                    ),
                    "orange",
                ),
            ),
            rx.cond(
                S.flags["code_word"],
                _account_action(
                    "reset_code_word",
                    N_("Reset the code word"),
                    N_("Reset the code word?"),
                    N_("The customer can then set a new one in Settings. Check their identity first; they are told."),
                    "orange",
                ),
            ),
            rx.cond(
                S.flags["unconfirmed"],
                _account_action(
                    "resend_confirmation",
                    N_("Resend the email confirmation"),
                    N_("Send a new confirmation link?"),
                    N_("A new single-use link, valid for 24 hours, goes to the address waiting for confirmation."),
                ),
            ),
            wrap="wrap",
            spacing="3",
        ),
        width="100%",
        id="customer-actions",
    )


def _sign_in_attempts() -> rx.Component:
    """Someone guessing the customer's password: counts, the addresses, a link to the events."""
    S = CustomerState
    return rx.cond(
        S.attempts_summary != "",
        rx.callout(
            rx.vstack(
                rx.text(S.attempts_summary, id="sign-in-attempts"),
                rx.hstack(
                    rx.foreach(
                        S.attempt_addresses,
                        lambda r: rx.badge(r["ip"], ": ", r["failures"], variant="soft", class_name="attempt-ip"),
                    ),
                    wrap="wrap",
                ),
                rx.link(
                    t("Sign-in events in the audit log"),
                    href="/staff/audit?customer=" + S.info["username"] + "&action=login",
                    size="2",
                ),
                spacing="1",
            ),
            icon="shield-alert",
            color_scheme=rx.cond(S.attempts_alarm, "red", "gray"),
            margin_bottom="0.5em",
            id="sign-in-attempts-box",
        ),
    )


def _table(headers: tuple[str, ...], rows: rx.Var, cells, el_id: str, empty: str) -> rx.Component:  # type: ignore[no-untyped-def]
    return rx.cond(
        rows.length() > 0,  # type: ignore[attr-defined]
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(h)) for h in headers])),
            rx.table.body(rx.foreach(rows, lambda r: rx.table.row(*[rx.table.cell(c) for c in cells(r)]))),
            width="100%",
            size="1",
            id=el_id,
        ),
        rx.text(t(empty), color_scheme="gray", size="2"),
    )


def customer_page() -> rx.Component:
    S = CustomerState
    i = S.info
    profile = rx.card(
        rx.heading(t("Profile"), size="4", margin_bottom="0.5em"),
        rx.data_list.root(
            _field(N_("Username"), i["username"], "customer-username"),
            _field(N_("Name"), i["name"]),
            _field(N_("Profile type"), i["type"]),
            rx.cond(S.flags["company"], _field(N_("Company"), i["company"])),
            rx.cond(S.flags["company"], _field(N_("VAT number"), i["vat_number"])),
            rx.cond(S.flags["company"], _field(N_("VAT number valid"), i["vat_valid"])),
            rx.cond(S.flags["company"], _field(N_("Company verification"), i["verification"], "customer-verification")),
            _field(N_("Email"), i["email"]),
            _field(N_("Email confirmed"), i["email_confirmed"]),
            rx.cond(i["email_pending"] != "", _field(N_("Waiting for confirmation"), i["email_pending"])),
            _field(N_("Mobile phone"), i["phone"]),
            _field(N_("Phone verified"), i["phone_verified"]),
            _field(N_("Country"), i["country"], "customer-country"),
            _field(N_("Address"), i["address"]),
            _field(N_("Currency"), i["currency"]),
            _field(N_("Auto renewal"), i["auto_renew"]),
            _field(N_("Code word set"), i["code_word"]),
            _field(N_("IP restrictions"), i["ip_rules"]),
            _field(N_("Customer since"), i["since"]),
            _field(N_("Last login"), i["last_login"]),
            _field(N_("Last IP"), i["last_ip"]),
            size="2",
        ),
        width="100%",
    )
    balance = rx.card(
        rx.hstack(
            rx.heading(t("Balance"), size="4"),
            rx.heading(i["balance"], size="4", id="customer-balance"),
            justify="between",
            width="100%",
        ),
        _table(
            (N_("Date"), N_("Type"), N_("Amount"), N_("Note"), N_("By")),
            S.ledger,
            lambda r: (r["at"], r["kind"], r["amount"], r["note"], r["actor"]),
            "customer-ledger",
            N_("No entries yet."),
        ),
        width="100%",
    )
    orders = rx.card(
        rx.hstack(
            rx.heading(t("Orders"), " (", i["orders_total"], ")", size="4"),
            rx.link(t("Open in the orders grid"), href="/staff/orders?customer=" + i["username"], size="2"),
            justify="between",
            width="100%",
        ),
        rx.flex(
            rx.foreach(S.status_rows, lambda r: rx.badge(r["label"], ": ", r["count"], variant="soft")),
            wrap="wrap",
            spacing="2",
            margin_y="0.5em",
        ),
        _table(
            (N_("Service"), N_("Tariff plan"), N_("Status"), N_("Main IP"), N_("Paid until"), N_("Price")),
            S.orders,
            lambda r: (
                rx.link(r["name"], href="/orders/" + r["id"], id="customer-order-" + r["name"]),
                r["tariff"],
                status_badge(r["status"], r["status_label"], ""),
                r["ip"],
                r["paid_until"],
                r["price"],
            ),
            "customer-orders",
            N_("No orders yet."),
        ),
        width="100%",
    )
    lists = rx.grid(
        rx.card(
            rx.heading(t("Invoices"), size="4", margin_bottom="0.5em"),
            _table(
                (N_("Number"), N_("Date"), N_("Status"), N_("Amount")),
                S.invoices,
                lambda r: (
                    rx.link(r["number"], href="/invoices/" + r["id"] + ".pdf", is_external=True),
                    r["issued"],
                    r["status"],
                    r["gross"],
                ),
                "customer-invoices",
                N_("No invoices yet."),
            ),
            width="100%",
        ),
        rx.card(
            rx.heading(t("Tickets"), size="4", margin_bottom="0.5em"),
            _table(
                (N_("Subject"), N_("Category"), N_("Status"), N_("Updated")),
                S.tickets,
                lambda r: (
                    rx.link("#", r["id"], " ", r["subject"], href="/tickets/" + r["id"]),
                    r["category"],
                    r["status"],
                    r["updated"],
                ),
                "customer-tickets",
                N_("No tickets yet."),
            ),
            width="100%",
        ),
        rx.card(
            rx.heading(t("Login history"), size="4", margin_bottom="0.5em"),
            _sign_in_attempts(),
            _table(
                (N_("Date"), N_("IP address"), N_("Result")),
                S.logins,
                lambda r: (r["at"], r["ip"], r["result"]),
                "customer-logins",
                N_("No logins yet."),
            ),
            width="100%",
        ),
        rx.card(
            rx.hstack(
                rx.heading(t("Audit trail"), size="4"),
                rx.link(t("Full audit log"), href="/staff/audit?customer=" + i["username"], size="2"),
                justify="between",
                width="100%",
                margin_bottom="0.5em",
            ),
            _table(
                (N_("Date"), N_("Action"), N_("By"), N_("IP address"), N_("Details")),
                S.audit,
                lambda r: (
                    r["at"],
                    rx.hstack(rx.code(r["action"]), rx.cond(r["ok"] == "", rx.badge(t("refused"), color_scheme="red"))),
                    r["actor"],
                    r["ip"],
                    rx.text(r["details"], size="1", class_name="audit-details"),
                ),
                "customer-audit",
                N_("No events yet."),
            ),
            width="100%",
        ),
        columns=rx.breakpoints(initial="1", lg="2"),
        spacing="4",
        width="100%",
    )
    return shell(
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red", id="customer-error")),
        rx.cond(
            S.found,
            rx.vstack(
                rx.link(
                    rx.icon("arrow-left", size=14),
                    t("Customers"),
                    href="/staff/customers",
                    size="2",
                    display="inline-flex",
                    align_items="center",
                ),
                rx.cond(~S.flags["active"], rx.callout(t("This account is switched off."), color_scheme="gray")),
                _actions(),
                rx.grid(
                    profile,
                    rx.vstack(balance, orders, width="100%", spacing="4"),
                    columns=rx.breakpoints(initial="1", lg="2"),
                    spacing="4",
                    width="100%",
                ),
                lists,
                spacing="4",
                width="100%",
            ),
        ),
        active="/staff/customers",
        title=t("Customer"),
    )
