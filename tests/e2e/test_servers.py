"""Server management in the browser, against a real simulated BMC (ipmi_sim) started by the test: the demo customer
opens their dedicated server's page, opens the console, switches the server on (confirming the dialog that names
it) and watches it boot on the console, signs in on the serial console, then power-cycles it; the simulated machine
changes each time, the power state and the order's history show it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from introserv_app.tools.bmc_sim import SimulatedServer, free_port
from introserv_app.tools.seed.demo import DEMO_SERVER_NAME
from tests.support.browser import CUSTOMER, SCALEOUT_SECRET_KEY, log_in, sql

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "e2e-Bmc-9"


@pytest.fixture
def simulated(tmp_path: Path, e2e_mode: str, e2e_db_url: str) -> Iterator[tuple[SimulatedServer, int]]:
    """A running simulated server, assigned (by support's command line) to the demo customer's dedicated server."""
    [(order_id,)] = sql(e2e_db_url, "SELECT id FROM orders WHERE service_name = ?", DEMO_SERVER_NAME)
    sim = SimulatedServer(free_port("udp"), free_port("tcp"), "admin", PASSWORD, tmp_path / "bmc").start()
    env = {**os.environ, "INTROSERV_DB_URL": e2e_db_url, "INTROSERV_BMC_PASSWORD": PASSWORD}
    if e2e_mode == "scaleout":
        env["INTROSERV_SECRET_KEY"] = SCALEOUT_SECRET_KEY
    target = ["--host", "127.0.0.1", "--port", str(sim.port), "--user", "admin"]
    try:
        assigned = subprocess.run(
            [sys.executable, "-m", "introserv_app", "bmc", "assign", str(order_id), *target],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert assigned.returncode == 0, assigned.stderr
        yield sim, order_id
    finally:
        sim.stop()


def _confirm(page: Page, action: str, name: str) -> None:
    page.locator(f"#server-{action}").click()
    expect(page.locator("#server-confirm-text")).to_contain_text(name)
    page.locator("#server-confirm").click()
    expect(page.locator("#server-confirm")).to_have_count(0)


def test_a_customer_power_cycles_their_server_and_watches_the_console(
    server: str, page: Page, simulated: tuple[SimulatedServer, int]
) -> None:
    sim, order_id = simulated
    log_in(page, server, CUSTOMER.username, CUSTOMER.password)
    page.goto(f"{server}/orders/{order_id}")
    power = page.locator("#server-power")
    expect(power).to_have_text("Off", timeout=20_000)
    expect(page.locator("#server-sensors .sensor-row")).to_have_count(8)
    expect(page.locator("#server-sensors")).to_contain_text("CPU1 temp")
    expect(page.locator("#server-events")).to_contain_text("Fan 1")

    page.locator("#console-open").click()
    console = page.locator("#server-console")
    expect(console).to_have_attribute("data-status", "ready", timeout=20_000)
    _confirm(page, "power_on", DEMO_SERVER_NAME)
    expect(power).to_have_text("On")
    assert sim.state()["power"] == "on"
    screen = console.locator(".xterm-rows")
    expect(screen).to_contain_text("login:", timeout=20_000)
    console.locator(".xterm-screen").click()
    page.keyboard.type("root\r")
    expect(screen).to_contain_text("Password:")
    page.keyboard.type("secret\r")
    page.keyboard.type("uname -a\r")
    expect(screen).to_contain_text("Linux srv-")

    resets = sim.state()["resets"]
    _confirm(page, "power_cycle", DEMO_SERVER_NAME)
    expect(page.get_by_text("Done: Power cycle.")).to_be_visible()
    assert sim.state()["resets"] == resets + 1 and sim.state()["power"] == "on"
    expect(screen).to_contain_text("BIOS POST", timeout=20_000)
    expect(page.locator("#order-timeline")).to_contain_text("Power cycle")
    expect(page.locator("#order-timeline")).to_contain_text("Power on")
    page.locator("#console-close").click()
    expect(console).to_have_count(0)
