"""Server management: a dedicated server's management controller (BMC) reached over IPMI (`_driver`: one driver
per kind of controller). Staff assign the controller (its password encrypted at rest, `_crypto`); the order's owner
and staff see the power state, sensors and event log, switch the power, choose the next boot device and use the
serial console (one holder at a time). Every action is checked (owner or staff, the order's status, a rate limit
per order), audited and shown in the order's history. Imports orders' tables and services.common only. A new
server view or action goes here; a new kind of controller is a driver in `_driver.DRIVERS`."""

from __future__ import annotations

from ._driver import ControllerError, Driver, LogEntry, Sensor, Target, driver_for

# Readers: view data for screens.
from ._readers.server import (
    HistoryEntry,
    LiveState,
    ServerPanel,
    console_holder,
    live_state,
    server_history,
    server_panel,
)

# Writers: commands that change data.
from ._writers.actions import MSG_TOO_MANY, act
from ._writers.console import (
    CONSOLE_STALE,
    MSG_CONSOLE_HELD,
    MSG_CONSOLE_LOST,
    ConsoleGrant,
    claim_console,
    release_console,
    renew_console,
)
from ._writers.controllers import ControllerForm, assign_controller, remove_controller, test_controller

__all__ = [
    "CONSOLE_STALE",
    "MSG_CONSOLE_HELD",
    "MSG_CONSOLE_LOST",
    "MSG_TOO_MANY",
    "ConsoleGrant",
    "ControllerError",
    "ControllerForm",
    "Driver",
    "HistoryEntry",
    "LiveState",
    "LogEntry",
    "Sensor",
    "ServerPanel",
    "Target",
    "act",
    "assign_controller",
    "claim_console",
    "console_holder",
    "driver_for",
    "live_state",
    "release_console",
    "remove_controller",
    "renew_console",
    "server_history",
    "server_panel",
    "test_controller",
]
