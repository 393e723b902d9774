"""A simulated dedicated server with a real BMC, for the tests and the demo: Debian's `ipmi_sim` (package
`openipmi`) answers IPMI 2.0 over LAN on 127.0.0.1; its chassis control runs `chassis.py` (power, reset, soft off,
next boot device, kept in `machine.json`), and `machine.py` is the server's serial port: a TCP server that
ipmi_sim's serial-over-LAN connects to, writing a boot log when the power comes on or the machine resets and
answering a login prompt and a few shell commands. Sensors (temperatures, fans, voltages with thresholds) come
from an SDR repository compiled with `sdrcomp`; the event log starts with a few entries.

    sim = SimulatedServer(port=free_port("udp"), sol_port=free_port("tcp"), user="admin", password="pw",
                          state_dir=Path("/tmp/bmc1"))
    sim.start(); ...; sim.state()["power"]; sim.stop_bmc(); sim.start_bmc(); sim.stop()

Stdlib only: nothing here imports the app. `python -m introserv_app.tools.bmc_sim run ...` runs one in the
foreground (the demo).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MC = "0x20"
#: (number, name, SDR sensor type, type code, entity, unit, m, r_exp, raw reading, raw thresholds). Names carry a
#: lower-case letter: sdrcomp packs all-capital ones as 6-bit ASCII, which pyghmi 1.6 cannot decode.
SENSORS: tuple[tuple[int, str, str, int, str, str, int, int, int, dict[str, int]], ...] = (
    (1, "CPU1 temp", "Temperature", 0x01, "processor", "degrees_C", 1, 0, 46, {"unc": 85, "uc": 95}),
    (2, "CPU2 temp", "Temperature", 0x01, "processor", "degrees_C", 1, 0, 43, {"unc": 85, "uc": 95}),
    (3, "Inlet temp", "Temperature", 0x01, "system_board", "degrees_C", 1, 0, 24, {"unc": 40, "uc": 45}),
    (4, "Fan 1", "Fan", 0x04, "fan_cooling_device", "RPM", 50, 0, 96, {"lnc": 20, "lc": 10}),
    (5, "Fan 2", "Fan", 0x04, "fan_cooling_device", "RPM", 50, 0, 100, {"lnc": 20, "lc": 10}),
    (
        6,
        "12v rail",
        "Voltage",
        0x02,
        "power_supply",
        "Volts",
        1,
        -1,
        121,
        {"lc": 108, "lnc": 114, "unc": 126, "uc": 132},
    ),
    (7, "5v rail", "Voltage", 0x02, "power_supply", "Volts", 4, -2, 125, {"lc": 113, "uc": 138}),
    (8, "3.3v rail", "Voltage", 0x02, "power_supply", "Volts", 2, -2, 165, {"lc": 150, "uc": 180}),
)
#: sensor_set_threshold's order, left to right (bit 5 .. bit 0).
_THRESHOLD_ORDER = ("unr", "uc", "unc", "lnr", "lc", "lnc")


def free_port(kind: str = "tcp") -> int:
    """A port nobody listens on now (kind "tcp" or "udp")."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _sdrs() -> str:
    parts = [
        "sdr type 18\n device_slave_address 0x20\n device_channel_number 0\n chassis true\n ipmb_event_gen false\n"
        " ipmb_event_recv false\n fru_inventory false\n sel true\n sdr true\n sensor true\n entity_id system_board\n"
        ' entity_instance 1\n id_string "bmc sim"\nendsdr\n'
    ]
    for num, name, kind, _code, entity, unit, m, r_exp, _raw, limits in SENSORS:
        lines = [
            "sdr type 1",
            f"sensor_owner_id {MC}",
            "sensor_owner_lun 0",
            "channel_number 0",
            f"sensor_number {num}",
            f"entity_id {entity}",
            "entity_instance 1",
            f"sensor_type {kind}",
            "init_scanning true",
            "init_sensor_type true",
            "default_sensor_scan_on true",
            "event_reading_type_code 1",
            "analog_data_format unsigned",
            "rate_unit none",
            "modifier_unit none",
            "percentage false",
            f"base_unit {unit}",
            "modifier_unit_code unspecified",
            "linearization linear",
            f"m {m}",
            "tolerance 0",
            "b 0",
            "accuracy 1",
            "accuracy_exp 0",
            "sensor_direction input",
            f"r_exp {r_exp}",
            "b_exp 0",
            "sensor_maximum 255",
            "sensor_minimum 0",
            "sensor_threshold_access readable",
        ]
        for key, raw in limits.items():
            lines += [f"{key}_thrsh_readable true", f"{key}_thresh {raw}"]
        parts.append("\n".join([*lines, f'id_string "{name}"', "endsdr"]) + "\n")
    return "".join(parts)


def _event(when: int, sensor_type: int, sensor: int, direction: int, offset: int, reading: int, limit: int) -> str:
    stamp = " ".join(f"0x{b:02x}" for b in when.to_bytes(4, "little"))
    data = (sensor_type, sensor, direction, offset, reading, limit)
    return f"sel_add {MC} 0x02 {stamp} 0x20 0x00 0x04 " + " ".join(f"0x{b:02x}" for b in data)


def _emu(now: int) -> str:
    lines = [f"mc_setbmc {MC}", f"mc_add {MC} 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr"]
    lines.append(f"sel_enable {MC} 1000 0x0a")
    for num, _name, _kind, code, *_rest, raw, limits in SENSORS:
        enabled = "".join("1" if key in limits else "0" for key in _THRESHOLD_ORDER)
        values = " ".join(str(limits.get(key, 0)) for key in _THRESHOLD_ORDER)
        lines += [
            f"sensor_add {MC} 0 {num} 0x{code:02x} 0x01",
            f"sensor_set_value {MC} 0 {num} {raw} 0",
            f"sensor_set_threshold {MC} 0 {num} readable {enabled} {values}",
        ]
    lines += [  # a fan that stalled for a while yesterday, and a warm CPU this morning
        _event(now - 86_400, 0x04, 4, 0x01, 0x02, 8, 10),
        _event(now - 86_000, 0x04, 4, 0x81, 0x02, 96, 10),
        _event(now - 7_200, 0x01, 1, 0x01, 0x07, 87, 85),
        f"mc_enable {MC}",
    ]
    return "\n".join(lines) + "\n"


CHASSIS = r"""
import fcntl, json, os, sys, time
STATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "machine.json")
args = sys.argv[2:]
with open(STATE + ".lock", "w") as lock:
    fcntl.flock(lock, fcntl.LOCK_EX)
    with open(STATE) as f:
        s = json.load(f)
    if args and args[0] == "get":
        for name in args[1:]:
            print(f"{name}:{'1' if s['power'] == 'on' else '0'}" if name == "power" else f"{name}:{s.get(name, '')}")
        sys.exit(0)
    if not args or args[0] != "set":
        print("unsupported")
        sys.exit(1)
    for name, value in zip(args[1::2], args[2::2]):
        if name == "power":
            if value == "1" and s["power"] == "off":
                s["power"], s["power_ons"] = "on", s["power_ons"] + 1
            elif value == "0":
                s["power"] = "off"
        elif name == "reset" and s["power"] == "on":
            s["resets"] += 1
        elif name == "shutdown" and s["power"] == "on":  # the OS shuts down at once
            s["power"], s["soft_offs"] = "off", s["soft_offs"] + 1
        elif name == "boot":
            s["boot"] = value
        s["history"] = (s["history"] + [[time.time(), name, value]])[-100:]
    with open(STATE + ".tmp", "w") as f:
        json.dump(s, f)
    os.replace(STATE + ".tmp", STATE)
"""

MACHINE = r"""
import json, os, select, socket, sys, time
STATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "machine.json")
HOST = "srv-" + sys.argv[2]
BOOT = {"pxe": ["PXE-E61 boot from network: DHCP ...", "PXE: loading installer from 10.0.0.1 ..."],
        "bios": ["Entering Setup ...", "Main  Advanced  Boot  Security  Save & Exit"]}
def read():
    try:
        with open(STATE) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None
def boot_log(s):
    lines = ["", "BIOS POST: CPU 2x, memory 131072 MB OK", "Press <DEL> to enter setup"]
    lines += BOOT.get(s["boot"], ["Booting from Hard Disk ...", "Loading Linux 6.1.0-amd64 ...",
                                  "[    0.000000] Linux version 6.1.0-amd64", "[    2.104512] systemd[1]: Started."])
    if s["boot"] not in BOOT:
        lines += ["", f"Debian GNU/Linux 12 {HOST} ttyS0", "", f"{HOST} login: "]
    return "\r\n".join(lines)
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(4)
client, line, step, pending = None, b"", "login", b""
last = read()
while True:
    ready, _, _ = select.select([server] + ([client] if client else []), [], [], 0.1)
    out = b""
    if server in ready:
        if client:
            client.close()
        client, _ = server.accept()
        out, pending = pending, b""  # what the machine wrote while nobody listened (the BMC keeps a history)
    elif client in ready:
        data = client.recv(1024)
        if not data:
            client.close(); client = None; continue
        s = read() or {}
        if s.get("power") != "on":
            continue  # a machine that is off ignores its serial port
        for byte in data:
            ch = bytes([byte])
            if ch in (b"\r", b"\n"):
                text, line = line.decode(errors="replace").strip(), b""
                if step == "login":
                    out += b"\r\nPassword: "; step = "password"
                elif step == "password":
                    out += f"\r\nLast login: on ttyS0\r\nroot@{HOST}:~# ".encode(); step = "shell"
                else:
                    answer = {"uname -a": f"Linux {HOST} 6.1.0-amd64 #1 SMP x86_64 GNU/Linux",
                              "hostname": HOST, "uptime": " 12:00:00 up 3 min,  1 user,  load average: 0.08"}
                    if text == "exit":
                        out += f"\r\n\r\n{HOST} login: ".encode(); step = "login"; continue
                    reply = answer.get(text, f"-bash: {text}: command not found" if text else "")
                    out += (f"\r\n{reply}" if reply else "").encode() + f"\r\nroot@{HOST}:~# ".encode()
            elif ch == b"\x7f":
                if line:
                    line = line[:-1]; out += b"\b \b"
            elif step != "password":
                line += ch; out += ch
            else:
                line += ch
    s = read()
    if s and last:
        if s["power_ons"] > last["power_ons"] or s["resets"] > last["resets"]:
            out += boot_log(s).encode(); step = "login"
        elif s["soft_offs"] > last["soft_offs"]:
            out += b"\r\n[  OK  ] Reached target Power-Off.\r\nreboot: Power down\r\n"
    last = s or last
    if out and not client:
        pending = (pending + out)[-8192:]
    elif out:
        try:
            client.sendall(out)
        except OSError:
            client.close(); client = None
"""


@dataclass
class SimulatedServer:
    port: int
    sol_port: int
    user: str
    password: str = field(repr=False)
    state_dir: Path
    name: str = "sim"
    _bmc: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _machine: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @staticmethod
    def available() -> bool:
        return shutil.which("ipmi_sim") is not None and shutil.which("sdrcomp") is not None

    def start(self, timeout: float = 15) -> SimulatedServer:
        if not self.available():
            raise RuntimeError("ipmi_sim is not installed (Debian package openipmi: apt-get install openipmi)")
        d = self.state_dir
        (d / "ipmi_sim" / self.name).mkdir(parents=True, exist_ok=True)
        (d / "machine.json").write_text(
            json.dumps({"power": "off", "boot": "default", "power_ons": 0, "resets": 0, "soft_offs": 0, "history": []})
        )
        for script, text in (("chassis.py", CHASSIS), ("machine.py", MACHINE)):
            (d / script).write_text(f"#!{sys.executable}\n{text}")
            (d / script).chmod(0o700)
        (d / "main.sdrs").write_text(_sdrs())
        subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [
                shutil.which("sdrcomp") or "sdrcomp",
                "-o",
                str(d / "ipmi_sim" / self.name / "sdr.20.main"),
                str(d / "main.sdrs"),
            ],
            check=True,
            capture_output=True,
        )
        (d / "ipmi_sim" / self.name / f"sel.{MC[2:]}").unlink(missing_ok=True)  # a fresh event log per start
        (d / "sim.emu").write_text(_emu(int(time.time())))
        (d / "restart.emu").write_text(
            "".join(line + "\n" for line in _emu(10**6).splitlines() if "sel_add" not in line)
        )
        quoted = self.password.replace('"', "")
        (d / "lan.conf").write_text(
            f'name "{self.name}"\nset_working_mc {MC}\n  startlan 1\n    addr 127.0.0.1 {self.port}\n'
            "    priv_limit admin\n    allowed_auths_callback none md2 md5 straight\n"
            "    allowed_auths_user none md2 md5 straight\n    allowed_auths_operator none md2 md5 straight\n"
            "    allowed_auths_admin none md2 md5 straight\n    guid a123456789abcdefa123456789abcdef\n  endlan\n"
            f'  chassis_control "{d / "chassis.py"} {MC}"\n  sol "tcp:127.0.0.1:{self.sol_port}" 115200\n'
            f'user 2 true "{self.user}" "{quoted}" admin 10 none md2 md5 straight\n'
        )
        self._machine = subprocess.Popen(  # noqa: S603 - our own script
            [sys.executable, str(d / "machine.py"), str(self.sol_port), self.name],
            stdout=subprocess.DEVNULL,
            stderr=(d / "machine.log").open("wb"),
            start_new_session=True,
        )
        self.start_bmc(timeout)
        return self

    def start_bmc(self, timeout: float = 15) -> None:
        """Start (or restart) the BMC alone; wait until it answers an RMCP ping. A restart keeps the event log."""
        d = self.state_dir
        emu = d / ("restart.emu" if (d / "ipmi_sim" / self.name / f"sel.{MC[2:]}").exists() else "sim.emu")
        self._bmc = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            [
                shutil.which("ipmi_sim") or "ipmi_sim",
                "-c",
                str(d / "lan.conf"),
                "-f",
                str(emu),
                "-n",
                "-s",
                str(d),
            ],
            cwd=d,
            stdout=(d / "ipmi_sim.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while not self._pong():
            if self._bmc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"ipmi_sim did not come up on port {self.port} (see {d / 'ipmi_sim.log'})")

    def _pong(self) -> bool:
        ping = bytes([0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x80, 0x01, 0x00, 0x00])
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.2)
            try:
                s.sendto(ping, ("127.0.0.1", self.port))
                return len(s.recv(64)) > 0
            except OSError:
                return False

    def stop_bmc(self) -> None:
        """Stop the BMC (the machine stays): the controller no longer answers."""
        _kill(self._bmc)
        self._bmc = None

    def stop(self) -> None:
        self.stop_bmc()
        _kill(self._machine)
        self._machine = None

    def state(self) -> dict[str, Any]:
        """The simulated machine: power ("on" | "off"), boot (pxe | bios | default | ...), power_ons, resets,
        soft_offs, history of the chassis commands."""
        return dict(json.loads((self.state_dir / "machine.json").read_text()))

    def __enter__(self) -> SimulatedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _kill(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=5)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        proc.wait(timeout=5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m introserv_app.tools.bmc_sim")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one simulated server in the foreground until SIGTERM / Ctrl-C")
    run.add_argument("--port", type=int, default=9623)
    run.add_argument("--sol-port", type=int, default=9624)
    run.add_argument("--user", default="admin")
    run.add_argument("--password-env", default="INTROSERV_BMC_PASSWORD")
    run.add_argument("--state-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    password = os.environ.get(args.password_env, "")
    if not password:
        print(f"error: set {args.password_env} to the BMC password", file=sys.stderr)
        return 1
    sim = SimulatedServer(args.port, args.sol_port, args.user, password, args.state_dir)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        sim.start()
        print(f"BMC on 127.0.0.1:{args.port} (IPMI 2.0 over LAN), serial port on {args.sol_port}", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        sim.stop()


if __name__ == "__main__":
    sys.exit(main())
