"""Drivers for servers' management controllers: one interface (`Driver`), one implementation per kind of
controller. IPMI 2.0 over LAN first (`IpmiDriver`, through OpenStack's pyghmi).

Every call is given up after the configured timeout (`INTROSERV_BMC_TIMEOUT`; callers run it off the event loop): an
unreachable controller, refused credentials or a refused command become a `ControllerError` with a message for
the user, never a hang. Nothing here touches the database; credentials never appear in errors or logs.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from introserv_app.config import get_settings
from introserv_app.domain.servers import ServerAction
from introserv_app.domain.text import N_

MSG_UNREACHABLE = N_(
    "The server's management controller does not answer. Nothing was changed; try again in a few minutes, and "
    "open a ticket if it goes on."
)
MSG_TIMEOUT = N_("The server's management controller did not answer within {seconds} s. Nothing was changed.")
MSG_AUTH = N_(
    "The management controller refused the panel's credentials. Nothing was changed; open a ticket so that support "
    "can check them."
)
MSG_REFUSED = N_("The management controller refused the command. Nothing was changed.")


class ControllerError(Exception):
    """A controller that could not be reached or refused: `message` for the user, `reason` for support."""

    def __init__(self, message: str, reason: str, values: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.message, self.reason, self.values = message, reason, values or {}


@dataclass(frozen=True)
class Target:
    """Where a controller is and how to sign in to it."""

    kind: str
    host: str
    port: int
    username: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Sensor:
    name: str
    kind: str
    value: float | None
    unit: str
    #: ok | warning | critical
    health: str
    #: Readable thresholds by name: lower_critical, lower_warning, upper_warning, upper_critical.
    thresholds: dict[str, float]


@dataclass(frozen=True)
class LogEntry:
    record_id: int
    at: str
    component: str
    kind: str
    event: str
    #: info | warning | critical
    severity: str
    deasserted: bool


class Console(Protocol):
    def send(self, data: bytes) -> None: ...
    def close(self) -> None: ...


class Driver(Protocol):
    def power_state(self) -> str: ...
    def power(self, action: ServerAction) -> None: ...
    def boot(self, action: ServerAction) -> None: ...
    def snapshot(self) -> tuple[str, list[Sensor], list[LogEntry]]:
        """The power state, the sensors and the event log, read at once."""
        ...

    def clear_events(self) -> None: ...
    def console(self, output: Callable[[bytes], None]) -> Console: ...


_POWER = {
    ServerAction.POWER_ON: "on",
    ServerAction.SOFT_OFF: "softoff",
    ServerAction.POWER_OFF: "off",
    ServerAction.RESET: "reset",
    ServerAction.POWER_CYCLE: "boot",
}
_BOOT = {ServerAction.BOOT_DISK: "hd", ServerAction.BOOT_NETWORK: "network", ServerAction.BOOT_SETUP: "setup"}
_HEALTH = {0: "ok", 1: "warning", 2: "critical"}
_WORKER = Path(__file__).with_name("_ipmi_worker.py")
_SOL = Path(__file__).with_name("_sol_bridge.py")


def _ipmi_error(text: str) -> ControllerError:
    lowered = text.lower()
    if "password" in lowered or "unauthorized" in lowered or ("user" in lowered and "name" in lowered):
        return ControllerError(MSG_AUTH, "credentials refused")
    if "timeout" in lowered or text == "no answer" or "unreachable" in lowered:
        return ControllerError(MSG_UNREACHABLE, "no answer")
    return ControllerError(MSG_REFUSED, text[:150])


class IpmiDriver:
    """IPMI 2.0 over LAN (RMCP+: iDRAC, iLO, Supermicro, the OpenBMC family), through pyghmi. Each call is one
    process (`_ipmi_worker.py`), killed at INTROSERV_BMC_TIMEOUT: a controller that stops answering can never
    leave a panel thread waiting."""

    def __init__(self, target: Target) -> None:
        self.target = target

    def _run(self, op: str, arg: str = "") -> Any:
        seconds = get_settings().bmc_timeout
        request = {
            "host": self.target.host,
            "port": self.target.port,
            "user": self.target.username,
            "password": self.target.password,
            "op": op,
            "arg": arg,
        }
        try:
            done = subprocess.run(  # noqa: S603 - our own script, no shell; the password goes over stdin
                [sys.executable, str(_WORKER)],
                input=json.dumps(request).encode() + b"\n",
                capture_output=True,
                timeout=seconds,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ControllerError(MSG_TIMEOUT, "timeout", {"seconds": seconds}) from None
        try:
            answer = json.loads(done.stdout or b"{}")
        except ValueError:
            answer = {}
        if "ok" not in answer:
            raise _ipmi_error(str(answer.get("error") or "no answer"))
        return answer["ok"]

    def power_state(self) -> str:
        return str(self._run("power_state"))

    def power(self, action: ServerAction) -> None:
        self._run("power", _POWER[action])

    def boot(self, action: ServerAction) -> None:
        self._run("boot", _BOOT[action])

    def snapshot(self) -> tuple[str, list[Sensor], list[LogEntry]]:
        data = self._run("snapshot")
        sensors = [
            Sensor(
                name=s["name"],
                kind=s["kind"],
                value=s["value"],
                unit=s["unit"],
                health=_HEALTH.get(int(s["health"]) & 3, "critical"),
                thresholds=dict(s["thresholds"]),
            )
            for s in data["sensors"]
        ]
        events = [
            LogEntry(
                record_id=e["record_id"],
                at=e["at"],
                component=e["component"],
                kind=e["kind"],
                event=e["event"],
                severity={0: "info", 1: "warning"}.get(int(e["severity"]), "critical"),
                deasserted=e["deasserted"],
            )
            for e in data["events"]
        ]
        return str(data["power"]), sensors, events

    def clear_events(self) -> None:
        self._run("clear_events")

    def console(self, output: Callable[[bytes], None]) -> Console:
        return IpmiConsole(self.target, output)


class IpmiConsole:
    """Serial over LAN, in a process of its own (`_sol_bridge.py`): what the server writes to its serial port goes
    to `output` (on a reader thread; b"" when the session has ended); `send` types into it. The password goes
    over the pipe, never on a command line."""

    def __init__(self, target: Target, output: Callable[[bytes], None]) -> None:
        self._output = output
        self._proc = subprocess.Popen(  # noqa: S603 - our own script, no shell
            [sys.executable, str(_SOL)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert self._proc.stdin is not None
        hello = {"host": target.host, "port": target.port, "user": target.username, "password": target.password}
        self._proc.stdin.write(json.dumps(hello).encode() + b"\n")
        self._proc.stdin.flush()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name="bmc-sol", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        while True:
            data = os.read(fd, 4096)
            self._output(data)  # b"" once the session has ended
            if not data:
                return

    def send(self, data: bytes) -> None:
        with self._lock, contextlib.suppress(OSError, ValueError):
            assert self._proc.stdin is not None
            self._proc.stdin.write(data)
            self._proc.stdin.flush()

    def close(self) -> None:
        with self._lock, contextlib.suppress(OSError, ValueError):
            assert self._proc.stdin is not None
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=3)


DRIVERS: dict[str, Callable[[Target], Driver]] = {"ipmi": IpmiDriver}


def driver_for(target: Target) -> Driver:
    return DRIVERS[target.kind](target)
