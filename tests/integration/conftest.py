"""Fixtures shared by the integration tests: the shop of the billing tests and the HTTP routes on the test database
(the databases themselves come from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from introserv_app.db.session import session_scope
from introserv_app.db.tables import Order, Profile, TariffPlan
from tests.support.billing import PRICES
from tests.support.builders import make_user


@pytest.fixture
def shop(engine: Engine) -> dict[str, int]:
    """A Finnish customer (25.5 % VAT) with one order per status, and a second customer."""
    ids: dict[str, int] = {}
    uid = make_user(engine, "fin")
    other = make_user(engine, "other")
    with session_scope(engine) as session:
        session.get(Profile, uid).country = "FI"  # type: ignore[union-attr]
        tariff = TariffPlan(code="vps-s", name="VPS S", product_type="vps", currency="EUR", prices_minor=PRICES)
        session.add(tariff)
        session.flush()
        specs = {
            "active": ("processed", date(2027, 1, 10)),
            "active2": ("processed", date(2026, 12, 31)),
            "active3": ("processing", date(2026, 11, 30)),
            "overdue": ("suspended_nonpayment", date(2026, 11, 1)),
            "abuse": ("suspended_violation", date(2027, 2, 1)),
            "new": ("not_processed", None),
            "gone": ("cancelled", date(2026, 5, 1)),
        }
        for key, (status, paid) in specs.items():
            order = Order(
                user_id=uid,
                service_name=f"s{key}",
                tariff_id=tariff.id or 0,
                status=status,
                paid_until=paid,
                price_minor=400,
                currency="EUR",
            )
            session.add(order)
            session.flush()
            ids[key] = order.id or 0
        foreign = Order(user_id=other, service_name="foreign1", tariff_id=tariff.id or 0, status="processed",
                        paid_until=date(2027, 1, 1), price_minor=400, currency="EUR")  # fmt: skip
        session.add(foreign)
        session.flush()
        ids["foreign"], ids["user"], ids["other"] = foreign.id or 0, uid, other
    return ids


@pytest.fixture
def client(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The Starlette routes bound to the test database."""
    from introserv_app.web import routes

    monkeypatch.setattr(routes, "session_scope", lambda: session_scope(engine))
    monkeypatch.setattr(routes, "get_engine", lambda: engine)
    with TestClient(routes.build_api(), base_url="http://localhost:3000") as c:
        yield c
