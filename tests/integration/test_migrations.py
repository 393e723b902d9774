"""The Alembic history builds the schema the models describe, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
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
    from tests.support.builders import make_customer_with_order

    order_id = make_customer_with_order(engine)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE orders SET status = 'deleted' WHERE id = :i"), {"i": order_id})
    except sa.exc.IntegrityError:
        return
    raise AssertionError("an unknown status was accepted")


TS = "2026-01-01 00:00:00"
OLD_ROWS: list[tuple[str, dict[str, object]]] = [
    ("users", {"id": 1, "username": "old", "role": "customer", "password_hash": "x", "is_active": True,
               "created_at": TS}),
    ("profiles", {"user_id": 1, "profile_type": "individual", "company_verification": "none", "country": "DE",
                  "last_name": "A", "first_name": "B", "email": "a@example.com", "email_confirmed": True,
                  "city": "C", "address": "D", "currency": "EUR", "language": "en", "ip_restrictions": "",
                  "newsletter": False, "auto_renew": False, "pay_without_auth": False, "display_last_ip": False}),
    ("tariff_plans", {"id": 1, "code": "t", "name": "VPS", "product_type": "vps", "currency": "EUR",
                      "prices_minor": '{"1": 400}', "is_active": True}),
    ("orders", {"id": 1, "user_id": 1, "service_name": "oldvps01", "tariff_id": 1, "status": "processed",
                "created_at": TS, "price_minor": 400, "currency": "EUR", "period_months": 1, "comment": "kept"}),
    ("invoices", {"id": 1, "number": "2026-000001", "year": 2026, "seq": 1, "user_id": 1, "status": "paid",
                  "currency": "EUR", "net_minor": 400, "vat_rate": "19", "vat_minor": 76, "gross_minor": 476,
                  "reverse_charge": False, "customer_country": "DE", "issued_at": TS}),
    ("invoice_lines", {"id": 1, "invoice_id": 1, "order_id": 1, "description": "VPS", "quantity": 1,
                       "unit_minor": 400, "net_minor": 400}),
    ("ledger_entries", {"id": 1, "user_id": 1, "kind": "charge", "amount_minor": -476, "currency": "EUR",
                        "invoice_id": 1, "note": "", "created_at": TS}),
]  # fmt: skip


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrading_a_database_with_data_keeps_every_row(backend: str, tmp_path: Path) -> None:
    """Each migration after 0001 must apply to a live database whose rows reference each other."""
    from alembic import command
    from introserv_app.db.session import create_db_engine
    from introserv_app.tools.migrations import alembic_config, upgrade_head
    from tests.support.databases import new_pg_database

    gen = new_pg_database() if backend == "postgresql" else iter([f"sqlite:///{tmp_path / 'old.db'}"])
    url = next(gen)
    try:
        command.upgrade(alembic_config(url), "0001")
        engine = create_db_engine(url)
        with engine.begin() as conn:
            for table, values in OLD_ROWS:
                names, marks = ", ".join(values), ", ".join(f":{k}" for k in values)
                conn.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)
        engine.dispose()
        upgrade_head(url)
        engine = create_db_engine(url)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT comment FROM orders")).scalar() == "kept"
            assert conn.execute(sa.text("SELECT count(*) FROM invoice_lines")).scalar() == 1
            assert conn.execute(sa.text("SELECT count(*) FROM ledger_entries")).scalar() == 1
            assert conn.execute(sa.text("SELECT idem_key FROM invoices")).scalar() is None
            assert conn.execute(sa.text("SELECT vat_valid FROM profiles")).scalar() is None
            # 0010: the invoice keeps the bill-to the profile had
            assert conn.execute(sa.text("SELECT customer_name, customer_address FROM invoices")).one() == (
                "B A",
                "D\nC",
            )
        engine.dispose()
    finally:
        if hasattr(gen, "close"):
            gen.close()
