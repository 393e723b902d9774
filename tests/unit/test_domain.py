"""Domain rules: money, periods, statuses, validation (no database, no browser)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from introserv_app.domain.money import Money, MoneyError
from introserv_app.domain.periods import PERIODS, add_months, days_left
from introserv_app.domain.roles import Role
from introserv_app.domain.statuses import STATUS_INFO, STATUS_ORDER, OrderStatus
from introserv_app.domain.validation import clip_for_log, is_valid_new_username, normalize_username


def test_exactly_the_six_statuses_of_the_orders_document() -> None:
    labels = [STATUS_INFO[s].label for s in STATUS_ORDER]
    assert labels == [
        "Not processed",
        "Processing",
        "Processed",
        "Cancelled",
        "Suspended (for violation)",
        "Suspended (for non-payment)",
    ]
    assert len(OrderStatus) == 6
    assert STATUS_INFO[OrderStatus.SUSPENDED_NONPAYMENT].explanation == "Service access blocked due to unpaid invoice."
    # every status has its own icon and colour/row style
    assert len({i.icon for i in STATUS_INFO.values()}) == 6


def test_money_is_exact_and_rounds_half_up_once() -> None:
    assert Money(400, "EUR").amount == Decimal("4.00")
    assert Money.from_decimal(Decimal("1.005"), "EUR").minor == 101
    assert Money.from_decimal("2.675", "USD").minor == 268
    assert Money(10, "EUR") + Money(5, "EUR") == Money(15, "EUR")
    with pytest.raises(MoneyError):
        Money(10, "EUR") + Money(5, "USD")
    with pytest.raises(MoneyError):
        Money(1.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        Money(1, "XXX")


def test_periods_and_month_arithmetic() -> None:
    assert PERIODS == (1, 3, 6, 12)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 5, 15), 12) == date(2027, 5, 15)
    assert days_left(date(2026, 11, 20), date(2026, 11, 22)) == -2
    assert days_left(date(2026, 12, 22), date(2026, 11, 22)) == 30


def test_usernames_and_audit_clipping() -> None:
    assert normalize_username("  Demo ") == "demo"
    assert normalize_username("ＤＥＭＯ") == "demo"  # full-width letters fold (NFKC)
    assert is_valid_new_username("r1.user-name_2")
    for bad in ("", "a", "-lead", "with space", "x" * 65, "名前", "a;drop"):
        assert not is_valid_new_username(bad)
    assert clip_for_log("a\x00b\nc" + "z" * 500) == "a?b?c" + "z" * 59
    assert Role.SUPPORT.is_staff and Role.ADMIN.is_staff and not Role.CUSTOMER.is_staff


def test_amounts_typed_by_users() -> None:
    from introserv_app.domain.money import parse_amount

    assert parse_amount("50", "EUR") == Money(5000, "EUR")
    assert parse_amount("1 234,56", "EUR") == Money(123456, "EUR")
    assert parse_amount(" 0.5 ", "EUR") == Money(50, "EUR")
    for bad in ("", "-5", "1e3", "12.345", "50.", ".5", "5,0,0", "٣", "x" * 40, "NaN"):
        assert parse_amount(bad, "EUR") is None, bad
    assert parse_amount("5", "XXX") is None


def test_paying_starts_a_new_order_and_restores_one_suspended_for_non_payment() -> None:
    from introserv_app.domain.order_rules import payment_refusal, renewal_refusal, status_after_payment
    from introserv_app.domain.statuses import OrderStatus as S

    assert renewal_refusal(S.NOT_PROCESSED, False) is not None  # a new order is paid, not renewed
    assert payment_refusal(S.NOT_PROCESSED, False) is None  # ... so its first invoice may be paid
    assert payment_refusal(S.CANCELLED, False) is not None and payment_refusal(S.SUSPENDED_VIOLATION, False)
    assert payment_refusal(S.PROCESSED, True) is not None  # a cancellation is pending
    assert status_after_payment(S.NOT_PROCESSED) == S.PROCESSING
    assert status_after_payment(S.SUSPENDED_NONPAYMENT) == S.PROCESSED
    assert status_after_payment(S.PROCESSED) == S.PROCESSED


def test_the_client_address_trusts_x_forwarded_for_only_through_the_configured_proxies() -> None:
    from introserv_app.domain.addresses import client_address

    chain = "6.6.6.6, 203.0.113.7, 10.0.0.2"  # a client's claim, the real client, the inner proxy
    assert client_address("10.0.0.1", chain, 0) == "10.0.0.1"  # no proxy configured: the socket peer
    assert client_address("10.0.0.1", chain, 1) == "10.0.0.2"
    assert client_address("10.0.0.1", chain, 2) == "203.0.113.7"
    assert client_address("10.0.0.1", "203.0.113.7", 2) == "10.0.0.1"  # fewer hops than configured: the peer
    assert client_address("10.0.0.1", "", 1) == "10.0.0.1"


def test_idempotency_keys_are_random_per_action_and_fit_the_services_limit() -> None:
    import pytest

    from introserv_app.domain.keys import IDEM_KEY_MAX, new_idem_key

    keys = {new_idem_key("topup") for _ in range(1000)}
    assert len(keys) == 1000 and all(k.startswith("topup-") and len(k) <= IDEM_KEY_MAX for k in keys)
    for bad in ("", "top up", "x" * 17, "топ"):
        with pytest.raises(ValueError):
            new_idem_key(bad)
