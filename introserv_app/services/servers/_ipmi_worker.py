"""One IPMI call in a process of its own (run as a script by `_driver.IpmiDriver`): pyghmi keeps sessions and an
I/O thread per process, and a controller that stops answering can leave a call inside it waiting forever; a
process can always be killed at the timeout, and the panel's own threads never wait inside pyghmi.

stdin: one JSON object {"host", "port", "user", "password", "op", "arg"}; stdout: one JSON object, {"ok": result}
or {"error": "text"}. Imports pyghmi only."""

from __future__ import annotations

import json
import sys
from typing import Any

#: "Get Sensor Thresholds": bit of the readable mask, position of the value after it, and the name.
THRESHOLDS = ((0, "lower_warning"), (1, "lower_critical"), (3, "upper_warning"), (4, "upper_critical"))


def sensors(c: Any) -> list[dict[str, Any]]:
    sdr = c.init_sdr()
    found = []
    for number in sdr.get_sensor_numbers():
        entry = sdr.sensors[number]
        reply = c.raw_command(netfn=4, command=0x2D, rslun=entry.sensor_lun, data=(entry.sensor_number,))
        if "error" in reply:
            continue
        reading = entry.decode_sensor_reading(c, reply["data"])
        if reading is None:
            continue
        limits: dict[str, float] = {}
        if getattr(entry, "has_thresholds", False):
            raw = c.raw_command(netfn=4, command=0x27, rslun=entry.sensor_lun, data=(entry.sensor_number,))
            data = raw.get("data") if "error" not in raw else None
            if data and len(data) >= 7:
                for bit, name in THRESHOLDS:
                    if data[0] & (1 << bit):
                        limits[name] = round(float(entry.decode_value(c, data[1 + bit])), 2)
        found.append(
            {
                "name": str(reading.name),
                "kind": str(reading.type),
                "value": None if reading.value is None else round(float(reading.value), 2),
                "unit": str(reading.units or ""),
                "health": int(reading.health or 0),
                "thresholds": limits,
            }
        )
    return found


def events(c: Any, clear: bool = False) -> list[dict[str, Any]]:
    return [
        {
            "record_id": int(e.get("record_id") or 0),
            "at": str(e.get("timestamp") or ""),
            "component": str(e.get("component") or ""),
            "kind": str(e.get("component_type") or ""),
            "event": str(e.get("event") or ""),
            "severity": int(e.get("severity") or 0),
            "deasserted": bool(e.get("deassertion")),
        }
        for e in c.get_event_log(clear=clear)
    ]


def run(c: Any, op: str, arg: str) -> Any:
    if op == "power_state":
        return c.get_power().get("powerstate", "")
    if op == "power":
        c.set_power(arg, wait=False)
        return None
    if op == "boot":
        c.set_bootdev(arg, persist=False)
        return None
    if op == "clear_events":
        events(c, clear=True)
        return None
    if op == "snapshot":
        return {"power": c.get_power().get("powerstate", ""), "sensors": sensors(c), "events": events(c)}
    raise ValueError(f"unknown operation {op}")


def main() -> int:
    request = json.loads(sys.stdin.readline())
    try:
        from pyghmi.ipmi import command

        c = command.Command(
            bmc=request["host"], port=int(request["port"]), userid=request["user"], password=request["password"]
        )
        result: dict[str, Any] = {"ok": run(c, request["op"], request.get("arg", ""))}
    except Exception as exc:  # noqa: BLE001 - every failure goes back to the panel as text
        result = {"error": str(exc) if str(exc) not in ("", "None") else "no answer"}
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
