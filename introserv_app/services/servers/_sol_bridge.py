"""Serial over LAN in a process of its own (run as a script by `_driver.IpmiConsole`): pyghmi's console drives
pyghmi's shared I/O loop from its own thread, which stalls other pyghmi calls of the same process, so the panel's
power and sensor calls never share a process with a console.

stdin: one JSON line {"host", "port", "user", "password"}, then the bytes typed into the console. stdout: the bytes
the server writes to its serial port. Exits when stdin closes or the session ends. Imports pyghmi only."""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any


def main() -> int:
    target = json.loads(sys.stdin.buffer.readline())
    from pyghmi.ipmi import console

    done = threading.Event()

    def output(data: Any) -> None:
        if isinstance(data, dict):
            if data.get("error"):
                sys.stderr.write(f"{data['error']}\n")
                done.set()
            return
        os.write(1, data if isinstance(data, bytes) else str(data).encode())

    # force: the panel decided who holds the console (servers.claim_console); a session the previous holder left
    # open on the controller is ended.
    sol = console.Console(
        bmc=target["host"],
        userid=target["user"],
        password=target["password"],
        iohandler=output,
        port=target["port"],
        force=True,
    )

    def typing() -> None:
        while True:
            data = os.read(0, 4096)
            if not data:
                break
            sol.send_data(data)
        done.set()

    threading.Thread(target=typing, daemon=True).start()
    while not done.is_set():
        console.Console.wait_for_rsp(0.2)
    try:
        sol.close()
    except Exception:  # noqa: BLE001 - the session is gone either way
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
