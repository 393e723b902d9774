"""/ : the dashboard (own orders for customers, everyone's for staff)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.charts import monthly_bars
from introserv_app.components.layout import shell
from introserv_app.components.notifications import notification_banners
from introserv_app.components.stat import stat_card
from introserv_app.components.status_badge import status_badge
from introserv_app.components.translate import t
from introserv_app.domain.text import N_
from introserv_app.state.dashboard import DashboardState


def _banners() -> rx.Component:
    return rx.vstack(notification_banners(), _unpaid(), spacing="2", width="100%")


def _unpaid() -> rx.Component:
    return rx.cond(
        (DashboardState.unpaid_invoices > 0) & ~DashboardState.scope_all,
        rx.callout(
            rx.hstack(t("Unpaid invoices"), ":", rx.text(DashboardState.unpaid_invoices, weight="bold"), spacing="1"),
            icon="receipt",
            color_scheme="orange",
            id="banner-unpaid",
            width="100%",
        ),
    )


def _status_table() -> rx.Component:
    return rx.card(
        rx.heading(
            rx.cond(DashboardState.scope_all, t("All orders by status"), t("Your orders by status")),
            size="4",
            margin_bottom="0.5em",
        ),
        rx.table.root(
            rx.table.body(
                rx.foreach(
                    DashboardState.status_rows,
                    lambda row: rx.table.row(
                        rx.table.cell(status_badge(row["status"], row["label"], row["hint"])),
                        rx.table.cell(rx.text(row["count"], weight="bold"), justify="end"),
                        id="status-" + row["status"],
                    ),
                )
            ),
            width="100%",
        ),
        width="100%",
    )


def _renewals() -> rx.Component:
    return rx.card(
        rx.heading(t("Next renewals"), size="4", margin_bottom="0.5em"),
        rx.cond(
            DashboardState.renewals.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(t("Service")),
                        rx.table.column_header_cell(t("Tariff plan")),
                        rx.table.column_header_cell(t("Paid until")),
                        rx.table.column_header_cell(t("Days left")),
                        rx.table.column_header_cell(t("Price")),
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        DashboardState.renewals,
                        lambda r: rx.table.row(
                            rx.table.cell(rx.code(r["name"])),
                            rx.table.cell(r["tariff"]),
                            rx.table.cell(r["paid_until"]),
                            rx.table.cell(r["days_left"]),
                            rx.table.cell(r["price"]),
                        ),
                    )
                ),
                width="100%",
                id="renewals",
            ),
            rx.text(t("No renewals are coming up."), color_scheme="gray"),
        ),
        width="100%",
    )


def dashboard_page() -> rx.Component:
    return shell(
        rx.cond(
            DashboardState.unconfirmed_email != "",
            rx.callout(
                rx.vstack(
                    rx.text(
                        t("Please confirm your email address"),
                        " ",
                        rx.text.strong(DashboardState.unconfirmed_email),
                        ": ",
                        t("open the link we sent you. Orders, payments and tickets open once it is confirmed."),
                    ),
                    rx.button(
                        t("Send the link again"),
                        on_click=DashboardState.resend_confirmation,
                        size="1",
                        variant="soft",
                        id="resend-confirmation",
                    ),
                    spacing="2",
                ),
                icon="mail-warning",
                color_scheme="amber",
                id="confirm-email-banner",
                width="100%",
            ),
        ),
        rx.flex(
            rx.cond(
                ~DashboardState.scope_all,
                stat_card(N_("Balance"), DashboardState.balance_text, "wallet", "stat-balance"),
            ),
            stat_card(N_("Active orders"), DashboardState.active_orders, "server", "stat-active"),
            rx.cond(
                ~DashboardState.scope_all,
                stat_card(N_("Unpaid invoices"), DashboardState.unpaid_invoices, "receipt", "stat-unpaid"),
            ),
            wrap="wrap",
            spacing="4",
            width="100%",
        ),
        rx.grid(_status_table(), _renewals(), columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
        rx.card(
            rx.heading(t("Spending per month"), size="4"),
            rx.text(
                t("Paid from your balance over the last 12 months"),
                ": ",
                rx.text.strong(DashboardState.spending_total, id="spending-total"),
                size="2",
            ),
            monthly_bars(DashboardState.spending, "spending-chart"),
            width="100%",
        ),
        active="/",
        title=t("Dashboard"),
        banners=_banners(),
    )
