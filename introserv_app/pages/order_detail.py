"""/orders/<id>: Manage order (parameters, timeline, invoices, tickets, renew and cancel)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.confirm import confirm_action, reason_field
from introserv_app.components.layout import shell
from introserv_app.components.order_actions import cancel_dialog, renew_dialog
from introserv_app.components.server_card import server_card
from introserv_app.components.status_badge import status_badge
from introserv_app.components.tickets import ticket_dialog
from introserv_app.components.translate import t
from introserv_app.domain.lifecycle import SupportAction
from introserv_app.domain.text import N_
from introserv_app.state.order_actions import OrderActionsState as A
from introserv_app.state.order_detail import OrderDetailState as S
from introserv_app.state.tickets import TicketFormState


def _field(label: rx.Var, value: rx.Component | rx.Var, field_id: str = "") -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(label),
        rx.data_list.value(value, id=field_id or None),
    )


def _params() -> rx.Component:
    f = S.fields
    return rx.card(
        rx.data_list.root(
            rx.cond(f["customer"] != "", _field(t("Customer"), f["customer"])),
            _field(t("Status"), status_badge(f["status"], f["status_label"], f["status_hint"]), "order-status"),
            _field(t("Tariff"), f["tariff"]),
            _field(t("Main IP"), rx.code(f["main_ip"], variant="ghost")),
            _field(t("Paid until"), f["paid_until"], "order-paid-until"),
            _field(t("Price"), rx.text(f["price"], " / ", f["period"])),
            _field(t("Renewal prices"), f["prices"]),
            _field(t("Created"), f["created"]),
            rx.cond(f["comment"] != "", _field(t("Comment"), f["comment"])),
            rx.cond(f["cancel_reason"] != "", _field(t("Cancellation reason"), f["cancel_reason"])),
            size="2",
        ),
        width="100%",
    )


def _controls() -> rx.Component:
    f = S.fields
    return rx.hstack(
        rx.cond(
            S.can_renew,
            rx.button(
                rx.icon("refresh-cw", size=14), t("Renew order"), on_click=A.open_renew(S.order_id), id="order-renew"
            ),
            rx.cond(
                S.can_pay,
                rx.button(
                    rx.icon("credit-card", size=14),
                    t("Pay"),
                    on_click=rx.redirect("/invoices?status=unpaid&order=" + S.order_id),
                    id="order-pay",
                ),
                rx.cond(S.renew_refusal != "", rx.text(S.renew_refusal, size="2", color_scheme="gray", id="renew-why")),
            ),
        ),
        rx.cond(
            S.can_cancel,
            rx.button(
                rx.icon("circle-x", size=14),
                t("Cancel order"),
                on_click=A.open_cancel(S.order_id, f["name"], f["paid_until"]),
                color_scheme="red",
                variant="soft",
                id="order-cancel",
            ),
        ),
        rx.cond(
            S.cancel_pending,
            rx.button(
                rx.icon("undo-2", size=14),
                t("Withdraw the cancellation"),
                on_click=A.withdraw(S.order_id),
                variant="soft",
                id="order-withdraw",
            ),
        ),
        rx.cond(
            S.owner,
            rx.button(
                rx.icon("life-buoy", size=14),
                t("Create ticket"),
                on_click=TicketFormState.open_for_order(S.order_id, f["name"]),
                variant="soft",
                id="order-ticket",
            ),
        ),
        spacing="3",
        wrap="wrap",
        align="center",
    )


def _timeline() -> rx.Component:
    return rx.card(
        rx.heading(t("History"), size="3", margin_bottom="0.5em"),
        rx.vstack(
            rx.foreach(
                S.timeline,
                lambda e: rx.hstack(
                    rx.box(
                        width="10px",
                        height="10px",
                        border_radius="50%",
                        background=rx.color("accent", 9),
                        margin_top="6px",
                    ),
                    rx.vstack(
                        rx.text(rx.text.strong(e["event"]), " ", e["change"], size="2"),
                        rx.text(
                            e["at"],
                            rx.cond(e["actor"] != "", rx.fragment(" · ", e["actor"])),
                            rx.cond(e["note"] != "", rx.fragment(" · ", e["note"])),
                            size="1",
                            color_scheme="gray",
                        ),
                        spacing="0",
                    ),
                    align="start",
                    class_name="timeline-entry",
                ),
            ),
            spacing="3",
            id="order-timeline",
        ),
        width="100%",
    )


def _invoices() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.heading(t("Invoices"), size="3"),
            rx.spacer(),
            rx.link(t("All invoices of this order"), href="/invoices?order=" + S.order_id, size="2"),
            width="100%",
        ),
        rx.cond(
            S.invoices.length() > 0,
            rx.table.root(
                rx.table.body(
                    rx.foreach(
                        S.invoices,
                        lambda i: rx.table.row(
                            rx.table.cell(rx.code(i["number"], variant="ghost")),
                            rx.table.cell(i["issued"]),
                            rx.table.cell(i["period"]),
                            rx.table.cell(i["amount"], justify="end"),
                            rx.table.cell(i["status_label"]),
                            rx.table.cell(
                                rx.link("PDF", href="/invoices/" + i["id"] + ".pdf?lang=" + S.lang, is_external=True)
                            ),
                        ),
                    )
                ),
                size="1",
                width="100%",
                id="order-invoices",
            ),
            rx.text(t("No invoices yet."), size="2", color_scheme="gray"),
        ),
        width="100%",
    )


def _tickets() -> rx.Component:
    return rx.card(
        rx.heading(t("Tickets"), size="3", margin_bottom="0.5em"),
        rx.cond(
            S.tickets.length() > 0,
            rx.vstack(
                rx.foreach(
                    S.tickets,
                    lambda k: rx.hstack(
                        rx.link("#", k["id"], " ", k["subject"], href="/tickets/" + k["id"]),
                        rx.spacer(),
                        rx.text(k["category"], " · ", k["status"], " · ", k["updated"], size="1", color_scheme="gray"),
                        width="100%",
                    ),
                ),
                width="100%",
                id="order-tickets",
            ),
            rx.text(t("No tickets about this order."), size="2", color_scheme="gray"),
        ),
        width="100%",
    )


def _staff_actions() -> rx.Component:
    """Support: tell the customer something about the order, and deliver a processing order."""
    return rx.card(
        rx.heading(t("Support actions"), size="4", margin_bottom="0.5em"),
        rx.cond(S.staff_error != "", rx.callout(S.staff_error, icon="triangle-alert", color_scheme="red", size="1")),
        rx.form(
            rx.vstack(
                rx.text(t("Notice to the customer (banner and email)"), size="2", weight="bold"),
                rx.text_area(name="notice", id="notice-text", max_length=2000, width="100%", required=True),
                rx.hstack(
                    rx.select.root(
                        rx.select.trigger(id="notice-severity"),
                        rx.select.content(
                            rx.select.item(t("Information"), value="info"),
                            rx.select.item(t("Warning"), value="warning"),
                            rx.select.item(t("Critical"), value="critical"),
                        ),
                        name="severity",
                        default_value="warning",
                    ),
                    rx.button(t("Send notice"), type="submit", id="notice-send"),
                ),
                width="100%",
            ),
            on_submit=S.post_notice,
            reset_on_submit=True,
            width="100%",
        ),
        rx.cond(
            S.staff_actions.contains(SupportAction.DELIVER.value),
            rx.form(
                rx.hstack(
                    rx.input(name="main_ip", placeholder=t("Main IP"), id="deliver-ip", required=True),
                    rx.button(t("Mark processed"), type="submit", id="deliver-order", color_scheme="green"),
                    margin_top="1em",
                ),
                on_submit=S.deliver,
            ),
        ),
        rx.hstack(
            # the status machine decides which of them the order's status allows (OrderDetailState.staff_actions)
            *[
                rx.cond(S.staff_actions.contains(action.value), _order_action(action.value, texts, color))
                for action, texts, color in (
                    (SupportAction.SUSPEND, SUSPEND_TEXTS, "red"),
                    (SupportAction.LIFT, LIFT_TEXTS, "green"),
                    (SupportAction.CANCEL, CANCEL_TEXTS, "red"),
                )
            ],
            rx.link(
                t("Customer"), " ", S.fields["customer"], href="/staff/customers/" + S.fields["customer_id"], size="2"
            ),
            margin_top="1em",
            spacing="3",
            wrap="wrap",
            align="center",
        ),
        width="100%",
        id="staff-actions",
    )


#: (button, dialog title, what happens, confirm button) of support's status actions on an order.
SUSPEND_TEXTS = (
    N_("Suspend for a violation"),
    N_("Suspend this order for a violation?"),
    N_(
        "The service stops; the customer sees a critical banner and gets an email with the "
        "reason at the complaints address."
    ),
    N_("Suspend"),
)
LIFT_TEXTS = (
    N_("Lift the suspension"),
    N_("Lift the suspension?"),
    N_("The service runs again and the customer is told."),
    N_("Lift"),
)
CANCEL_TEXTS = (
    N_("Cancel the order"),
    N_("Cancel this order now?"),
    N_(
        "The order ends at once and cannot be restored; nothing is refunded (refund with a "
        "balance adjustment). The customer is told."
    ),
    N_("Cancel the order"),
)


def _order_action(key: str, texts: tuple[str, str, str, str], color: str) -> rx.Component:
    label, title, description, confirm = texts
    return confirm_action(
        key=key,
        label=label,
        title=title,
        description=description,
        fields=(reason_field(el_id=f"{key}-reason"),),
        confirm_label=confirm,
        color=color,
        current=S.staff_dialog,
        show=S.show_staff,
        on_submit=S.staff_order_action,
        error=S.staff_error,
    )


def order_detail_page() -> rx.Component:
    return shell(
        renew_dialog(),
        cancel_dialog(),
        ticket_dialog(),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red", id="order-not-found")),
        rx.cond(
            S.found,
            rx.vstack(
                rx.hstack(
                    rx.link(
                        rx.icon("arrow-left", size=14),
                        t("Orders"),
                        href="/orders",
                        size="2",
                        display="inline-flex",
                        align_items="center",
                        gap="4px",
                    ),
                    rx.heading(S.fields["name"], size="5", id="order-name"),
                    align="center",
                    spacing="4",
                ),
                _controls(),
                rx.cond(S.staff, _staff_actions()),
                rx.grid(_params(), _timeline(), columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
                server_card(),
                _invoices(),
                _tickets(),
                spacing="4",
                width="100%",
            ),
        ),
        active="/orders",
        title=t("Manage order"),
    )
