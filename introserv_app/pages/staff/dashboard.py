"""/staff: the support console's dashboard."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.charts import monthly_bars
from introserv_app.components.layout import shell
from introserv_app.components.stat import stat_card
from introserv_app.components.translate import t
from introserv_app.domain.text import N_
from introserv_app.state.staff import StaffDashboardState


def counts_table(rows: rx.Var, prefix: str, key: str) -> rx.Component:
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
            stat_card(
                N_("New accounts (7 days)"),
                S.cards["new_accounts"],
                "user-plus",
                "staff-stat-new-accounts",
                "/staff/customers",
            ),
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
                counts_table(S.tickets_by_age, "tickets-age-", "age"),
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
                    S.failed.length() > 0,
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
