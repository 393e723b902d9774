"""The billing tests' world: the moment they run at, the tariff prices, a customer viewer, funding, reading orders
and ledger entries back."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from introserv_app.db.session import session_scope
from introserv_app.db.tables import Order
from introserv_app.domain.money import Money
from introserv_app.domain.roles import Role
from introserv_app.services.billing import (
    post,
)
from introserv_app.services.common.viewer import Viewer


def ledger(engine: Engine, user_id: int) -> list[tuple[str, int]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT kind, amount_minor FROM ledger_entries WHERE user_id = :u ORDER BY id"), {"u": user_id}
        )
        return [(r[0], r[1]) for r in rows]


NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


TODAY = NOW.date()


PRICES = {"1": 400, "3": 1140, "6": 2208, "12": 4224}


def who(ids: dict[str, int]) -> Viewer:
    return Viewer(user_id=ids["user"], username="fin", role=Role.CUSTOMER, session_id=0, language="en")


def fund(engine: Engine, user_id: int, minor: int, key: str = "funding-0000000001") -> None:
    with session_scope(engine) as session:
        post(session=session, user_id=user_id, kind="topup", amount=Money(minor, "EUR"), idem_key=key)


def order(engine: Engine, oid: int) -> Order:
    with session_scope(engine) as session:
        o = session.get(Order, oid)
        assert o is not None
        return o
