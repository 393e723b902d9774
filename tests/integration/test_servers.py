"""Server management against real simulated BMCs (Debian's ipmi_sim, started here on 127.0.0.1, one per test
server, on ports of their own), on SQLite and PostgreSQL: every action changes the simulated machine; a wrong
password, a stopped simulator and a controller that never answers give their messages and change nothing; the
password is encrypted at rest; other customers' orders, forged ids and customers calling staff actions are refused
(and audited); suspended and cancelled orders refuse with the reason; the per-order rate limit; the console has
one holder at a time; the command line."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import AuditEvent, Order, ServerActionRecord, ServerController, TariffPlan, table_of
from introserv_app.db.types import utcnow
from introserv_app.domain.roles import Role
from introserv_app.domain.servers import MSG_CANCELLED, MSG_NOT_DEDICATED, MSG_SUSPENDED_NONPAYMENT, ServerAction
from introserv_app.services import servers
from introserv_app.services.accounts import SESSION_COOKIE
from introserv_app.services.common.errors import PermissionDenied, ServiceError
from introserv_app.services.common.scope import MSG_ORDER_NOT_FOUND
from introserv_app.services.servers import ControllerForm
from introserv_app.services.servers._driver import MSG_AUTH, MSG_TIMEOUT, MSG_UNREACHABLE
from introserv_app.tools.bmc_sim import SimulatedServer, free_port
from tests.support.builders import make_user, session_token, viewer

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "sim-Pass-7"


@pytest.fixture
def sims(tmp_path: Path) -> Iterator[Callable[[], SimulatedServer]]:
    started: list[SimulatedServer] = []

    def start() -> SimulatedServer:
        sim = SimulatedServer(
            port=free_port("udp"),
            sol_port=free_port("tcp"),
            user="admin",
            password=PASSWORD,
            state_dir=tmp_path / f"bmc{len(started)}",
        )
        sim.start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


def _scope(engine: Engine) -> Callable[[], AbstractContextManager[Session]]:
    return lambda: session_scope(engine)


def _dedicated(engine: Engine, owner: int, status: str = "processed", name: str = "ded01") -> int:
    with session_scope(engine) as session:
        tariff = TariffPlan(code=f"ded-{name}", name="Dedicated E3", product_type="dedicated", currency="EUR",
                            prices_minor={"1": 6900})  # fmt: skip
        session.add(tariff)
        session.flush()
        order = Order(user_id=owner, service_name=name, tariff_id=tariff.id or 0, status=status, price_minor=6900,
                      currency="EUR", main_ip="192.0.2.50")  # fmt: skip
        session.add(order)
        session.flush()
        return order.id or 0


def _form(sim: SimulatedServer, password: str = PASSWORD) -> ControllerForm:
    return ControllerForm(host="127.0.0.1", port=sim.port, username="admin", password=password)


def _wait(check: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def world(engine: Engine) -> dict[str, int]:
    ids = {"alice": make_user(engine, "alice"), "mallory": make_user(engine, "mallory")}
    ids["staff"] = make_user(engine, "helpdesk", role=Role.SUPPORT)
    ids["order"] = _dedicated(engine, ids["alice"])
    return ids


def _assign(engine: Engine, order_id: int, sim: SimulatedServer, password: str = PASSWORD) -> None:
    servers.assign_controller(
        viewer=viewer(engine, "helpdesk"), order_id=order_id, form=_form(sim, password), scope=_scope(engine)
    )


def test_every_action_changes_the_simulated_server(engine: Engine, world: dict[str, int], sims) -> None:  # type: ignore[no-untyped-def]
    sim, other = sims(), sims()  # two BMCs at once: each action reaches only its own
    _assign(engine, world["order"], sim)
    alice, scope, order = viewer(engine, "alice"), _scope(engine), world["order"]

    def act(action: ServerAction) -> None:
        assert servers.act(viewer=alice, order_id=order, action=action, scope=scope) == action

    assert servers.live_state(viewer=alice, order_id=order, details=False, scope=scope).power == "off"
    act(ServerAction.POWER_ON)
    assert sim.state()["power"] == "on" and other.state()["power"] == "off"
    assert servers.live_state(viewer=alice, order_id=order, details=False, scope=scope).power == "on"
    resets = sim.state()["resets"]
    act(ServerAction.RESET)
    assert _wait(lambda: sim.state()["resets"] == resets + 1)
    act(ServerAction.POWER_CYCLE)
    assert _wait(lambda: sim.state()["resets"] == resets + 2) and sim.state()["power"] == "on"
    act(ServerAction.SOFT_OFF)
    assert _wait(lambda: sim.state()["power"] == "off")
    act(ServerAction.POWER_ON)
    act(ServerAction.POWER_OFF)
    assert sim.state()["power"] == "off"
    for action, device in (
        (ServerAction.BOOT_NETWORK, "pxe"),
        (ServerAction.BOOT_SETUP, "bios"),
        (ServerAction.BOOT_DISK, "default"),
    ):
        act(action)
        assert sim.state()["boot"] == device
    assert other.state()["boot"] != "pxe" and other.state()["power"] == "off"

    live = servers.live_state(viewer=alice, order_id=order, scope=scope)
    by_name = {s.name: s for s in live.sensors}
    assert len(by_name) >= 6 and any(s.unit == "RPM" for s in live.sensors)
    assert all(s.value is not None for s in live.sensors)
    assert any(s.thresholds.get("upper_critical") for s in live.sensors if s.kind == "Temperature")
    assert live.events, "the simulator's event log has entries"
    # Staff clear the event log; the customer may not.
    with pytest.raises(PermissionDenied):
        servers.act(viewer=alice, order_id=order, action=ServerAction.CLEAR_EVENTS, scope=scope)
    servers.act(viewer=viewer(engine, "helpdesk"), order_id=order, action="clear_events", scope=scope)
    assert servers.live_state(viewer=alice, order_id=order, scope=scope).events == []

    with session_scope(engine) as session:
        history = servers.server_history(session=session, order_id=order)
        audited = session.execute(sa.select(AuditEvent.action).where(AuditEvent.subject_key == f"order:{order}")).all()
    assert [h.action for h in history][:2] == [ServerAction.CLEAR_EVENTS, ServerAction.BOOT_DISK]
    assert len(history) == 10 and {h.actor for h in history} == {"alice", "helpdesk"}
    assert ("server.power_cycle",) in audited and ("server.controller_assigned",) in audited


def test_the_password_is_encrypted_at_rest_and_never_shown(engine: Engine, world: dict[str, int], sims) -> None:  # type: ignore[no-untyped-def]
    sim = sims()
    _assign(engine, world["order"], sim)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT * FROM server_controllers")).mappings().one()
        audit_text = " ".join(str(r) for r in conn.execute(sa.text("SELECT details FROM audit_events")).all())
    assert PASSWORD not in " ".join(str(v) for v in stored.values()) and PASSWORD not in audit_text
    assert stored["password_enc"].startswith("gAAAAA")  # a Fernet token
    with session_scope(engine) as session:
        mine = servers.server_panel(session=session, viewer=viewer(engine, "alice"), order_id=world["order"])
        staff = servers.server_panel(session=session, viewer=viewer(engine, "helpdesk"), order_id=world["order"])
    assert mine.assigned and mine.host == "" and mine.username == ""
    assert staff.host == "127.0.0.1" and staff.port == sim.port and staff.username == "admin"
    assert PASSWORD not in repr(staff) and PASSWORD not in repr(servers.Target("ipmi", "h", 1, "u", PASSWORD))


def test_wrong_password_stopped_simulator_and_timeout_change_nothing(engine: Engine, world: dict[str, int], sims,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    sim, staff, scope, order = sims(), viewer(engine, "helpdesk"), _scope(engine), world["order"]
    with pytest.raises(ServiceError) as refused:
        _assign(engine, order, sim, password="not-the-password")
    assert refused.value.message == MSG_AUTH
    with session_scope(engine) as session:
        assert session.get(ServerController, order) is None  # nothing saved
    _assign(engine, order, sim)
    sim.stop_bmc()
    started = time.monotonic()
    with pytest.raises(ServiceError) as down:
        servers.act(viewer=viewer(engine, "alice"), order_id=order, action="power_on", scope=scope)
    assert down.value.message in (MSG_UNREACHABLE, MSG_TIMEOUT)
    assert time.monotonic() - started < get_settings().bmc_timeout + 2
    assert sim.state()["power"] == "off"
    with session_scope(engine) as session:
        assert servers.server_history(session=session, order_id=order) == []  # the history shows only what was done
        [failed] = session.execute(sa.select(ServerActionRecord.outcome, ServerActionRecord.error)).all()
    assert failed[0] == "failed" and PASSWORD not in failed[1]
    # A controller that takes the packets and never answers: the timeout's message, in time.
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    monkeypatch.setenv("INTROSERV_BMC_TIMEOUT", "2")
    get_settings.cache_clear()
    try:
        started = time.monotonic()
        with pytest.raises(ServiceError) as slow:
            servers.test_controller(viewer=staff, order_id=order, scope=scope, form=ControllerForm(
                host="127.0.0.1", port=silent.getsockname()[1], username="admin", password=PASSWORD))  # fmt: skip
        assert slow.value.message in (MSG_TIMEOUT, MSG_UNREACHABLE) and time.monotonic() - started < 4
    finally:
        silent.close()
        monkeypatch.delenv("INTROSERV_BMC_TIMEOUT")
        get_settings.cache_clear()


def test_other_customers_forged_ids_and_staff_only_actions_are_refused(engine: Engine, world: dict[str, int],
                                                                       sims) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    sim = sims()
    _assign(engine, world["order"], sim)
    mallory, scope, order = viewer(engine, "mallory"), _scope(engine), world["order"]
    for bad in (order, str(order), f"{order} OR 1=1", -1, 0, 10**12, None, [order], 1.5):
        with pytest.raises(ServiceError) as refused:
            servers.act(viewer=mallory, order_id=bad, action="power_on", scope=scope)
        assert refused.value.message == MSG_ORDER_NOT_FOUND
    with pytest.raises(ServiceError):
        servers.live_state(viewer=mallory, order_id=order, scope=scope)
    with session_scope(engine) as session, pytest.raises(ServiceError):
        servers.claim_console(session=session, viewer=mallory, order_id=order)
    with pytest.raises(ServiceError):
        servers.act(viewer=viewer(engine, "alice"), order_id=order, action="format_disk", scope=scope)
    alice = viewer(engine, "alice")
    with pytest.raises(PermissionDenied):
        servers.assign_controller(viewer=alice, order_id=order, form=_form(sim), scope=scope)
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        servers.remove_controller(session=session, viewer=alice, order_id=order)
    assert sim.state()["power"] == "off"
    with session_scope(engine) as session:
        denied = session.execute(
            sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "access.denied")
        ).scalar()
        assert session.get(ServerController, order) is not None
    assert denied >= 12


def test_suspended_cancelled_and_other_products_refuse_with_the_reason(engine: Engine, world: dict[str, int],
                                                                       sims) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    sim, alice, scope, order = sims(), viewer(engine, "alice"), _scope(engine), world["order"]
    _assign(engine, order, sim)
    for status, message in (("suspended_nonpayment", MSG_SUSPENDED_NONPAYMENT), ("cancelled", MSG_CANCELLED)):
        with session_scope(engine) as session:
            session.get(Order, order).status = status  # type: ignore[union-attr]
        with pytest.raises(ServiceError) as refused:
            servers.act(viewer=alice, order_id=order, action="power_on", scope=scope)
        assert refused.value.message == message
        with session_scope(engine) as session:
            assert servers.server_panel(session=session, viewer=alice, order_id=order).refusal == message
    assert sim.state()["power"] == "off"
    with session_scope(engine) as session:
        tariff = session.get(TariffPlan, session.get(Order, order).tariff_id)  # type: ignore[union-attr]
        tariff.product_type = "vps"  # type: ignore[union-attr]
        session.get(Order, order).status = "processed"  # type: ignore[union-attr]
    with pytest.raises(ServiceError) as vps:
        servers.act(viewer=alice, order_id=order, action="power_on", scope=scope)
    assert vps.value.message == MSG_NOT_DEDICATED


def test_actions_per_order_are_rate_limited(engine: Engine, world: dict[str, int], sims,
                                            monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    sim, alice, scope, order = sims(), viewer(engine, "alice"), _scope(engine), world["order"]
    _assign(engine, order, sim)
    monkeypatch.setenv("INTROSERV_BMC_ACTIONS_PER_WINDOW", "3")
    get_settings.cache_clear()
    try:
        for _ in range(3):
            servers.act(viewer=alice, order_id=order, action="boot_network", scope=scope)
        with pytest.raises(ServiceError) as limited:
            servers.act(viewer=alice, order_id=order, action="power_on", scope=scope)
        assert limited.value.message == servers.MSG_TOO_MANY and limited.value.values["count"] == 3
        assert sim.state()["power"] == "off"
        with session_scope(engine) as session:  # the window moves on
            session.execute(sa.update(table_of(ServerActionRecord)).values(created_at=utcnow() - timedelta(hours=1)))
        servers.act(viewer=alice, order_id=order, action="power_on", scope=scope)
        assert sim.state()["power"] == "on"
    finally:
        monkeypatch.delenv("INTROSERV_BMC_ACTIONS_PER_WINDOW")
        get_settings.cache_clear()


def test_the_console_has_one_holder_and_staff_can_take_it_over(engine: Engine, world: dict[str, int], sims) -> None:  # type: ignore[no-untyped-def]
    sim, order = sims(), world["order"]
    _assign(engine, order, sim)
    alice, staff = viewer(engine, "alice"), viewer(engine, "helpdesk")
    with session_scope(engine) as session:
        first = servers.claim_console(session=session, viewer=alice, order_id=order)
    with session_scope(engine) as session, pytest.raises(ServiceError) as held:
        servers.claim_console(session=session, viewer=staff, order_id=order)
    assert held.value.message == servers.MSG_CONSOLE_HELD and held.value.values == {"name": "alice"}
    with session_scope(engine) as session:
        taken = servers.claim_console(session=session, viewer=staff, order_id=order, take_over=True)
        assert servers.renew_console(session=session, order_id=order, key=first.key) == "helpdesk"
        assert servers.renew_console(session=session, order_id=order, key=taken.key) is None
    with session_scope(engine) as session, pytest.raises(ServiceError):  # a customer cannot take it from staff
        servers.claim_console(session=session, viewer=alice, order_id=order, take_over=True)
    with session_scope(engine) as session:  # a holder that stopped renewing (a closed laptop) frees it
        later = utcnow() + servers.CONSOLE_STALE + timedelta(seconds=1)
        again = servers.claim_console(session=session, viewer=alice, order_id=order, now=later)
        servers.release_console(session=session, order_id=order, key=again.key)
        assert servers.console_holder(session=session, order_id=order) is None


def test_the_console_carries_the_servers_serial_output(engine: Engine, world: dict[str, int], sims) -> None:  # type: ignore[no-untyped-def]
    sim, order = sims(), world["order"]
    _assign(engine, order, sim)
    with session_scope(engine) as session:
        grant = servers.claim_console(session=session, viewer=viewer(engine, "alice"), order_id=order)
    received: list[bytes] = []
    console = servers.driver_for(grant.target).console(received.append)
    try:
        servers.act(viewer=viewer(engine, "alice"), order_id=order, action="power_on", scope=_scope(engine))
        assert _wait(lambda: b"login:" in b"".join(received), 20), b"".join(received)[-300:]
        console.send(b"root\r")
        assert _wait(lambda: b"Password" in b"".join(received), 10)
    finally:
        console.close()


def _cli(*args: str, db_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "introserv_app", "bmc", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "INTROSERV_DB_URL": db_url, **env}, timeout=120)  # fmt: skip


def test_the_command_line(engine: Engine, db_url: str, world: dict[str, int], sims) -> None:  # type: ignore[no-untyped-def]
    sim, order = sims(), str(world["order"])
    host = ["--host", "127.0.0.1", "--port", str(sim.port), "--user", "admin"]
    wrong = _cli("assign", order, *host, db_url=db_url, INTROSERV_BMC_PASSWORD="wrong-one")
    assert wrong.returncode == 1 and "refused the panel's credentials" in wrong.stderr
    done = _cli("assign", order, *host, db_url=db_url, INTROSERV_BMC_PASSWORD=PASSWORD)
    assert done.returncode == 0, done.stderr
    assert _cli("power", order, "status", db_url=db_url).stdout.strip() == "off"
    assert _cli("power", order, "on", db_url=db_url).returncode == 0 and sim.state()["power"] == "on"
    sensors = _cli("sensors", order, db_url=db_url)
    [line] = sensors.stdout.splitlines()
    data = json.loads(line)
    assert data["power"] == "on" and len(data["sensors"]) >= 6 and data["sensors"][0]["unit"]
    unknown = _cli("power", "999999", "status", db_url=db_url)
    assert unknown.returncode == 1 and unknown.stderr.startswith("error: Order not found")
    sim.stop_bmc()
    down = _cli("power", order, "off", db_url=db_url)
    assert down.returncode == 1 and "answer" in down.stderr and sim.state()["power"] == "on"


@pytest.fixture
def web(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from introserv_app.web import console, routes

    for module in (routes, console):
        monkeypatch.setattr(module, "session_scope", lambda: session_scope(engine))
    monkeypatch.setattr(console, "RENEW_SECONDS", 0.5)
    with TestClient(routes.build_api(), base_url="http://localhost:3000") as c:
        yield c


def _socket_headers(engine: Engine, username: str | None, origin: str = "http://localhost:3000") -> dict[str, str]:
    headers = {"origin": origin} if origin else {}
    if username:
        headers["cookie"] = f"{SESSION_COOKIE}={session_token(engine, username, ip='testclient')}"
    return headers


def _notice(ws: Any) -> dict[str, str]:
    message = ws.receive()
    assert message.get("text"), message
    return dict(json.loads(message["text"]))


def test_the_console_socket(engine: Engine, world: dict[str, int], sims, web: TestClient) -> None:  # type: ignore[no-untyped-def]
    sim, order = sims(), world["order"]
    _assign(engine, order, sim)
    path = f"/servers/{order}/console"
    # Another site's page (or a script without an Origin) cannot open it with the customer's cookie.
    for origin in ("https://evil.example", ""):
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            web.websocket_connect(path, headers=_socket_headers(engine, "alice", origin)),
        ):
            pass
        assert refused.value.code == 1008
    for who, message in ((None, "sign in again"), ("mallory", "Order not found")):
        with web.websocket_connect(path, headers=_socket_headers(engine, who)) as ws:
            notice = _notice(ws)
            assert notice["type"] == "error" and message in notice["message"]
    with web.websocket_connect(path, headers=_socket_headers(engine, "alice")) as ws:
        assert _notice(ws)["type"] == "ready"
        with web.websocket_connect(path, headers=_socket_headers(engine, "helpdesk")) as other:
            held = _notice(other)
            assert held["type"] == "error" and "in use by alice" in held["message"]
        servers.act(viewer=viewer(engine, "alice"), order_id=order, action="power_on", scope=_scope(engine))
        seen = b""
        while b"login: " not in seen:
            seen += ws.receive_bytes()
        ws.send_bytes(b"root\r")
        while b"Password: " not in seen:
            seen += ws.receive_bytes()
        # Support takes the console over: the customer's connection is told by whom.
        with web.websocket_connect(path + "?take_over=1", headers=_socket_headers(engine, "helpdesk")) as staff:
            assert _notice(staff)["type"] == "ready"
            while True:
                message = ws.receive()
                if message.get("text"):
                    break
            taken = json.loads(message["text"])
            assert taken["type"] == "taken" and "helpdesk" in taken["message"]
            # Suspending the order ends the console too.
            with session_scope(engine) as session:
                session.get(Order, order).status = "suspended_violation"  # type: ignore[union-attr]
            while True:
                message = staff.receive()
                if message.get("text"):
                    break
            assert json.loads(message["text"])["type"] == "error"

    def released() -> bool:
        with session_scope(engine) as session:
            return servers.console_holder(session=session, order_id=order) is None

    assert _wait(released, 5)  # released when the connection closes
