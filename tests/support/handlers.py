"""Calling Reflex handlers the way Reflex does, against the test database (for the odd-input tests).

A handler gets a fresh root state whose router data carries the session cookie of the websocket handshake,
the page's URL (path and query) and a client IP; its arguments go through Reflex's own payload
transformation (`_prepare_event_payload`: e.g. a string for an `int` parameter is converted when it can be).
After the call, the state delta and the returned events are serialised as Reflex sends them, and must be
UTF-8: a lone surrogate in either would drop the socket.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
import reflex as rx
import sqlalchemy as sa
from argon2 import PasswordHasher
from reflex.istate.data import RouterData
from reflex.state import State
from reflex_base.event import Event
from reflex_base.event.processor.base_state_processor import _prepare_event_payload
from reflex_base.utils.format import json_dumps
from sqlalchemy.engine import Engine

import introserv_app.introserv_app  # noqa: F401 - registers every page and State
from introserv_app.db import session as db_session
from introserv_app.db.session import session_scope
from introserv_app.db.tables import ALL_TABLES
from introserv_app.domain.money import Money
from introserv_app.domain.roles import Role
from introserv_app.services import billing, messaging
from introserv_app.services.accounts import SESSION_COOKIE
from introserv_app.services.accounts import _passwords as passwords  # the hasher is patched to be cheap
from introserv_app.services.billing import place_order
from introserv_app.services.common.viewer import Viewer
from tests.support.builders import make_customer_with_order, make_user, session_token

CLIENT_IP = "203.0.113.9"


@pytest.fixture
def app_db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The app's default engine is the test database; passwords hash with cheap argon2id parameters (the
    format and the checks are the same; only the cost differs, so many sign-ins and password forms fit)."""
    monkeypatch.setattr(db_session, "get_engine", lambda: engine)
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    passwords.dummy_hash.cache_clear()
    yield engine
    passwords.dummy_hash.cache_clear()


@dataclass(frozen=True)
class World:
    """A customer (bob) with a running order, an unpaid invoice, a ticket, a banner and some balance; a
    support user (helper) and an admin (boss); a session token for each."""

    engine: Engine
    tokens: dict[str, str]
    ids: dict[str, int]


def build_world(engine: Engine) -> World:
    order_id = make_customer_with_order(engine, "bob")
    helper_id = make_user(engine, "helper", Role.SUPPORT, email="helper@example.net")
    boss_id = make_user(engine, "boss", Role.ADMIN)
    with session_scope(engine) as session:
        from introserv_app.db.tables import Order

        order = session.get(Order, order_id)
        assert order is not None
        bob = Viewer(user_id=order.user_id, username="bob", role=Role.CUSTOMER, session_id=0, language="en")
        staff = Viewer(user_id=helper_id, username="helper", role=Role.SUPPORT, session_id=0, language="en")
        billing.post(
            session=session, user_id=bob.user_id, kind="topup", amount=Money(5000, "EUR"), idem_key="world-topup-0001"
        )
        placed = place_order(
            session=session, viewer=bob, tariff_id=order.tariff_id, months=1, idem_key="world-order-0001"
        )
        ticket_id = messaging.create_ticket(
            session=session, viewer=bob, subject="Slow disk", category="technical", message="Please look."
        )
        note = messaging.post_notice(session=session, viewer=staff, order_id=order_id, message="Maintenance")
        ids = {
            "bob": bob.user_id,
            "helper": helper_id,
            "boss": boss_id,
            "order": order_id,
            "new_order": placed.order_id,
            "invoice": placed.invoice_id,
            "tariff": order.tariff_id,
            "ticket": ticket_id,
            "notification": note.id or 0,
        }
    tokens = {name: session_token(engine, name) for name in ("bob", "helper", "boss")}
    return World(engine=engine, tokens=tokens, ids=ids)


def state_for(cls: type[rx.State], token: str | None, path: str, ip: str = CLIENT_IP) -> tuple[State, rx.State]:
    """(root, the state of `cls`) for an event from the page at `path` (query string included)."""
    root = State(_reflex_internal_init=True)
    headers = {"cookie": f"{SESSION_COOKIE}={token}"} if token else {}
    route = path.split("?", 1)[0]
    root.router = RouterData.from_router_data({"headers": headers, "ip": ip, "pathname": route, "asPath": path})
    return root, root._get_state_from_cache(cls)


def handler_of(cls: type[rx.State], name: str) -> Any:
    return cls.event_handlers[name]


def parameters(handler: Any) -> list[inspect.Parameter]:
    return list(inspect.signature(inspect.unwrap(handler.fn)).parameters.values())[1:]


def call(state: rx.State, handler: Any, *args: object) -> Any:
    """Run `handler` on `state` with positional `args`, transformed as Reflex transforms an event payload."""
    names = [p.name for p in parameters(handler)]
    payload = _prepare_event_payload(handler, dict(zip(names, args, strict=False)))
    result = handler.fn(state, **payload)
    if inspect.isawaitable(result):
        return _run(result)
    return result


def _run(awaitable: Any) -> Any:
    """Await on a loop of its own thread (see helpers.run_coroutine), in a copy of this context: Reflex keeps
    its registry of States in a context variable."""

    async def wait() -> Any:
        return await awaitable

    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(context.run, asyncio.run, wait()).result()


def events_of(result: Any) -> list[Event]:
    if result is None:
        return []
    items = result if isinstance(result, list | tuple) else [result]
    return [e for item in items for e in Event.from_event_type(item)]


def sent_to_browser(root: State, result: Any) -> bytes:
    """What Reflex would send for this event: the delta of the app's states and the events, as UTF-8 (raises
    when it cannot). The root state's own vars (the router: the URL, the headers) are Reflex's echo of what
    the browser sent and are left out."""
    delta = {name: values for name, values in root.get_delta().items() if name != root.get_full_name()}
    return json_dumps({"delta": delta, "events": events_of(result)}).encode("utf-8")


def error_toasts(result: Any) -> list[str]:
    """The error toasts among the events (their JavaScript, which holds the message)."""
    scripts = [str(e.payload.get("function", "")) for e in events_of(result)]
    return [s for s in scripts if '__toast\']?.["error"]' in s]


def table_contents(engine: Engine, skip: tuple[str, ...] = ("audit_events", "sessions")) -> dict[str, list[tuple]]:
    """Every row of every table (but the audit log and the sessions, which record attempts), for comparing."""
    out: dict[str, list[tuple]] = {}
    with engine.connect() as conn:
        for table in ALL_TABLES.sorted_tables:
            if table.name in skip:
                continue
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out
