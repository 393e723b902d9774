"""VAT: rates by country and date, the treatment of an invoice, amounts, VAT numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from introserv_app.domain.money import Money
from introserv_app.domain.vat import (
    MSG_OUTSIDE_EU,
    MSG_REVERSE_CHARGE,
    RateTable,
    VatDecision,
    VatError,
    parse_percent,
    parse_vat_number,
    vat_amount,
)
from introserv_app.domain.vat import decide as decide_with
from introserv_app.domain.vat import standard_rate as rate_with
from introserv_app.domain.vat_rates import EU_COUNTRIES, RATES

TODAY = date(2026, 11, 23)
#: The built-in history: the starting data of the `vat_rates` table (tests/integration/test_vat_rates.py).
BUILT_IN = RateTable.of(RATES)


def standard_rate(country: str, on: date) -> Decimal:
    return rate_with(country, on, BUILT_IN)


def decide(**kwargs: object) -> VatDecision:
    return decide_with(**kwargs, rates=BUILT_IN)  # type: ignore[arg-type]


def test_the_table_has_the_27_member_states_each_with_a_source() -> None:
    assert len(EU_COUNTRIES) == 27 and "GB" not in EU_COUNTRIES
    assert all(source.strip() for *_, source in RATES)


@pytest.mark.parametrize(
    ("country", "rate"),
    [
        ("FI", "25.5"),
        ("EE", "24"),
        ("SK", "23"),
        ("RO", "21"),
        ("SI", "22"),
        ("DE", "19"),
        ("HU", "27"),
        ("LU", "17"),
        ("GR", "24"),
        ("de", "19"),
    ],
)
def test_current_standard_rates(country: str, rate: str) -> None:
    assert standard_rate(country, TODAY) == Decimal(rate)


@pytest.mark.parametrize("country", ["US", "GB", "OTHER", "", "CH"])
def test_outside_the_eu_is_zero(country: str) -> None:
    assert standard_rate(country, TODAY) == 0


@pytest.mark.parametrize(
    ("country", "before", "rate_before", "after", "rate_after"),
    [
        ("FI", date(2024, 8, 31), "24", date(2024, 9, 1), "25.5"),
        ("EE", date(2025, 6, 30), "22", date(2025, 7, 1), "24"),
        ("EE", date(2023, 12, 31), "20", date(2024, 1, 1), "22"),
        ("SK", date(2024, 12, 31), "20", date(2025, 1, 1), "23"),
        ("RO", date(2025, 7, 31), "19", date(2025, 8, 1), "21"),
        ("DE", date(2020, 12, 31), "16", date(2021, 1, 1), "19"),
        ("LU", date(2023, 12, 31), "16", date(2024, 1, 1), "17"),
    ],
)
def test_the_invoice_date_picks_the_rate(
    country: str, before: date, rate_before: str, after: date, rate_after: str
) -> None:
    assert standard_rate(country, before) == Decimal(rate_before)
    assert standard_rate(country, after) == Decimal(rate_after)


def test_no_rate_before_the_table_starts() -> None:
    with pytest.raises(VatError):
        standard_rate("DE", date(2014, 12, 31))


def test_a_member_state_missing_from_the_table_is_refused_not_charged_at_zero() -> None:
    with pytest.raises(VatError):
        rate_with("FI", TODAY, RateTable.of(r for r in RATES if r[0] != "FI"))
    assert rate_with("US", TODAY, RateTable()) == 0


def test_a_recorded_change_applies_from_its_date_and_is_listed_before() -> None:
    table = RateTable.of([*RATES, ("FI", date(2027, 1, 1), Decimal("26"), "test")])
    assert rate_with("FI", date(2026, 12, 31), table) == Decimal("25.5")
    assert rate_with("FI", date(2027, 1, 1), table) == Decimal("26")
    assert table.in_force("FI", TODAY) == (date(2024, 9, 1), Decimal("25.5"))
    assert table.planned("FI", TODAY) == [(date(2027, 1, 1), Decimal("26"))]
    assert table.planned("FI", date(2027, 1, 1)) == []
    assert table.in_force("US", TODAY) is None


@pytest.mark.parametrize(
    ("raw", "value"),
    [("25.5", "25.50"), ("25,5", "25.50"), (" 24 % ", "24.00"), ("0", "0.00"), ("100", "100.00"), ("7.25", "7.25")],
)
def test_rates_typed_by_staff(raw: str, value: str) -> None:
    assert str(parse_percent(raw)) == value


@pytest.mark.parametrize(
    "raw", ["", "%", "-1", "100.01", "25.555", "1e2", "NaN", "Infinity", "٢٥", "25.5.1", "1" * 50, None, 25]
)
def test_rates_staff_cannot_record(raw: object) -> None:
    assert parse_percent(raw) is None


SELLER = "NL"


def test_domestic_customer_pays_the_sellers_rate_even_as_a_company() -> None:
    for company, valid in ((False, False), (True, True), (True, False)):
        d = decide(seller_country=SELLER, customer_country="NL", is_company=company, vat_number_valid=valid, on=TODAY)
        assert (d.rate, d.country, d.reverse_charge, d.note) == (Decimal("21"), "NL", False, "")


def test_consumer_in_another_member_state_pays_that_states_rate() -> None:
    d = decide(seller_country=SELLER, customer_country="FI", is_company=False, vat_number_valid=False, on=TODAY)
    assert (d.rate, d.country, d.reverse_charge) == (Decimal("25.5"), "FI", False)
    before = decide(
        seller_country=SELLER, customer_country="FI", is_company=False, vat_number_valid=False, on=date(2024, 8, 1)
    )
    assert before.rate == Decimal("24")


def test_eu_business_with_a_valid_vat_number_is_reverse_charged() -> None:
    d = decide(seller_country=SELLER, customer_country="DE", is_company=True, vat_number_valid=True, on=TODAY)
    assert (d.rate, d.reverse_charge, d.note) == (Decimal("0"), True, MSG_REVERSE_CHARGE)


def test_eu_business_with_an_invalid_vat_number_is_charged_like_a_consumer() -> None:
    d = decide(seller_country=SELLER, customer_country="DE", is_company=True, vat_number_valid=False, on=TODAY)
    assert (d.rate, d.country, d.reverse_charge) == (Decimal("19"), "DE", False)


@pytest.mark.parametrize("country", ["US", "OTHER", "GB"])
def test_non_eu_customers_pay_no_vat(country: str) -> None:
    for company in (False, True):
        d = decide(seller_country=SELLER, customer_country=country, is_company=company, vat_number_valid=True, on=TODAY)
        assert (d.rate, d.reverse_charge, d.note) == (Decimal("0"), False, MSG_OUTSIDE_EU)


@pytest.mark.parametrize(
    ("net", "rate", "vat"),
    [
        (10000, "21", 2100),
        (1999, "25.5", 510),  # 509.745 -> 510
        (1, "19", 0),  # 0.19 -> 0
        (3, "25.5", 1),  # 0.765 -> 1
        (2, "25", 1),  # 0.5 -> 1 (half up)
        (0, "24", 0),
        (123456789, "27", 33333333),  # 33333333.03
    ],
)
def test_vat_amount_is_rounded_half_up_to_the_cent(net: int, rate: str, vat: int) -> None:
    assert vat_amount(Money(net, "EUR"), Decimal(rate)) == Money(vat, "EUR")


@pytest.mark.parametrize(
    ("raw", "country", "number"),
    [
        ("DE136695976", "DE", "DE136695976"),
        ("de 136 695 976", "DE", "DE136695976"),
        ("ATU13585627", "AT", "ATU13585627"),
    ],
)
def test_vat_numbers_are_checked_for_format_and_checksum(raw: str, country: str, number: str) -> None:
    parsed = parse_vat_number(raw)
    assert parsed is not None and (parsed.country, parsed.number) == (country, number)


@pytest.mark.parametrize("raw", ["DE136695970", "", "XX123", "US123456789", "=cmd()", "DE" + "1" * 5000])
def test_bad_vat_numbers_are_refused(raw: str) -> None:
    assert parse_vat_number(raw) is None
