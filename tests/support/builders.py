"""Builders for the integration tests: users with complete profiles, a customer with an order, signing in the way
the login form and /auth/complete do, a viewer by username."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from introserv_app.db.session import session_scope
from introserv_app.db.tables import Order, Profile, TariffPlan, User
from introserv_app.domain.roles import Role
from introserv_app.services.accounts import authenticate, complete_login, create_user
from introserv_app.services.common.viewer import Viewer

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

    done = complete_login(session=session, ticket=outcome.ticket or "", binding=outcome.binding or "", ip=ip, now=now)
    return done.token if done else None


T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def login(
    engine: Engine,
    username: str,
    password: str,
    ip: str = "198.51.100.7",
    now: datetime = T0,
    device: str | None = None,
):
    with session_scope(engine) as session:
        return authenticate(session=session, username=username, password=password, ip=ip, now=now, device_cookie=device)


def viewer(engine: Engine, username: str) -> Viewer:
    with session_scope(engine) as session:
        u = session.exec(select(User).where(User.username == username)).one()
        return Viewer(user_id=u.id or 0, username=u.username, role=Role(u.role), session_id=0, language="en")
