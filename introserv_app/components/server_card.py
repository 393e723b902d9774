"""The Server card of an order's page (dedicated servers): power state and actions, next boot device, sensors,
event log and the serial console; for staff, the management controller's assignment."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.translate import t
from introserv_app.domain.servers import BOOT_ACTIONS, MSG_NO_CONTROLLER, POWER_ACTIONS, ServerAction
from introserv_app.domain.text import N_
from introserv_app.state.servers import ServerState as S

#: Buttons per action: the label says what it does, the colour how dangerous it is.
POWER_BUTTONS = {
    ServerAction.POWER_ON: (N_("Power on"), "green"),
    ServerAction.SOFT_OFF: (N_("Shut down"), "orange"),
    ServerAction.POWER_OFF: (N_("Power off"), "red"),
    ServerAction.RESET: (N_("Reset"), "red"),
    ServerAction.POWER_CYCLE: (N_("Power cycle"), "red"),
}
BOOT_BUTTONS = {
    ServerAction.BOOT_DISK: N_("Disk"),
    ServerAction.BOOT_NETWORK: N_("Network (PXE)"),
    ServerAction.BOOT_SETUP: N_("BIOS setup"),
}


class ServerConsoleTerminal(rx.NoSSRComponent):
    """assets/components/server_console.jsx: xterm.js over the console websocket."""

    library = "$/public/components/server_console.jsx"
    lib_dependencies: list[str] = ["@xterm/xterm@6.0.0"]
    tag = "ServerConsole"
    path: rx.Var[str]
    connecting: rx.Var[str]
    closed: rx.Var[str]


def _power() -> rx.Component:
    return rx.hstack(
        rx.text(t("Power"), size="2", weight="bold"),
        rx.badge(
            rx.cond(S.power_label != "", S.power_label, "—"),
            color_scheme=rx.cond(S.power == "on", "green", "gray"),
            id="server-power",
            data_power=S.power,
            size="2",
        ),
        rx.button(
            rx.icon("refresh-cw", size=14),
            t("Refresh"),
            on_click=S.refresh,
            loading=S.busy,
            variant="soft",
            size="1",
            id="server-refresh",
        ),
        align="center",
        spacing="3",
        wrap="wrap",
    )


def _actions() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            *[
                rx.button(
                    t(label),
                    on_click=S.ask(action.value),
                    color_scheme=color,
                    variant="soft",
                    size="2",
                    id=f"server-{action.value}",
                    disabled=S.busy,
                )
                for action, (label, color) in POWER_BUTTONS.items()
                if action in POWER_ACTIONS
            ],
            spacing="2",
            wrap="wrap",
        ),
        rx.hstack(
            rx.text(t("Next boot from"), size="2"),
            *[
                rx.button(
                    t(BOOT_BUTTONS[a]), on_click=S.ask(a.value), variant="outline", size="1", id=f"server-{a.value}"
                )
                for a in BOOT_ACTIONS
            ],
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        spacing="3",
    )


def _dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(S.pending_title),
            rx.dialog.description(S.pending_text, size="2", margin_bottom="0.75em", id="server-confirm-text"),
            rx.cond(S.form_error != "", rx.callout(S.form_error, icon="triangle-alert", color_scheme="red", size="1")),
            rx.hstack(
                rx.button(t("Cancel"), on_click=S.close_dialog, variant="soft", color_scheme="gray"),
                rx.button(t("Confirm"), on_click=S.confirm, loading=S.busy, color_scheme="red", id="server-confirm"),
                justify="end",
                margin_top="1em",
            ),
        ),
        open=S.pending != "",
        on_open_change=lambda _: S.close_dialog(),
    )


def _sensors() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Sensors"), size="3"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t("Sensor")),
                    rx.table.column_header_cell(t("Reading")),
                    rx.table.column_header_cell(t("State")),
                    rx.table.column_header_cell(t("Thresholds")),
                )
            ),
            rx.table.body(
                rx.foreach(
                    S.sensors,
                    lambda s: rx.table.row(
                        rx.table.cell(s["name"]),
                        rx.table.cell(s["value"]),
                        rx.table.cell(
                            rx.badge(
                                s["health_label"],
                                color_scheme=rx.match(s["health"], ("ok", "green"), ("warning", "orange"), "red"),
                            )
                        ),
                        rx.table.cell(s["limits"], color=rx.color("gray", 11)),
                        class_name="sensor-row",
                    ),
                )
            ),
            size="1",
            width="100%",
            id="server-sensors",
        ),
        width="100%",
        overflow_x="auto",
    )


def _events() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(t("Event log"), size="3"),
            rx.cond(
                S.staff,
                rx.button(
                    t("Clear the log"),
                    on_click=S.ask(ServerAction.CLEAR_EVENTS.value),
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    id="server-clear_events",
                ),
            ),
            align="center",
            spacing="3",
        ),
        rx.cond(
            S.events.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                rx.foreach(
                    S.events,
                    lambda e: rx.text(
                        rx.text.span(e["at"], color=rx.color("gray", 11)),
                        " ",
                        e["what"],
                        size="1",
                        class_name="event-row",
                        color=rx.match(e["severity"], ("critical", rx.color("red", 11)), rx.color("gray", 12)),
                    ),
                ),
                spacing="1",
                id="server-events",
            ),
            rx.text(t("No events."), size="2", color_scheme="gray", id="server-events-empty"),
        ),
        width="100%",
    )


def _console() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(t("Console"), size="3"),
            rx.cond(
                S.console,
                rx.hstack(
                    rx.cond(
                        S.staff,
                        rx.button(
                            t("Take over"),
                            on_click=S.show_console(True),
                            size="1",
                            variant="soft",
                            id="console-take-over",
                        ),
                    ),
                    rx.button(
                        t("Close the console"), on_click=S.hide_console, size="1", variant="soft", id="console-close"
                    ),
                ),
                rx.button(t("Open the console"), on_click=S.show_console(False), size="1", id="console-open"),
            ),
            align="center",
            spacing="3",
        ),
        rx.cond(
            S.console,
            ServerConsoleTerminal.create(
                path=rx.cond(
                    S.take_over,
                    "/servers/" + S.order_id + "/console?take_over=1",
                    "/servers/" + S.order_id + "/console",
                ),
                connecting=t("Connecting to the console..."),
                closed=t("The console is closed."),
                id="server-console",
            ),
        ),
        width="100%",
    )


def _controller_form() -> rx.Component:
    c = S.controller
    return rx.form(
        rx.vstack(
            rx.text(t("Management controller (IPMI)"), size="2", weight="bold"),
            rx.hstack(
                rx.input(name="host", placeholder=t("Host"), default_value=c["host"], id="bmc-host", required=True),
                rx.input(name="port", placeholder="623", default_value=c["port"], id="bmc-port", width="6em"),
                rx.input(name="username", placeholder=t("User"), default_value=c["user"], id="bmc-user", required=True),
                rx.input(name="password", type="password", placeholder=t("Password"), id="bmc-password", required=True),
                wrap="wrap",
                spacing="2",
            ),
            rx.hstack(
                rx.button(t("Test and save"), type="submit", id="bmc-save"),
                rx.cond(
                    S.assigned,
                    rx.button(
                        t("Remove"), type="button", on_click=S.remove_controller, variant="soft", color_scheme="red"
                    ),
                ),
                spacing="2",
            ),
            rx.cond(S.form_error != "", rx.callout(S.form_error, icon="triangle-alert", color_scheme="red", size="1")),
            spacing="2",
            width="100%",
        ),
        on_submit=S.save_controller,
        reset_on_submit=False,
        width="100%",
        id="bmc-form",
    )


def server_card() -> rx.Component:
    return rx.cond(
        S.shown,
        rx.card(
            rx.vstack(
                rx.heading(t("Server"), size="4"),
                rx.cond(
                    S.refusal != "",
                    rx.callout(S.refusal, icon="ban", color_scheme="orange", size="1", id="server-refusal"),
                ),
                rx.cond(
                    ~S.assigned,
                    rx.callout(
                        t(MSG_NO_CONTROLLER), icon="info", color_scheme="gray", size="1", id="server-unassigned"
                    ),
                ),
                rx.cond(
                    S.error != "",
                    rx.callout(S.error, icon="triangle-alert", color_scheme="red", size="1", id="server-error"),
                ),
                rx.cond(
                    S.assigned & (S.refusal == ""),
                    rx.vstack(_power(), _actions(), _sensors(), _events(), _console(), spacing="4", width="100%"),
                ),
                rx.cond(S.staff, _controller_form()),
                _dialog(),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="server-card",
        ),
    )
