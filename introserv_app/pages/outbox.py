"""/staff/outbox : emails waiting, failed and sent (staff only)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import shell
from introserv_app.components.row import Row
from introserv_app.components.translate import t
from introserv_app.domain.statuses import OutboxStatus
from introserv_app.domain.text import N_
from introserv_app.state.outbox import OutboxState

COLUMNS = (
    N_("ID"),
    N_("To"),
    N_("Subject"),
    N_("Status"),
    N_("Attempts"),
    N_("Created"),
    N_("Next attempt / sent"),
    N_("Last error"),
    "",
)
_COLORS = {OutboxStatus.PENDING.value: "orange", OutboxStatus.FAILED.value: "red", OutboxStatus.SENT.value: "green"}


def _row(r: Row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r["id"]),
        rx.table.cell(r["to"]),
        rx.table.cell(rx.text(r["subject"], trim="both")),
        rx.table.cell(
            rx.match(
                r["status"],
                *[(k, rx.badge(r["status_label"], color_scheme=c)) for k, c in _COLORS.items()],
                rx.badge(r["status_label"]),
            )
        ),
        rx.table.cell(r["attempts"]),
        rx.table.cell(r["created"]),
        rx.table.cell(rx.cond(r["status"] == OutboxStatus.SENT.value, r["sent"], r["next"])),
        rx.table.cell(rx.text(r["error"], size="1", color_scheme="red")),
        rx.table.cell(
            rx.cond(
                r["status"] != OutboxStatus.SENT.value,
                rx.button(t("Retry now"), size="1", variant="soft", on_click=OutboxState.retry(r["id"])),
            )
        ),
    )


def outbox_page() -> rx.Component:
    return shell(
        rx.text(
            t("Every email goes through this queue. Without SMTP settings the messages wait here."), color_scheme="gray"
        ),
        rx.segmented_control.root(
            rx.segmented_control.item(t("All"), value="all"),
            rx.segmented_control.item(t("Waiting"), value=OutboxStatus.PENDING.value),
            rx.segmented_control.item(t("Failed"), value=OutboxStatus.FAILED.value),
            rx.segmented_control.item(t("Sent"), value=OutboxStatus.SENT.value),
            value=OutboxState.status_filter,
            on_change=OutboxState.set_filter,
        ),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(h) if h else "") for h in COLUMNS])),
            rx.table.body(rx.foreach(OutboxState.rows, _row)),
            width="100%",
            id="outbox-table",
        ),
        rx.cond(OutboxState.rows.length() == 0, rx.text(t("No messages."), color_scheme="gray", id="outbox-empty")),
        active="/staff/outbox",
        title=t("Email outbox"),
    )
