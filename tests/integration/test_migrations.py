"""The Alembic history builds the schema the models describe, on both backends."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from introserv_app.db.search import include_object
from introserv_app.db.tables import ALL_TABLES

EXPECTED_TABLES = {
    "users",
    "profiles",
    "tariff_plans",
    "orders",
    "invoices",
    "invoice_lines",
    "ledger_entries",
    "tickets",
    "ticket_messages",
    "notifications",
    "email_outbox",
    "sessions",
    "audit_events",
    "user_preferences",
    "invoice_counters",
    "alembic_version",
}


def test_upgrade_head_creates_every_table(engine: Engine) -> None:
    assert EXPECTED_TABLES <= set(sa.inspect(engine).get_table_names())


def test_autogenerate_finds_no_difference_to_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        diff = compare_metadata(ctx, ALL_TABLES)
    assert diff == []


def test_grid_indexes_exist(engine: Engine) -> None:
    names = {ix["name"] for ix in sa.inspect(engine).get_indexes("orders")}
    assert {"ix_orders_user_status", "ix_orders_user_paid_until", "ix_orders_user_created_at"} <= names


def test_order_status_is_constrained_to_the_six_statuses(engine: Engine) -> None:
    from tests.integration.helpers import make_customer_with_order

    order_id = make_customer_with_order(engine)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE orders SET status = 'deleted' WHERE id = :i"), {"i": order_id})
    except sa.exc.IntegrityError:
        return
    raise AssertionError("an unknown status was accepted")
