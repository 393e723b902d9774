"""Server management, the pure rules: what can be done to a dedicated server through its management controller
(BMC), in which order statuses, and how a controller's address is checked."""

from __future__ import annotations

import enum
import ipaddress
import re

from introserv_app.domain.statuses import OrderStatus
from introserv_app.domain.text import N_


class ServerAction(enum.StrEnum):
    """What a customer or staff can do to a server. Stored in `server_actions.action`."""

    POWER_ON = "power_on"
    SOFT_OFF = "soft_off"
    POWER_OFF = "power_off"
    RESET = "reset"
    POWER_CYCLE = "power_cycle"
    BOOT_DISK = "boot_disk"
    BOOT_NETWORK = "boot_network"
    BOOT_SETUP = "boot_setup"
    CLEAR_EVENTS = "clear_events"
    CONSOLE = "console"


POWER_ACTIONS = (
    ServerAction.POWER_ON,
    ServerAction.SOFT_OFF,
    ServerAction.POWER_OFF,
    ServerAction.RESET,
    ServerAction.POWER_CYCLE,
)
BOOT_ACTIONS = (ServerAction.BOOT_DISK, ServerAction.BOOT_NETWORK, ServerAction.BOOT_SETUP)
#: Only support staff may clear a server's event log (the customer's evidence of a hardware fault).
STAFF_ONLY_ACTIONS = frozenset({ServerAction.CLEAR_EVENTS})

#: The label of each action (buttons, confirmations, the order's history).
ACTION_LABELS: dict[ServerAction, str] = {
    ServerAction.POWER_ON: N_("Power on"),
    ServerAction.SOFT_OFF: N_("Shut down (ACPI)"),
    ServerAction.POWER_OFF: N_("Power off (hard)"),
    ServerAction.RESET: N_("Reset"),
    ServerAction.POWER_CYCLE: N_("Power cycle"),
    ServerAction.BOOT_DISK: N_("Next boot from disk"),
    ServerAction.BOOT_NETWORK: N_("Next boot from network (PXE)"),
    ServerAction.BOOT_SETUP: N_("Next boot into BIOS setup"),
    ServerAction.CLEAR_EVENTS: N_("Event log cleared"),
    ServerAction.CONSOLE: N_("Console opened"),
}
#: What the confirmation dialog says each action does to the machine.
ACTION_WARNINGS: dict[ServerAction, str] = {
    ServerAction.POWER_ON: N_("The server {name} will be switched on."),
    ServerAction.SOFT_OFF: N_("The operating system of {name} is asked to shut down; unsaved work may be lost."),
    ServerAction.POWER_OFF: N_("The power of {name} is cut at once, like pulling the plug; unsaved data is lost."),
    ServerAction.RESET: N_("{name} restarts at once without shutting down; unsaved data is lost."),
    ServerAction.POWER_CYCLE: N_("{name} is switched off and on again; unsaved data is lost."),
    ServerAction.BOOT_DISK: N_("The next time {name} starts, it boots from its disk."),
    ServerAction.BOOT_NETWORK: N_("The next time {name} starts, it boots from the network (PXE), e.g. to reinstall."),
    ServerAction.BOOT_SETUP: N_("The next time {name} starts, it opens the BIOS setup."),
    ServerAction.CLEAR_EVENTS: N_("Every entry of the event log of {name} is deleted."),
    ServerAction.CONSOLE: N_("The console of {name} is opened."),
}

#: Power states a controller reports.
POWER_LABELS = {"on": N_("On"), "off": N_("Off")}

MSG_NOT_DEDICATED = N_("Only dedicated servers are managed here.")
MSG_NO_CONTROLLER = N_("No management controller is assigned to this server yet.")
MSG_SUSPENDED_NONPAYMENT = N_(
    "The server is suspended because the order is not paid: it can be managed again once the order is renewed."
)
MSG_SUSPENDED_VIOLATION = N_(
    "The server is suspended for a violation of the terms: it can be managed again once support lifts the suspension."
)
MSG_CANCELLED = N_("The order is cancelled: its server can no longer be managed.")
MSG_NOT_DELIVERED = N_("The server is not delivered yet: it can be managed once the order is processed.")

#: The one product type with a management controller.
DEDICATED = "dedicated"


def management_refusal(status: OrderStatus) -> str | None:
    """Why a server in this order status cannot be managed, or None."""
    return {
        OrderStatus.CANCELLED: MSG_CANCELLED,
        OrderStatus.SUSPENDED_NONPAYMENT: MSG_SUSPENDED_NONPAYMENT,
        OrderStatus.SUSPENDED_VIOLATION: MSG_SUSPENDED_VIOLATION,
        OrderStatus.NOT_PROCESSED: MSG_NOT_DELIVERED,
        OrderStatus.PROCESSING: MSG_NOT_DELIVERED,
    }.get(status)


MSG_BAD_HOST = N_("Enter the controller's IP address or host name.")
MSG_BAD_PORT = N_("The port is a number from 1 to 65535.")
MSG_BAD_USER = N_("Enter the controller's user name (at most 16 characters).")
MSG_BAD_PASSWORD = N_("Enter the controller's password (at most 20 characters).")

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


def clean_host(value: object) -> str | None:
    """An IP address or a DNS name, normalised; None when it is neither."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return text.lower() if _HOSTNAME.match(text) else None


def clean_port(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        port = int(str(value).strip())
    except ValueError:
        return None
    return port if 1 <= port <= 65535 else None


#: IPMI 2.0 limits: user names 16 bytes, passwords 20 bytes.
def clean_user(value: object) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    return text if 0 < len(text.encode()) <= 16 and text.isprintable() else None


def clean_password(value: object) -> str | None:
    text = value if isinstance(value, str) else ""
    return text if 0 < len(text.encode()) <= 20 and text.isprintable() else None
