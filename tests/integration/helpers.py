"""Small builders for integration tests."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine

from introserv_app.db.session import session_scope
from introserv_app.db.tables import Order, Profile, TariffPlan
from introserv_app.domain.roles import Role
from introserv_app.services.accounts import create_user

PASSWORD = "correct-horse-battery"


def make_user(engine: Engine, username: str = "alice", role: Role = Role.CUSTOMER, email: str = "") -> int:
    with session_scope(engine) as session:
        user = create_user(
            session=session, username=username, password=PASSWORD, role=role, email_addr=email, send_welcome=False
        )
        complete_profile(session.get(Profile, user.id), username)
        return user.id or 0


def complete_profile(profile: Profile | None, username: str) -> None:
    """The fields payments require (names, email, phone, city, address)."""
    assert profile is not None
    profile.first_name, profile.last_name = "Test", username.title()
    profile.email = profile.email or f"{username}@example.com"
    profile.phone, profile.city, profile.address = "+4930123456", "Berlin", "Alexanderplatz 1"


def make_customer_with_order(engine: Engine, username: str = "bob", status: str = "processed") -> int:
    user_id = make_user(engine, username)
    with session_scope(engine) as session:
        tariff = TariffPlan(
            code=f"t-{username}",
            name="VPS S",
            product_type="vps",
            currency="EUR",
            prices_minor={"1": 400, "3": 1140, "6": 2208, "12": 4224},
        )
        session.add(tariff)
        session.flush()
        order = Order(
            user_id=user_id,
            service_name=f"n{username}01",
            tariff_id=tariff.id or 0,
            status=status,
            paid_until=date(2030, 1, 1),
            price_minor=400,
            currency="EUR",
            main_ip="192.0.2.10",
        )
        session.add(order)
        session.flush()
        return order.id or 0


def run_coroutine(coroutine: Any) -> Any:
    """Run a coroutine on a loop of its own thread (the browser tests' Playwright keeps an event loop
    running in this one when the whole suite runs)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def session_token(engine: Engine, username: str, password: str = PASSWORD, ip: str = "127.0.0.1") -> str:
    """Sign `username` in the way the login form and the /auth/complete exchange do; the session token."""
    from introserv_app.services.accounts import authenticate

    with session_scope(engine) as session:
        outcome = authenticate(session=session, username=username, password=password, ip=ip)
    assert outcome.ok and outcome.ticket, outcome.error
    with session_scope(engine) as session:
        token = exchange(session, outcome, ip=ip)
    assert token
    return token


def exchange(session: Any, outcome: Any, ip: str = "127.0.0.1", now: Any = None) -> str | None:
    """/auth/complete's part of signing in, by the browser that signed in: the session token, or None."""
    from introserv_app.services.accounts import complete_login

    done = complete_login(session=session, ticket=outcome.ticket or "", binding=outcome.binding or "", ip=ip, now=now)
    return done.token if done else None
