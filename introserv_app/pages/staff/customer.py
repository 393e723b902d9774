"""/staff/customers/<id>: one customer's card (profile, orders, money, tickets, sign-ins, audit) and actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex.vars import ArrayVar

from introserv_app.components.layout import shell
from introserv_app.components.row import Row
from introserv_app.components.status_badge import status_badge
from introserv_app.components.translate import t
from introserv_app.domain.text import N_
from introserv_app.pages.staff.api_keys import customer_api_keys_card
from introserv_app.pages.staff.customer_actions import customer_actions
from introserv_app.pages.staff.identity import caller_check
from introserv_app.pages.staff.payments import payments_card
from introserv_app.pages.staff.phone_attempts import phone_attempts_card
from introserv_app.state.staff import CustomerState


def card_field(label: str, value: rx.Var, el_id: str = "") -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(t(label)), rx.data_list.value(rx.text(value, id=el_id) if el_id else value)
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


def _table(
    headers: tuple[str, ...], rows: ArrayVar, cells: Callable[[Row], tuple[Any, ...]], el_id: str, empty: str
) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
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
            card_field(N_("Username"), i["username"], "customer-username"),
            card_field(N_("Name"), i["name"]),
            card_field(N_("Profile type"), i["type"]),
            rx.cond(S.flags["company"], card_field(N_("Company"), i["company"])),
            rx.cond(S.flags["company"], card_field(N_("VAT number"), i["vat_number"])),
            rx.cond(S.flags["company"], card_field(N_("VAT number valid"), i["vat_valid"])),
            rx.cond(
                S.flags["company"], card_field(N_("Company verification"), i["verification"], "customer-verification")
            ),
            card_field(N_("Email"), i["email"]),
            card_field(N_("Email confirmed"), i["email_confirmed"]),
            rx.cond(i["email_pending"] != "", card_field(N_("Waiting for confirmation"), i["email_pending"])),
            card_field(N_("Mobile phone"), i["phone"]),
            card_field(N_("Phone verified"), i["phone_verified"]),
            card_field(N_("Country"), i["country"], "customer-country"),
            card_field(N_("Address"), i["address"]),
            card_field(N_("Currency"), i["currency"]),
            card_field(N_("Auto renewal"), i["auto_renew"]),
            card_field(N_("Code word set"), i["code_word"]),
            card_field(N_("IP restrictions"), i["ip_rules"]),
            card_field(N_("Customer since"), i["since"]),
            card_field(N_("Last login"), i["last_login"]),
            card_field(N_("Last IP"), i["last_ip"]),
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
                customer_actions(),
                caller_check(),
                rx.grid(
                    profile,
                    rx.vstack(balance, orders, width="100%", spacing="4"),
                    columns=rx.breakpoints(initial="1", lg="2"),
                    spacing="4",
                    width="100%",
                ),
                payments_card(),
                lists,
                phone_attempts_card(),
                customer_api_keys_card(),
                spacing="4",
                width="100%",
            ),
        ),
        active="/staff/customers",
        title=t("Customer"),
    )
