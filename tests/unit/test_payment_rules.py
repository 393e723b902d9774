"""The payment rules: the state machine of a payment, which providers a customer is offered, a credit note's VAT."""

from __future__ import annotations

from decimal import Decimal

import pytest

from introserv_app.domain.money import Money
from introserv_app.domain.payments import PaymentState as S
from introserv_app.domain.payments import can_move, providers_for, refundable_minor
from introserv_app.domain.vat import split_gross

ALL = ("demo", "stripe", "yookassa")


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        (S.CREATED, S.PENDING, True),
        (S.PENDING, S.SUCCEEDED, True),
        (S.PENDING, S.EXPIRED, True),
        (S.EXPIRED, S.SUCCEEDED, True),  # money taken late is still money taken
        (S.FAILED, S.SUCCEEDED, True),
        (S.SUCCEEDED, S.SUCCEEDED, False),  # booked once
        (S.SUCCEEDED, S.EXPIRED, False),  # an expiry arriving after the confirmation changes nothing
        (S.SUCCEEDED, S.FAILED, False),
        (S.CANCELED, S.EXPIRED, False),
        (S.PENDING, S.CREATED, False),
        (S.PENDING, S.PENDING, False),
    ],
)
def test_payment_moves(old: S, new: S, allowed: bool) -> None:
    assert can_move(old, new) is allowed


def test_what_is_left_to_refund() -> None:
    assert refundable_minor(S.SUCCEEDED, 1431, 500) == 931
    assert refundable_minor(S.SUCCEEDED, 1431, 1431) == 0
    assert refundable_minor(S.PENDING, 1431, 0) == 0


def test_which_providers_a_customer_is_offered() -> None:
    assert providers_for(ALL, "EUR", "DE") == ("demo", "stripe")
    assert providers_for(ALL, "RUB", "RU") == ("demo", "yookassa")
    assert providers_for(ALL, "EUR", "RU") == ("demo",)  # Stripe does not serve Russia
    assert providers_for(ALL, "USD", "by") == ("demo",)
    assert providers_for(("stripe", "yookassa"), "RUB", "DE") == ("yookassa",)
    assert providers_for(("yookassa",), "EUR", "FI") == ()
    assert providers_for(("stripe", "demo"), "CZK", "CZ") == ("stripe", "demo")  # in the configured order


def test_the_vat_of_a_credit_note_and_the_note_that_completes_an_invoice() -> None:
    rate = Decimal("25.5")
    assert split_gross(Money(500, "EUR"), rate) == Money(102, "EUR")  # 5.00 * 25.5 / 125.5 = 1.016
    assert split_gross(Money(931, "EUR"), rate, whole=Money(931, "EUR"), whole_vat=Money(189, "EUR")) == Money(
        189, "EUR"
    )
    assert split_gross(Money(1000, "EUR"), Decimal(0)) == Money(0, "EUR")  # reverse charge / outside the EU
    assert split_gross(Money(1, "EUR"), Decimal(21)) == Money(0, "EUR")


def test_no_play_money_outside_demo_mode_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    from introserv_app.config import ConfigError, _providers

    monkeypatch.delenv("INTROSERV_PAYMENT_PROVIDERS", raising=False)
    monkeypatch.delenv("INTROSERV_DEMO_MODE", raising=False)
    assert _providers() == ()  # a production shop never offers the demo checkout by accident
    monkeypatch.setenv("INTROSERV_DEMO_MODE", "1")
    assert _providers() == ("demo",)  # `make run`
    monkeypatch.setenv("INTROSERV_PAYMENT_PROVIDERS", "yookassa, demo, yookassa")
    with pytest.raises(ConfigError, match="INTROSERV_YOOKASSA_SHOP_ID and INTROSERV_YOOKASSA_SECRET_KEY"):
        _providers()
    monkeypatch.setenv("INTROSERV_PAYMENT_PROVIDERS", "paypal")
    with pytest.raises(ConfigError, match="unknown paypal"):
        _providers()
