"""The demo data `make run` starts with: the tariff catalog and the demo accounts (customer, support, admin) with a few
dozen orders, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import select

from introserv_app.db.session import session_scope
from introserv_app.db.tables import Profile, User
from introserv_app.domain.roles import Role
from introserv_app.services.accounts import create_user
from introserv_app.tools.seed.tariffs import ensure_tariffs
from introserv_app.tools.seed.volume import seed_volume


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: Role
    description: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("demo", "demo-customer-2026", Role.CUSTOMER, "customer"),
    DemoAccount("support", "demo-support-2026", Role.SUPPORT, "support staff"),
    DemoAccount("admin", "demo-admin-2026", Role.ADMIN, "administrator"),
)


def demo_seeded(engine: Engine) -> bool:
    with session_scope(engine) as session:
        return session.exec(select(User.id).where(User.username == DEMO_ACCOUNTS[0].username)).first() is not None


def ensure_demo_accounts(engine: Engine) -> bool:
    """Create the demo accounts when missing. True when they were created now."""
    if demo_seeded(engine):
        return False
    ensure_tariffs(engine)
    with session_scope(engine) as session:
        for acc in DEMO_ACCOUNTS:
            user = create_user(
                session=session,
                username=acc.username,
                password=acc.password,
                role=acc.role,
                email_addr=f"{acc.username}@example.com",
                first_name="Demo",
                last_name=acc.description.title(),
                country="DE",
                send_welcome=True,
            )
            profile = session.get(Profile, user.id)
            assert profile is not None
            profile.city, profile.address, profile.postal_code = "Berlin", "Alexanderplatz 1", "10178"
            profile.phone, profile.email_confirmed = "+4930123456", True
    return True


def seed_demo(engine: Engine, *, seed: int = 1, now: datetime | None = None) -> bool:
    """First run only: demo accounts, tariffs, the demo customer's orders and some other customers."""
    if not ensure_demo_accounts(engine):
        return False
    seed_volume(engine, customers=0, orders=36, seed=seed, now=now, owner_username=DEMO_ACCOUNTS[0].username)
    seed_volume(engine, customers=60, orders=3000, seed=seed + 1, now=now)
    return True
