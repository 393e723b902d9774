"""The demo data `make run` starts with: the tariff catalog and the demo accounts (customer, support, admin) with a few
dozen orders, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from introserv_app.db.session import session_scope
from introserv_app.db.tables import Order, OrderStatusChange, Profile, TariffPlan, User
from introserv_app.db.types import utcnow
from introserv_app.domain.roles import Role
from introserv_app.services import servers
from introserv_app.services.accounts import create_user
from introserv_app.tools.bmc_cli import COMMAND_LINE
from introserv_app.tools.bmc_sim import SimulatedServer
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


#: The demo dedicated server's management controller: `make run` starts a simulated one here (ipmi_sim, see
#: tools/bmc_sim.py and the app's `demo_server` task) when Debian's openipmi is installed.
DEMO_SERVER_NAME = "demo-dedicated"
DEMO_BMC_PORT, DEMO_SOL_PORT, DEMO_BMC_USER, DEMO_BMC_PASSWORD = 9623, 9624, "admin", "demo-bmc-2026"


def seed_demo(engine: Engine, *, seed: int = 1, now: datetime | None = None) -> bool:
    """First run only: demo accounts, tariffs, the demo customer's orders and some other customers."""
    if not ensure_demo_accounts(engine):
        return False
    seed_volume(engine, customers=0, orders=36, seed=seed, now=now, owner_username=DEMO_ACCOUNTS[0].username)
    seed_volume(engine, customers=60, orders=3000, seed=seed + 1, now=now)
    seed_demo_server(engine, now=now)
    return True


def seed_demo_server(engine: Engine, *, now: datetime | None = None) -> int:
    """A processed dedicated server for the demo customer; with ipmi_sim installed, its controller is the demo
    BMC (assigned untested: the simulator starts with the panel)."""
    now = now or utcnow()
    with session_scope(engine) as session:
        owner = session.exec(select(User.id).where(User.username == DEMO_ACCOUNTS[0].username)).one()
        tariff = session.exec(select(TariffPlan).where(TariffPlan.code == "ded-e3")).one()
        order = Order(
            user_id=owner or 0,
            service_name=DEMO_SERVER_NAME,
            tariff_id=tariff.id or 0,
            status="processed",
            paid_until=(now + timedelta(days=60)).date(),
            price_minor=int(tariff.prices_minor.get("1", 0)),
            currency=tariff.currency,
            main_ip="203.0.113.77",
            created_at=now - timedelta(days=30),
            period_months=1,
        )
        session.add(order)
        session.flush()
        for event, old, new in (("created", None, "not_processed"), ("delivered", "processing", "processed")):
            session.add(OrderStatusChange(order_id=order.id or 0, event=event, old_status=old, new_status=new,
                                          created_at=now - timedelta(days=30)))  # fmt: skip
        order_id = order.id or 0
    if SimulatedServer.available():
        form = servers.ControllerForm("127.0.0.1", DEMO_BMC_PORT, DEMO_BMC_USER, DEMO_BMC_PASSWORD)
        servers.assign_controller(
            viewer=COMMAND_LINE, order_id=order_id, form=form, test=False, scope=lambda: session_scope(engine)
        )
    return order_id
