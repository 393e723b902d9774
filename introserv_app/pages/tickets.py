"""/tickets and /tickets/<id>: the customer's support tickets and one conversation."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import shell
from introserv_app.components.pager import simple_pager
from introserv_app.components.row import Row
from introserv_app.components.tickets import ticket_dialog
from introserv_app.components.translate import t
from introserv_app.domain.statuses import TicketStatus
from introserv_app.state.tickets import TicketFormState, TicketsState, TicketThreadState

STATUS_COLORS = {
    TicketStatus.OPEN.value: "blue",
    TicketStatus.WAITING_STAFF.value: "orange",
    TicketStatus.ANSWERED.value: "green",
    TicketStatus.CLOSED.value: "gray",
}


def ticket_status(row: Row) -> rx.Component:
    return rx.match(
        row["status"],
        *[(k, rx.badge(row["status_label"], color_scheme=c, variant="soft")) for k, c in STATUS_COLORS.items()],
        rx.badge(row["status_label"]),
    )


def _row(row: Row) -> rx.Component:
    return rx.table.row(
        rx.table.cell("#", row["id"]),
        rx.table.cell(rx.link(row["subject"], href="/tickets/" + row["id"], class_name="ticket-link")),
        rx.cond(TicketsState.scope_all, rx.table.cell(row["customer"])),
        rx.table.cell(row["category"]),
        rx.table.cell(rx.cond(row["order"] != "", rx.link(row["order"], href="/orders/" + row["order_id"]))),
        rx.table.cell(ticket_status(row)),
        rx.table.cell(row["updated"]),
        class_name="ticket-row",
    )


def tickets_page() -> rx.Component:
    return shell(
        ticket_dialog(),
        rx.hstack(
            rx.spacer(),
            rx.cond(
                ~TicketsState.scope_all,
                rx.button(
                    rx.icon("plus", size=14), t("New ticket"), on_click=TicketFormState.open_new, id="new-ticket"
                ),
            ),
            width="100%",
        ),
        rx.cond(
            TicketsState.rows.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("#"),
                        rx.table.column_header_cell(t("Subject")),
                        rx.cond(TicketsState.scope_all, rx.table.column_header_cell(t("Customer"))),
                        rx.table.column_header_cell(t("Category")),
                        rx.table.column_header_cell(t("Order")),
                        rx.table.column_header_cell(t("Status")),
                        rx.table.column_header_cell(t("Updated")),
                    )
                ),
                rx.table.body(rx.foreach(TicketsState.rows, _row)),
                width="100%",
                variant="surface",
                id="tickets-table",
            ),
            rx.text(t("No tickets yet."), color_scheme="gray"),
        ),
        simple_pager(TicketsState.page, TicketsState.pages, TicketsState.go_page),
        active="/tickets",
        title=t("Tickets"),
    )


def _message(m: Row) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.text(m["author"], weight="bold", size="2"),
            rx.cond(m["staff"] == "1", rx.badge(t("Support"), color_scheme="green", variant="soft")),
            rx.spacer(),
            rx.text(m["at"], size="1", color_scheme="gray"),
            width="100%",
        ),
        rx.text(m["body"], size="2", white_space="pre-wrap", margin_top="0.5em"),
        width="100%",
        class_name="ticket-message",
        background_color=rx.cond(m["staff"] == "1", rx.color("green", 2), rx.color("gray", 1)),
    )


def ticket_page() -> rx.Component:
    S = TicketThreadState
    return shell(
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red", id="ticket-not-found")),
        rx.cond(
            S.found,
            rx.vstack(
                rx.hstack(
                    rx.heading("#", S.ticket["id"], " ", S.ticket["subject"], size="4", id="ticket-subject-heading"),
                    rx.spacer(),
                    rx.box(ticket_status(S.ticket), id="ticket-status"),
                    width="100%",
                    align="center",
                ),
                rx.hstack(
                    rx.cond(
                        S.staff,
                        rx.hstack(
                            rx.text(t("Assigned to"), size="2"),
                            rx.el.select(
                                rx.foreach(S.staff_options, lambda o: rx.el.option(o[1], value=o[0])),
                                value=rx.cond(S.ticket["assigned"] != "", S.ticket["assigned"], "none"),
                                on_change=S.assign,
                                id="ticket-assign",
                                class_name="native-select",
                            ),
                            rx.link(t("Ticket queue"), href="/staff/tickets", size="2"),
                            align="center",
                        ),
                    ),
                    rx.spacer(),
                    rx.cond(
                        S.ticket["status"] != TicketStatus.CLOSED.value,
                        rx.button(
                            t("Close the ticket"),
                            on_click=S.close,
                            variant="soft",
                            color_scheme="gray",
                            id="ticket-close",
                        ),
                    ),
                    width="100%",
                    align="center",
                ),
                rx.text(
                    S.ticket["category"],
                    rx.cond(S.ticket["order"] != "", rx.fragment(" · ", t("Order"), " ", S.ticket["order"])),
                    " · ",
                    S.ticket["created"],
                    size="2",
                    color_scheme="gray",
                ),
                rx.foreach(S.messages, _message),
                rx.cond(
                    S.ticket["status"] != TicketStatus.CLOSED.value,
                    rx.form(
                        rx.vstack(
                            rx.el.label(t("Reply"), html_for="ticket-reply", class_name="field-label"),
                            rx.text_area(name="message", id="ticket-reply", rows="4", max_length=10000, width="100%"),
                            rx.cond(
                                S.reply_error != "",
                                rx.callout(S.reply_error, icon="triangle-alert", color_scheme="red", size="1"),
                            ),
                            rx.button(t("Send"), type="submit", loading=S.busy, id="ticket-send"),
                            width="100%",
                            spacing="2",
                        ),
                        on_submit=S.send,
                        reset_on_submit=False,
                        width="100%",
                    ),
                    rx.callout(
                        t("This ticket is closed; open a new one."),
                        icon="lock",
                        color_scheme="gray",
                        id="ticket-closed",
                    ),
                ),
                spacing="3",
                width="100%",
                max_width="52em",
            ),
        ),
        active="/tickets",
        title=t("Tickets"),
    )
