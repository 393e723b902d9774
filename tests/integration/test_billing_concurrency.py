"""Money under concurrency, on SQLite and PostgreSQL: 20+ simultaneous attempts, checked in the ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from introserv_app.db.session import session_scope
from introserv_app.domain.money import Money
from introserv_app.domain.vat import decide
from introserv_app.services.billing import (
    InsufficientFunds,
    Line,
    balance,
    issue_invoice,
    post,
    rate_table,
)
from tests.support.billing import ledger
from tests.support.builders import make_user
from tests.support.concurrency import ATTEMPTS, run_concurrently

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def funded_customer(engine: Engine, minor: int) -> int:
    uid = make_user(engine, "payer")
    with session_scope(engine) as session:
        post(session=session, user_id=uid, kind="topup", amount=Money(minor, "EUR"), idem_key="seed-topup-0000001")
    return uid


def test_one_key_charges_exactly_once(engine: Engine) -> None:
    uid = funded_customer(engine, 10_000)

    def attempt(_: int) -> int:
        with session_scope(engine) as session:
            entry = post(
                session=session, user_id=uid, kind="charge", amount=Money(-700, "EUR"), idem_key="renew-dialog-42-abc"
            )
            return entry.id or 0

    results = run_concurrently(ATTEMPTS, attempt)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1  # every attempt got the same entry back
    assert ledger(engine, uid) == [("topup", 10_000), ("charge", -700)]
    with session_scope(engine) as session:
        assert balance(session=session, user_id=uid) == Money(9_300, "EUR")


def test_the_balance_never_goes_negative(engine: Engine) -> None:
    uid = funded_customer(engine, 5_000)  # enough for 7 charges of 7.00

    def attempt(i: int) -> int:
        with session_scope(engine) as session:
            return (
                post(
                    session=session,
                    user_id=uid,
                    kind="charge",
                    amount=Money(-700, "EUR"),
                    idem_key=f"tab-{i:04d}-charge-xyz",
                ).id
                or 0
            )

    results = run_concurrently(ATTEMPTS, attempt)
    refused = [r for r in results if isinstance(r, InsufficientFunds)]
    charged = [r for r in results if isinstance(r, int)]
    assert len(charged) == 7 and len(refused) == ATTEMPTS - 7, results
    entries = ledger(engine, uid)
    assert sum(a for _, a in entries) == 5_000 - 7 * 700 == 100
    with session_scope(engine) as session:
        assert balance(session=session, user_id=uid).minor == sum(a for _, a in entries)


def test_invoice_numbers_are_continuous_without_duplicates(engine: Engine) -> None:
    uid = make_user(engine, "billed")
    with session_scope(engine) as session:
        rates = rate_table(session=session)
    vat = decide(
        seller_country="NL",
        customer_country="FI",
        is_company=False,
        vat_number_valid=False,
        on=date(2026, 11, 23),
        rates=rates,
    )

    def attempt(i: int) -> str:
        with session_scope(engine) as session:
            invoice = issue_invoice(
                session=session,
                user_id=uid,
                lines=[Line("VPS S, 1 month", Money(1_999, "EUR"))],
                vat=vat,
                customer_country="FI",
                now=NOW,
            )
            if i % 5 == 0:
                raise RuntimeError("rolled back on purpose")  # its number must come back
            return invoice.number

    results = run_concurrently(ATTEMPTS, attempt)
    numbers = sorted(r for r in results if isinstance(r, str))
    assert len(numbers) == ATTEMPTS - len(range(0, ATTEMPTS, 5))
    assert numbers == [f"2026-{n:06d}" for n in range(1, len(numbers) + 1)]  # no gaps, no duplicates
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT net_minor, vat_rate, vat_minor, gross_minor FROM invoices LIMIT 1")).one()
    assert (row[0], Decimal(row[1]), row[2], row[3]) == (1_999, Decimal("25.5"), 510, 2_509)
