"""The grid's Actions menu (per row), and the renewal and cancel dialogs."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.row import Row
from introserv_app.components.translate import t
from introserv_app.domain.periods import PERIODS
from introserv_app.domain.statuses import CancelMode
from introserv_app.state.order_actions import OrderActionsState as A
from introserv_app.state.tickets import TicketFormState


def actions_menu(row: Row) -> rx.Component:
    """Keyboard-accessible (Radix menu: Enter/Space opens, arrows move, Escape closes)."""
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis", size=16),
                variant="ghost",
                size="1",
                aria_label=t("Actions"),
                class_name="row-actions",
            )
        ),
        rx.menu.content(
            rx.menu.item(
                rx.icon("receipt", size=14),
                t("Invoices"),
                " (",
                row["invoices"],
                ")",
                on_select=rx.redirect("/invoices?order=" + row["id"].to(str)),
                class_name="action-invoices",
            ),
            rx.menu.item(
                rx.icon("settings-2", size=14),
                t("Manage order"),
                on_select=rx.redirect("/orders/" + row["id"].to(str)),
                class_name="action-manage",
            ),
            rx.menu.item(
                rx.icon("life-buoy", size=14),
                t("Create ticket"),
                on_select=TicketFormState.open_for_order(row["id"], row["service_name"]),
                class_name="action-ticket",
            ),
            rx.cond(
                row["can_pay"] == "1",
                rx.menu.item(
                    rx.icon("credit-card", size=14),
                    t("Pay"),
                    on_select=rx.redirect("/invoices?status=unpaid&order=" + row["id"].to(str)),
                    class_name="action-pay",
                ),
            ),
            rx.cond(
                row["can_renew"] == "1",
                rx.menu.item(
                    rx.icon("refresh-cw", size=14),
                    t("Renew order"),
                    on_select=A.open_renew(row["id"]),
                    class_name="action-renew",
                ),
            ),
            rx.cond(
                row["can_cancel"] == "1",
                rx.menu.item(
                    rx.icon("circle-x", size=14),
                    t("Cancel order"),
                    on_select=A.open_cancel(row["id"], row["service_name"], row["paid_until"]),
                    color="red",
                    class_name="action-cancel",
                ),
            ),
            rx.cond(
                row["cancel_pending"] == "1",
                rx.menu.item(
                    rx.icon("undo-2", size=14),
                    t("Withdraw the cancellation"),
                    on_select=A.withdraw(row["id"]),
                    class_name="action-withdraw",
                ),
            ),
        ),
    )


def _period_select(item: Row) -> rx.Component:
    return rx.select(
        [str(m) for m in PERIODS],
        value=item["months"],
        on_change=lambda m: A.set_months(item["order_id"], m),
        size="1",
        aria_label=t("Period, months"),
        class_name="renew-period",
    )


def _refused_list() -> rx.Component:
    """The selected orders that cannot be renewed, with the reason of each, and a way to drop them."""
    return rx.cond(
        A.refused.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("circle-alert")),
            rx.vstack(
                rx.text(A.refused_title, weight="medium"),
                rx.box(
                    rx.foreach(
                        A.refused,
                        lambda r: rx.text(
                            rx.code(r["name"], variant="ghost"),
                            " — ",
                            r["reason"],
                            size="1",
                            class_name="renew-refused",
                        ),
                    ),
                    max_height="8em",
                    overflow_y="auto",
                    width="100%",
                ),
                rx.button(
                    rx.icon("list-x", size=14),
                    t("Remove them from the selection"),
                    size="1",
                    variant="soft",
                    color_scheme="amber",
                    on_click=A.drop_refused,
                    id="renew-drop-refused",
                ),
                spacing="1",
                width="100%",
            ),
            color_scheme="amber",
            size="1",
            id="renew-refused",
            width="100%",
        ),
    )


def renew_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Renew orders")),
            rx.dialog.description(t("Choose the period of each order; the total is paid from the balance."), size="2"),
            rx.cond(
                A.error != "",
                rx.callout(A.error, icon="triangle-alert", color_scheme="red", size="1", id="renew-error"),
            ),
            _refused_list(),
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell(t("Service")),
                            rx.table.column_header_cell(t("Months")),
                            rx.table.column_header_cell(t("New paid until")),
                            rx.table.column_header_cell(t("Net"), justify="end"),
                        )
                    ),
                    rx.table.body(
                        rx.foreach(
                            A.items,
                            lambda item: rx.table.row(
                                rx.table.cell(
                                    rx.code(item["name"], variant="ghost"),
                                    rx.text(item["tariff"], size="1", color_scheme="gray"),
                                ),
                                rx.table.cell(_period_select(item)),
                                rx.table.cell(item["new_paid_until"], class_name="renew-until"),
                                rx.table.cell(item["net"], justify="end"),
                                class_name="renew-item",
                            ),
                        )
                    ),
                    size="1",
                    width="100%",
                ),
                max_height="50vh",
                overflow_y="auto",
            ),
            rx.vstack(
                rx.hstack(rx.text(t("Net")), rx.spacer(), rx.text(A.net_text, id="renew-net"), width="100%"),
                rx.hstack(rx.text(A.vat_label), rx.spacer(), rx.text(A.vat_text, id="renew-vat"), width="100%"),
                rx.hstack(
                    rx.text(t("Total"), weight="bold"),
                    rx.spacer(),
                    rx.text(A.gross_text, weight="bold", id="renew-total"),
                    width="100%",
                ),
                rx.hstack(
                    rx.text(t("Balance"), color_scheme="gray"),
                    rx.spacer(),
                    rx.text(A.balance_text, color_scheme="gray"),
                    width="100%",
                ),
                rx.cond(
                    ~A.covered & (A.items.length() > 0),
                    rx.callout(
                        t("The balance is not enough: an unpaid invoice will be created."),
                        icon="info",
                        size="1",
                        color_scheme="amber",
                    ),
                ),
                spacing="1",
                width="100%",
                margin_top="0.75em",
            ),
            rx.hstack(
                rx.dialog.close(rx.button(t("Cancel"), variant="soft", color_scheme="gray")),
                rx.button(
                    rx.cond(
                        A.refused.length() > 0,
                        A.renew_others_text,
                        rx.cond(A.covered, t("Pay from balance"), t("Create invoice")),
                    ),
                    on_click=A.confirm_renew,
                    loading=A.busy,
                    disabled=A.items.length() == 0,
                    id="renew-confirm",
                ),
                justify="end",
                spacing="3",
                margin_top="1em",
            ),
            max_width="44em",
        ),
        open=A.renew_open,
        on_open_change=A.close_renew,
    )


def cancel_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Cancel order"), " ", rx.code(A.cancel_name)),
            rx.form(
                rx.vstack(
                    rx.radio_group.root(
                        rx.vstack(
                            rx.el.label(
                                rx.hstack(
                                    rx.radio_group.item(value=CancelMode.PERIOD_END.value, id="cancel-period-end"),
                                    rx.text(t("At the end of the paid period"), " (", A.cancel_paid_until, ")"),
                                )
                            ),
                            rx.el.label(
                                rx.hstack(
                                    rx.radio_group.item(value=CancelMode.IMMEDIATE.value, id="cancel-immediate"),
                                    rx.cond(
                                        A.refund_unused,
                                        rx.text(
                                            t(
                                                "Immediately: the service stops now; "
                                                "the unused days are credited to your balance"
                                            )
                                        ),
                                        rx.text(t("Immediately: the service stops now, without refund")),
                                    ),
                                )
                            ),
                        ),
                        name="mode",
                        default_value=CancelMode.PERIOD_END.value,
                    ),
                    rx.el.label(t("Reason (optional)"), html_for="cancel-reason", class_name="field-label"),
                    rx.text_area(name="reason", id="cancel-reason", max_length=500, width="100%"),
                    rx.cond(A.error != "", rx.callout(A.error, icon="triangle-alert", color_scheme="red", size="1")),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(t("Keep the order"), type="button", variant="soft", color_scheme="gray")
                        ),
                        rx.button(t("Cancel order"), type="submit", color_scheme="red", id="cancel-confirm"),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=A.confirm_cancel,
            ),
            max_width="32em",
        ),
        open=A.cancel_open,
        on_open_change=A.close_cancel,
    )
