"""The rules every handler applies to what the browser sends (issue 17, items 5 and 6), without a database:
one parser for ids, page numbers and dates, one text sanitiser, and the strict amount grammar of the staff
balance adjustment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from introserv_app.domain import settings_rules as rules
from introserv_app.domain.grid import parse_grid_query
from introserv_app.domain.money import Money, parse_amount, parse_signed_amount
from introserv_app.domain.order_rules import (
    MSG_REASON_CHARACTERS,
    MSG_REASON_REQUIRED,
    MSG_REASON_TOO_LONG,
    reason_refusal,
)
from introserv_app.domain.validation import (
    ID_MAX,
    PAGE_MAX,
    TextError,
    check_text,
    clean_search,
    form_fields,
    has_unusable_characters,
    id_in_path,
    is_encodable,
    parse_date,
    parse_id,
    parse_number,
    parse_page,
    strip_unusable,
)

#: Digits of other scripts: `str.isdigit()` is true for all of them, `int()` raises for some and reads others.
UNICODE_DIGITS = ["²", "³", "①", "٣", "۴", "१", "１２", "𝟙", "߂", "¹²"]
SURROGATES = ["\ud800", "\udfff", "a\udc80b", "\ud83d"]  # lone halves, as a crafted websocket frame can carry
EMOJI = ["👍", "👨‍👩‍👧", "🇳🇱", "1️⃣", "🏳️‍🌈"]  # with zero-width joiners, variation selectors, flags


# ---- numbers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", UNICODE_DIGITS)
def test_digits_of_other_scripts_are_not_numbers(raw: str) -> None:
    assert raw.isdigit()  # the trap: str.isdigit() says yes
    assert parse_id(raw) is None and parse_page(raw) is None and parse_number(raw, maximum=10**9) is None


@pytest.mark.parametrize(
    "raw",
    [
        "",
        " ",
        "0",
        "-1",
        "+1",
        "1e3",
        "1.0",
        "1_000",
        "0x10",
        "12a",
        "٣٣",
        "1 2",
        "\x001",
        "1\ud800",
        "9" * 11,
        "2147483648",
    ],
)
def test_anything_but_a_bounded_run_of_ascii_digits_is_no_id(raw: str) -> None:
    assert parse_id(raw) is None


@pytest.mark.parametrize("raw", [True, False, None, 1.0, 2.5, [1], {"1": 1}, b"1", 0, -5, ID_MAX + 1, 10**40])
def test_values_that_are_not_ids(raw: object) -> None:
    assert parse_id(raw) is None


def test_ids_and_pages_within_their_bounds() -> None:
    assert parse_id("42") == 42 == parse_id(42) == parse_id(" 42\t") == parse_id("0042")
    assert parse_id(str(ID_MAX)) == ID_MAX and parse_id(ID_MAX) == ID_MAX
    assert parse_page("3") == 3 and parse_page(str(PAGE_MAX)) == PAGE_MAX and parse_page(str(PAGE_MAX + 1)) is None
    assert parse_number("0", maximum=5, minimum=0) == 0 and parse_number("6", maximum=5) is None


def test_the_id_at_the_end_of_a_path() -> None:
    assert id_in_path("/orders/42") == 42 == id_in_path("/orders/42/")
    for path in ("/orders/²", "/orders/", "/orders/%C2%B2", "/orders/-1", "/tickets/1\ud800", "", None, 42):
        assert id_in_path(path) is None, path


@settings(max_examples=500, database=None)
@given(st.one_of(st.text(st.characters(codec=None)), st.integers(), st.floats(), st.none(), st.booleans()))
def test_the_number_parser_never_raises(raw: object) -> None:
    for parse in (parse_id, parse_page, id_in_path):
        value = parse(raw)
        assert value is None or (isinstance(value, int) and 1 <= value <= ID_MAX)


def test_dates_are_ascii_and_leave_room_for_the_next_day() -> None:
    assert parse_date("2025-09-03") == date(2025, 9, 3) and parse_date("9998-12-31") == date(9998, 12, 31)
    for raw in ("9999-12-31", "2025-09-0²", "２０２５-09-03", "20250903", "2025-02-30", "", None, "2025-09-03\ud800"):
        assert parse_date(raw) is None, raw
    query, problems = parse_grid_query({"created_to": "9999-12-31", "page": "²", "size": "٥٠", "ids": "1,²"})
    assert query.filters.created_to is None and query.page == 1 and query.page_size == 25 and query.filters.ids == ()
    assert len(problems) == 2  # the date and the ids


# ---- text -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["\x00", "\x1b[31m", "\x7f", "\x85", *SURROGATES, "\u202e", "\u2066"])
def test_unusable_characters_are_refused_in_saved_text_and_removed_from_searches(bad: str) -> None:
    with pytest.raises(TextError) as refused:
        check_text(f"Acme {bad} Ltd", max_len=100)
    assert refused.value.problem == "characters"
    cleaned = clean_search(f"Acme {bad} Ltd")
    assert cleaned.startswith("Acme ") and cleaned.endswith(" Ltd")
    assert not has_unusable_characters(cleaned) and is_encodable(cleaned)


@pytest.mark.parametrize("good", [*EMOJI, "Ünïcödé", "名前", "שלום \u200f", "a\u200db", "\ufeffx"])
def test_emoji_and_other_scripts_are_ordinary_text(good: str) -> None:
    assert check_text(f" {good} ", max_len=100) == good.strip()
    assert clean_search(good) == good.strip()


def test_a_length_message_only_for_a_length_problem() -> None:
    with pytest.raises(TextError) as long:
        check_text("x" * 101, max_len=100)
    assert (long.value.problem, long.value.max_len) == ("length", 100)
    with pytest.raises(TextError) as both:  # too long *and* a NUL: the characters are what to fix first
        check_text("x" * 200 + "\x00", max_len=100)
    assert both.value.problem == "characters"
    assert check_text("👨‍👩‍👧" * 20, max_len=100) == "👨‍👩‍👧" * 20  # 100 code points: within the limit


def test_lines_tabs_and_folding() -> None:
    assert check_text(" a\r\nb\rc\td ", max_len=20, multiline=True) == "a\nb\nc\td"
    for single in ("a\nb", "a\tb", "a\u2028b"):
        with pytest.raises(TextError):
            check_text(single, max_len=20)
    assert check_text(" a \n\t b ", max_len=20, fold_spaces=True) == "a b"
    assert check_text(None, max_len=5) == "" and check_text(["x"], max_len=5) == ""
    assert strip_unusable("10.0.0.1\n\ud80010.0.0.2\x00", 100) == "10.0.0.1\n10.0.0.2"
    assert form_fields({"a": 1, 2: "x"}) == {"a": 1} and form_fields("a=1") == {} and form_fields(None) == {}


@settings(max_examples=500, database=None)
@given(st.text(st.characters(codec=None), max_size=300), st.booleans(), st.booleans())
def test_text_is_either_refused_or_safe_to_store(raw: str, multiline: bool, fold: bool) -> None:
    searched = clean_search(raw, 50)
    assert is_encodable(searched) and not has_unusable_characters(searched) and len(searched) <= 50
    try:
        stored = check_text(raw, max_len=120, multiline=multiline, fold_spaces=fold)
    except TextError as exc:
        assert exc.problem in ("characters", "length")
        if exc.problem == "length":
            assert not has_unusable_characters(raw.strip(), multiline=multiline or fold)
        return
    assert is_encodable(stored) and "\x00" not in stored and len(stored) <= 120


def test_reasons() -> None:
    assert reason_refusal("  Chargeback \n from the bank ", required=True) == ("Chargeback from the bank", None)
    assert reason_refusal("Goodwill 👍", required=True) == ("Goodwill 👍", None)
    assert reason_refusal("", required=False) == ("", None)
    assert reason_refusal(" ", required=True) == ("", MSG_REASON_REQUIRED)
    assert reason_refusal("x" * 501, required=True) == ("", MSG_REASON_TOO_LONG)
    for bad in ("a\x00b", "a\ud800b", "a\u202eb"):
        assert reason_refusal(bad, required=True) == ("", MSG_REASON_CHARACTERS)


# ---- settings fields use the same sanitiser --------------------------------------------------------------


def test_settings_fields_name_the_real_problem() -> None:
    assert rules.text("Zoë 👩‍💻", max_len=100) == "Zoë 👩‍💻"
    for bad in ("Hel\x00sinki", "Hel\ud800sinki"):
        with pytest.raises(rules.FieldError) as refused:
            rules.text(bad, max_len=100)
        assert refused.value.message == rules.MSG_CHARACTERS
    with pytest.raises(rules.FieldError) as long:
        rules.text("x" * 101, max_len=100)
    assert long.value.message == rules.MSG_TOO_LONG
    with pytest.raises(rules.FieldError) as secret:
        rules.secret("word\x00")
    assert secret.value.message == rules.MSG_CHARACTERS
    assert rules.secret("🐱🐶🐭🐹") == "🐱🐶🐭🐹"
    assert rules.password_problem("a\ud800" * 8, "a\ud800" * 8, "bob") == rules.MSG_PASSWORD_CHARACTERS
    assert rules.password_problem("x\x00" * 8, "x\x00" * 8, "bob") == rules.MSG_PASSWORD_CHARACTERS


def test_ip_lists_show_odd_lines_safely_and_refuse_zones() -> None:
    with pytest.raises(rules.FieldError) as refused:
        rules.parse_ip_rules("10.0.0.\ud800\nfe80::1%eth0\nfe80::1%\x00\n١٠.0.0.1")
    assert [e.values["line"] for e in refused.value.items] == [1, 2, 3, 4]
    assert all(is_encodable(str(e.values["text"])) for e in refused.value.items)
    assert not rules.ip_allowed("fe80::1%eth0", "fe80::1")


# ---- amounts (item 6) -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "minor"),
    [
        ("100", 10000),
        ("+100", 10000),
        ("-100", -10000),
        ("1,5", 150),
        ("-0.50", -50),
        (" 12 ", 1200),
        ("12.3", 1230),
        ("-1 234,56", -123456),
        ("0", 0),
    ],
)
def test_signed_amounts(raw: str, minor: int) -> None:
    assert parse_signed_amount(raw, "EUR") == Money(minor, "EUR")


@pytest.mark.parametrize(
    "raw",
    [
        "+-100",
        "--1",
        "-+1",
        "++1",
        "- 1",
        "1-",
        "1.234",
        "1,2,3",
        "1.2.3",
        "1,234.56",
        "1e3",
        "１２",
        "٣",
        "²",
        "NaN",
        "inf",
        ".5",
        "5.",
        "-",
        "",
        " ",
        "12 34",
        "0x10",
        "1_000",
        "1\x00",
        "1\ud800",
        "9" * 13,
        "1" * 40,
    ],
)
def test_everything_else_is_not_an_amount(raw: str) -> None:
    assert parse_signed_amount(raw, "EUR") is None


def test_unsigned_amounts_keep_their_rules() -> None:
    assert parse_amount("50", "EUR") == Money(5000, "EUR") and parse_amount("1 234,56", "EUR") == Money(123456, "EUR")
    for bad in ("-5", "+5", "12 34", "١٢"):
        assert parse_amount(bad, "EUR") is None
    assert parse_signed_amount("5", "XXX") is None and parse_signed_amount(5, "EUR") is None


@settings(max_examples=300, database=None)
@given(
    st.sampled_from(["", "+", "-"]),
    st.integers(min_value=0, max_value=10**12 - 1),
    st.sampled_from(["", ".", ","]),
    st.text("0123456789", max_size=3),
)
def test_an_amount_is_exactly_what_was_typed(sign: str, whole: int, sep: str, frac: str) -> None:
    raw = f"{sign}{whole}" + (f"{sep}{frac}" if sep else "")
    parsed = parse_signed_amount(raw, "EUR")
    if sep and not 1 <= len(frac) <= 2:
        assert parsed is None
        return
    assert parsed is not None
    assert parsed.amount == Decimal(raw.replace(",", ".")).quantize(Decimal("0.01"))


@settings(max_examples=500, database=None)
@given(st.text(st.characters(codec=None), max_size=40))
def test_the_amount_parser_never_raises(raw: str) -> None:
    parsed = parse_signed_amount(raw, "EUR")
    assert parsed is None or isinstance(parsed.minor, int)
