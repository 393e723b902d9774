"""Every staff handler and every staff route refuses a customer's session (and admin handlers a support
user's): the refusal is audited and nothing changes.

The handlers are found by walking every State class of the app: a class listed in STAFF_STATES must
have every handler guarded, and a guarded handler anywhere (the order page's support card, the ticket
page's assignment) is called too. Each is called the way Reflex calls it, with the session cookie of
the websocket handshake, against the test database.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest
import reflex as rx
import sqlalchemy as sa
from reflex.istate.data import RouterData
from reflex.state import State
from sqlalchemy.engine import Engine
from sqlmodel import col
from starlette.testclient import TestClient

import introserv_app.introserv_app as web_app
from introserv_app.db import session as db_session
from introserv_app.db.session import session_scope
from introserv_app.db.tables import ALL_TABLES, AuditEvent, table_of
from introserv_app.domain.roles import Role
from introserv_app.services.accounts import SESSION_COOKIE, authenticate
from introserv_app.services.common.access import MSG_ADMIN_ONLY
from introserv_app.state.guard import STAFF_STATES
from introserv_app.state.orders import OrdersGridState
from introserv_app.state.session import SessionState
from tests.support.builders import PASSWORD, exchange, make_customer_with_order, make_user
from tests.support.concurrency import run_coroutine

# Reflex's own field setter (a client-side value of this tab's state; it reads and writes no data).
BUILTIN = {"setvar"}


def _all_states(cls: type[rx.State] = State) -> Iterator[type[rx.State]]:
    for sub in cls.get_substates():
        yield sub
        yield from _all_states(sub)


def staff_handlers() -> list[tuple[type[rx.State], str, Any]]:
    out = []
    for cls in _all_states():
        for name, handler in cls.event_handlers.items():
            if name in BUILTIN:
                continue
            guard = getattr(handler.fn, "staff_guard", None)
            if cls in STAFF_STATES:
                assert guard is not None, f"{cls.__name__}.{name} is on a staff page but not guarded"
            if guard is not None:
                out.append((cls, name, handler))
    return out


HANDLERS = staff_handlers()


def _token(engine: Engine, username: str) -> str:
    with session_scope(engine) as session:
        outcome = authenticate(session=session, username=username, password=PASSWORD, ip="127.0.0.1")
    assert outcome.ticket
    with session_scope(engine) as session:
        token = exchange(session, outcome)
    assert token
    return token


def _dummy(param: inspect.Parameter) -> object:
    annotation = str(param.annotation)
    if "dict" in annotation:
        return {
            "reason": "test",
            "amount": "100",
            "country": "FR",
            "main_ip": "192.0.2.1",
            "notice": "x",
            "action": "cancel",
        }
    if "bool" in annotation:
        return True
    if "int" in annotation:
        return 1
    return "1"


def _call(state: rx.State, handler: Any) -> object:
    params = list(inspect.signature(handler.fn).parameters.values())[1:]
    args = [_dummy(p) for p in params if p.default is inspect.Parameter.empty]
    return run_coroutine(handler.fn(state, *args))


def _snapshot(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in ALL_TABLES.sorted_tables
            if t.name not in ("audit_events", "sessions")
        }


@pytest.fixture
def app_db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The app's default engine is the test database (what `session_scope()` without an engine uses)."""
    monkeypatch.setattr(db_session, "get_engine", lambda: engine)
    return engine


def _state_for(cls: type[rx.State], token: str, path: str) -> rx.State:
    root = State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data(
        {"headers": {"cookie": f"{SESSION_COOKIE}={token}"}, "ip": "203.0.113.9", "pathname": path}
    )
    return root._get_state_from_cache(cls)


def test_the_enumeration_finds_every_staff_page_state() -> None:
    names = {(c.__name__, n) for c, n, _ in HANDLERS}
    assert len(names) >= 25
    for expected in (
        ("CustomerState", "adjust"),
        ("CustomerState", "account_action"),
        ("OrderDetailState", "staff_order_action"),
        ("OrderDetailState", "deliver"),
        ("TicketThreadState", "assign"),
        ("AdminState", "add_staff"),
        ("AuditState", "load"),
        ("StaffTicketsState", "set_filter"),
        ("StaffDashboardState", "retry"),
    ):
        assert expected in names


def _denied_targets(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        rows = session.execute(sa.select(AuditEvent).where(col(AuditEvent.action) == "access.denied")).scalars()
        return [str(e.details["target"]) for e in rows if not e.success]


def _clear_denied(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.delete(table_of(AuditEvent)).where(table_of(AuditEvent).c.action == "access.denied"))


def test_a_customer_is_refused_by_every_staff_handler(app_db: Engine) -> None:
    """One customer session calls each handler in turn: each call is refused with a toast or a redirect,
    writes exactly one `access.denied` event naming the handler, changes no data and fills none of the
    page's fields."""
    order_id = make_customer_with_order(app_db, "victim")
    make_user(app_db, "mallory")
    token = _token(app_db, "mallory")
    before = _snapshot(app_db)
    for cls, name, handler in HANDLERS:
        _clear_denied(app_db)
        state = _state_for(cls, token, f"/staff/customers/{order_id}")
        result = _call(state, handler)
        where = f"{cls.__name__}.{name}"
        assert "toast" in repr(result).lower() or "redirect" in repr(result).lower(), where
        assert _snapshot(app_db) == before, f"{where} changed data"
        assert _denied_targets(app_db) == [where]
        for field in ("rows", "staff", "orders", "ledger", "audit", "info", "failed", "status_rows", "cards"):
            if field in cls.base_vars:
                assert not getattr(state, field), f"{where} filled {field}"


ADMIN_HANDLERS = [(c, n, h) for c, n, h in HANDLERS if h.fn.staff_guard == MSG_ADMIN_ONLY]


def test_support_is_refused_by_every_admin_handler(app_db: Engine) -> None:
    make_user(app_db, "helper", Role.SUPPORT)
    token = _token(app_db, "helper")
    before = _snapshot(app_db)
    assert {n for _, n, _ in ADMIN_HANDLERS} >= {"add_staff", "set_role", "set_active", "save_seller", "save"}
    for cls, name, handler in ADMIN_HANDLERS:
        _clear_denied(app_db)
        result = _call(_state_for(cls, token, "/staff/admin"), handler)
        where = f"{cls.__name__}.{name}"
        assert "administrator" in repr(result), where
        assert _snapshot(app_db) == before, where
        assert _denied_targets(app_db) == [where]


def test_every_staff_route_checks_the_role_on_load() -> None:
    pages = web_app.app._unevaluated_pages
    staff_routes = [route for route in pages if route.startswith("staff")]
    assert len(staff_routes) >= 9
    for route in staff_routes:
        on_load = pages[route].on_load
        handlers = on_load if isinstance(on_load, list) else [on_load]
        assert handlers[0].fn is SessionState.check_staff.fn, route
        for h in handlers[1:]:  # and the page's own loader is guarded too
            if h.fn is OrdersGridState.load.fn:  # the grid shared with customers: its service scopes by viewer
                continue
            assert getattr(h.fn, "staff_guard", None) is not None, route


def test_check_staff_sends_a_customer_home_and_audits(app_db: Engine) -> None:
    make_user(app_db, "mallory")
    token = _token(app_db, "mallory")
    for route in [r for r in web_app.app._unevaluated_pages if r.startswith("staff")]:
        state = _state_for(SessionState, token, "/" + route)
        result = run_coroutine(SessionState.check_staff.fn(state))
        assert "redirect" in repr(result).lower()
    with session_scope(app_db) as session:
        n = session.execute(
            sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "access.denied")
        ).scalar_one()
    assert n == len([r for r in web_app.app._unevaluated_pages if r.startswith("staff")])


def test_the_audit_export_refuses_a_customer(app_db: Engine, client: TestClient) -> None:
    make_user(app_db, "mallory")
    token = _token(app_db, "mallory")
    response = client.get("/staff/audit.csv", headers={"cookie": f"{SESSION_COOKIE}={token}"})
    assert response.status_code == 403
    assert "support staff" in response.text
    assert client.get("/staff/audit.csv").status_code == 401
    with session_scope(app_db) as session:
        targets = [
            e.details["target"]
            for e in session.execute(sa.select(AuditEvent).where(AuditEvent.action == "access.denied")).scalars()  # type: ignore[arg-type]
        ]
    assert targets == ["audit.export"]
