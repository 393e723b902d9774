"""Volume data: customers with orders in all six statuses, invoices (continuous numbering per year), invoice lines and
ledger history, bulk-written (executemany on SQLite, COPY on PostgreSQL) with the secondary indexes dropped and
rebuilt, so that a million orders take well under a minute (docs/benchmarks.md)."""

from __future__ import annotations

import gc
import random
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from introserv_app.db.session import session_scope
from introserv_app.db.tables import Profile, TariffPlan, User
from introserv_app.tools.seed.bulk import (
    VolumeReport,
)
from introserv_app.tools.seed.rows import _bulk
from introserv_app.tools.seed.tariffs import ensure_tariffs


def seed_volume(
    engine: Engine,
    *,
    customers: int,
    orders: int,
    seed: int = 1,
    now: datetime | None = None,
    owner_username: str | None = None,
) -> VolumeReport:
    """Add `customers` new customers (or use `owner_username` for all orders) with `orders` orders.

    Deterministic for a given `seed` and `now` on an empty database.
    """
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    ensure_tariffs(engine)
    with session_scope(engine) as session:
        tariffs = session.exec(select(TariffPlan).order_by(TariffPlan.id)).all()  # type: ignore[arg-type]
        existing_names = set()
        if orders:
            existing_names = set(session.execute(sa.text("SELECT service_name FROM orders")).scalars())
        owner_id = owner_currency = None
        if owner_username:
            owner_id = session.exec(select(User.id).where(User.username == owner_username)).first()
            if owner_id is None:
                raise ValueError(f"no user {owner_username!r}")
            owner_currency = session.exec(select(Profile.currency).where(Profile.user_id == owner_id)).one()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of fresh tuples: the cyclic collector would rescan them again and again
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                # Rows are consistent by construction; checked FKs would cost a lookup per row.
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.commit()
            try:
                with conn.begin():
                    report = _bulk(
                        conn, rng, now, customers, orders, seed, owner_id, owner_currency, tariffs, existing_names
                    )
            finally:
                if conn.dialect.name == "sqlite":
                    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                    conn.commit()
    finally:
        if gc_was_enabled:
            gc.enable()
    return report
