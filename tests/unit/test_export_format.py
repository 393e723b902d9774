"""CSV cell formatting of the order export (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from introserv_app.domain.csvcells import amounts as _amounts
from introserv_app.domain.csvcells import iso_dates as _iso_dates
from introserv_app.domain.csvcells import iso_timestamps as _iso_timestamps
from introserv_app.domain.csvcells import neutralize_formulas
from introserv_app.domain.money import CURRENCY_EXPONENT


def test_amounts_are_exact_decimal_text_with_a_point() -> None:
    assert _amounts([0, 5, 99, 100, 1999, -1, -250, 123456], ["EUR"] * 8) == [
        "0.00", "0.05", "0.99", "1.00", "19.99", "-0.01", "-2.50", "1234.56"
    ]  # fmt: skip
    CURRENCY_EXPONENT["XTS0"] = 0  # a currency without minor units
    try:
        assert _amounts([1999, -7], ["EUR", "XTS0"]) == ["19.99", "-7"]
    finally:
        del CURRENCY_EXPONENT["XTS0"]


def test_dates_are_iso_from_either_backend() -> None:
    assert _iso_timestamps(["2026-03-01 07:05:09.000000"]) == ["2026-03-01T07:05:09Z"]
    assert _iso_timestamps([datetime(2026, 3, 1, 7, 5, 9, tzinfo=UTC)]) == ["2026-03-01T07:05:09Z"]
    assert _iso_dates(["2026-03-01", None]) == ["2026-03-01", ""]
    assert _iso_dates([None, date(2026, 3, 1)]) == ["", "2026-03-01"]


def test_only_cells_a_spreadsheet_would_evaluate_are_prefixed() -> None:
    cells = ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "plain", "a=b", "", None, "5-3", "x\n=y"]
    assert neutralize_formulas(cells) == [
        "'=1+1", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "plain", "a=b", "", "", "5-3", "x\n=y"
    ]  # fmt: skip
    assert neutralize_formulas(["safe", "also safe"]) == ["safe", "also safe"]
