"""Translations are complete and formatting follows the viewer's language."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from babel.messages.pofile import read_po

from introserv_app.domain.money import Money
from introserv_app.i18n import (
    SUPPORTED_LANGUAGES,
    format_date,
    format_datetime,
    format_money,
    gettext,
    translate_message,
)

ROOT = Path(__file__).resolve().parents[2]
#: Strings that are legitimately the same in Russian.
SAME_IN_EVERY_LANGUAGE = {"ID"}


def _has_words(msgid: str) -> bool:
    """False for a pure format such as "{order}: {reason}" (nothing in it to translate)."""
    return any(ch.isalpha() for ch in re.sub(r"\{[^}]*\}", "", msgid))


def test_every_ui_string_has_a_russian_translation(tmp_path: Path) -> None:
    """Extract the strings from the code now and compare with the committed catalog."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "introserv_app/i18n/babel.cfg",
            # Babel skips folders named _* by default: the feature packages' _readers/_writers hold text too.
            "--ignore-dirs",
            ".* __pycache__",
            "-k",
            "t",
            "-k",
            "N_",
            "-k",
            "gettext:2",
            "-k",
            "translate_message:2",
            "-o",
            str(pot),
            "introserv_app",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        msgids = {m.id for m in read_po(fh) if m.id}
    assert len(msgids) > 40
    for lang in SUPPORTED_LANGUAGES:
        with (ROOT / f"introserv_app/i18n/locales/{lang}/LC_MESSAGES/messages.po").open("rb") as fh:
            catalog = {m.id: m.string for m in read_po(fh, locale=lang) if m.id and m.string and not m.fuzzy}
        missing = sorted(msgids - set(catalog))
        assert not missing, f"{lang}: untranslated strings {missing[:10]}"
        if lang != "en":  # a copied English text is not a translation
            copied = sorted(
                m for m in msgids if catalog.get(m) == m and m not in SAME_IN_EVERY_LANGUAGE and _has_words(m)
            )
            assert not copied, f"{lang}: English text left in the catalog {copied[:10]}"


def test_text_for_the_viewer_is_always_marked_for_extraction() -> None:
    """`ctx.text("...")` with a bare literal is translated at run time but never extracted: wrap it in N_."""
    bare = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "introserv_app").rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"ctx\.text\(\s*f?[\"']", line)
    ]
    assert not bare, bare


def test_server_side_text_and_placeholders() -> None:
    assert gettext("ru", "Dashboard") == "Главная"
    assert gettext("en", "Dashboard") == "Dashboard"
    assert gettext("xx", "Dashboard") == "Dashboard"  # unknown language falls back to English
    msg = "Too many failed attempts. Try again in {seconds} s."
    assert translate_message("ru", msg, {"seconds": 42}) == "Слишком много неудачных попыток. Повторите через 42 с."


def test_money_and_dates_are_formatted_for_the_language() -> None:
    assert format_money(Money(123456, "EUR"), "en") == "€1,234.56"
    assert format_money(Money(123456, "EUR"), "ru") == "1\xa0234,56\xa0€"
    assert format_date(date(2025, 9, 3), "en") == "Sep 3, 2025"
    # a code written next to the digits is kept apart from them (CLDR currency spacing), the ruble has its sign
    assert format_money(Money(36960, "PLN"), "en") == "PLN\xa0369.60"
    assert format_money(Money(-36960, "CZK"), "en") == "-CZK\xa0369.60"
    assert format_money(Money(36960, "PLN"), "ru") == "369,60\xa0PLN"
    assert format_money(Money(36960, "RUB"), "ru") == "369,60\xa0₽"
    assert format_money(Money(36960, "RUB"), "en") == "RUB\xa0369.60"
    assert format_money(Money(36960, "GBP"), "en") == "£369.60"
    assert format_money(Money(36960, "USD"), "ru") == "369,60\xa0$"
    assert format_date(date(2025, 9, 3), "ru") == "3 сент. 2025\u202fг."
    assert format_datetime(datetime(2025, 9, 3, 14, 5, tzinfo=UTC), "en", "short").endswith("UTC")
