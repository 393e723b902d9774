"""The order status machine and the lifecycle calendar."""

from __future__ import annotations

from datetime import date

import pytest

from introserv_app.domain.lifecycle import (
    TRANSITIONS,
    Cause,
    Effect,
    LifecycleCalendar,
    TransitionRefused,
    parse_days,
    sources,
    transition,
)
from introserv_app.domain.statuses import OrderStatus as S


def test_paying_a_new_order_sends_it_to_processing_with_an_email_and_a_ticket() -> None:
    rule = transition(S.NOT_PROCESSED, S.PROCESSING, Cause.PAYMENT)
    assert rule.effects == (Effect.NOTIFY, Effect.ACCEPTANCE_TICKET) and rule.kind == "order_accepted"


@pytest.mark.parametrize(
    ("old", "new", "cause"),
    [
        (S.PROCESSED, S.SUSPENDED_NONPAYMENT, Cause.CUSTOMER),  # suspension is automatic: never the customer's
        (S.PROCESSED, S.SUSPENDED_VIOLATION, Cause.SYSTEM),  # only support suspends for a violation
        (S.SUSPENDED_VIOLATION, S.PROCESSED, Cause.PAYMENT),  # paying does not lift a violation
        (S.PROCESSING, S.PROCESSED, Cause.SYSTEM),  # only support delivers
        (S.CANCELLED, S.PROCESSED, Cause.SUPPORT),  # cancelled is final
        (S.NOT_PROCESSED, S.PROCESSED, Cause.PAYMENT),  # a new order goes through processing
    ],
)
def test_refused_changes(old: S, new: S, cause: Cause) -> None:
    with pytest.raises(TransitionRefused):
        transition(old, new, cause)


def test_cancelled_is_final_and_every_status_can_reach_cancelled() -> None:
    assert not [pair for pair in TRANSITIONS if pair[0] == S.CANCELLED]
    assert {old for old, new in TRANSITIONS if new == S.CANCELLED} == set(S) - {S.CANCELLED}


def test_payment_restores_an_order_suspended_for_non_payment_and_resolves_its_banners() -> None:
    rule = transition(S.SUSPENDED_NONPAYMENT, S.PROCESSED, Cause.PAYMENT)
    assert Effect.RESOLVE_SUSPENSION in rule.effects
    assert sources(S.SUSPENDED_NONPAYMENT, Cause.SYSTEM) == (S.PROCESSING, S.PROCESSED)


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [(20, None), (15, None), (14, 14), (10, 14), (7, 7), (5, 7), (3, 3), (2, 3), (1, 1), (0, None), (-3, None)],
)
def test_the_reminder_due_is_the_smallest_threshold_not_below_the_days_left(
    days_left: int, expected: int | None
) -> None:
    assert LifecycleCalendar().reminder_threshold(days_left) == expected


def test_grace_and_cancellation_dates() -> None:
    cal = LifecycleCalendar(grace_days=3, cancel_after_days=14)
    assert cal.suspend_before(date(2027, 1, 4)) == date(2027, 1, 1)
    assert cal.cancel_before(date(2027, 1, 18)) == date(2027, 1, 1)


def test_reminder_days_from_configuration() -> None:
    assert parse_days("14, 7,3,1") == (14, 7, 3, 1)
    assert LifecycleCalendar(reminder_days=(1, 7, 7, 30)).reminder_days == (30, 7, 1)
    for bad in ("", "0", "x", "400", "7,-1"):
        with pytest.raises(ValueError, match="whole numbers"):
            parse_days(bad)


def test_cancellation_pending_is_one_rule_in_python_and_in_sql() -> None:
    """domain.order_rules.cancellation_pending and services.orders.cancellation_pending_sql agree on every case."""
    import itertools
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from introserv_app.db.tables import Order, table_of
    from introserv_app.domain.order_rules import cancellation_pending
    from introserv_app.domain.statuses import CancelMode, OrderStatus
    from introserv_app.services.orders import cancellation_pending_sql

    orders = table_of(Order)
    when = datetime(2026, 1, 1, tzinfo=UTC)
    cases = list(itertools.product(list(OrderStatus), [None, *CancelMode], [None, when]))
    engine = sa.create_engine("sqlite://")
    with engine.connect() as conn:
        conn.execute(
            sa.text("CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT, cancel_mode TEXT, cancelled_at TEXT)")
        )
        for i, (status, mode, at) in enumerate(cases):
            conn.execute(
                sa.text("INSERT INTO orders VALUES (:i, :s, :m, :a)"),
                {"i": i, "s": status.value, "m": mode.value if mode else None, "a": at.isoformat() if at else None},
            )
        ids = orders.c.id
        pending = set(conn.execute(sa.select(ids).where(cancellation_pending_sql())).scalars())
        not_pending = set(conn.execute(sa.select(ids).where(sa.not_(cancellation_pending_sql()))).scalars())
    expected = {i for i, (s, m, a) in enumerate(cases) if cancellation_pending(status=s, cancel_mode=m, cancelled_at=a)}
    assert pending == expected and len(expected) == len(OrderStatus) - 1
    assert not_pending == set(range(len(cases))) - expected  # never NULL: NOT is the exact opposite
