"""Translations (Babel gettext catalogs, English and Russian) and locale-aware formatting.

`gettext(lang, msgid)` is for server-side text (messages, emails); the UI uses `components.translate.t`.
Catalogs: `introserv_app/i18n/locales/<lang>/LC_MESSAGES/messages.po`, compiled to .mo by
`make compile-messages` (the .po file is read directly when no .mo exists).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, get_currency_symbol

from introserv_app.domain.money import Money

LOCALES_DIR = Path(__file__).parent / "locales"
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "ru")
DEFAULT_LANGUAGE = "en"
#: Each language named in itself, for the language switcher.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "ru": "Русский"}


def normalize_language(lang: str | None) -> str:
    return lang if lang in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=len(SUPPORTED_LANGUAGES))
def catalog(lang: str) -> dict[str, str]:
    """{msgid: msgstr} for `lang`; untranslated entries are left out (the msgid is shown)."""
    base = LOCALES_DIR / lang / "LC_MESSAGES"
    mo, po = base / "messages.mo", base / "messages.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            cat = read_mo(fh)
    elif po.exists():
        with po.open("rb") as fh:
            cat = read_po(fh, locale=lang)
    else:
        return {}
    out: dict[str, str] = {}
    for message in cat:
        if message.id and isinstance(message.id, str) and isinstance(message.string, str) and message.string:
            if not message.fuzzy:
                out[message.id] = message.string
    return out


def gettext(lang: str, msgid: str) -> str:
    """`msgid` translated to `lang` (falls back to the English msgid)."""
    return catalog(normalize_language(lang)).get(msgid, msgid)


def translate_message(lang: str, msgid: str, values: Mapping[str, object] | None = None) -> str:
    """Translate then fill `{name}` placeholders."""
    text = gettext(lang, msgid)
    return text.format(**values) if values else text


def translate_error(lang: str, msgid: str, values: dict[str, object]) -> str:
    """A service refusal: the message and its values that are messages themselves (a reason), translated;
    amounts formatted for `lang`."""

    def one(value: object) -> object:
        if isinstance(value, Money):
            return format_money(value, lang)
        if isinstance(value, str):
            return gettext(lang, value)
        if isinstance(value, Decimal):
            return format_amount(value, lang)
        if isinstance(value, list | tuple):
            return ", ".join(gettext(lang, str(v)) for v in value)
        return value

    return translate_message(lang, msgid, {k: one(v) for k, v in values.items()})


# The formatters are pure and a grid shows the same prices, dates and counts again and again: each answer
# is kept (bounded), so a page load formats only what it has not seen before.
@lru_cache(maxsize=8192)
def format_money(money: Money, lang: str) -> str:
    """e.g. `€4.00`, `PLN 369.60` (en) or `4,00 €`, `369,60 ₽` (ru): the locale's symbol or code for the currency,
    its decimal separator and grouping.

    Babel leaves out CLDR's currency spacing rule (a symbol that ends in a letter, like a code, is kept apart from
    the digits by a no-break space), which ICU and browsers apply; it is applied here."""
    locale = normalize_language(lang)
    text = format_currency(money.amount, money.currency, locale=locale)
    return _currency_spacing(text, get_currency_symbol(money.currency, locale=locale))


def _currency_spacing(text: str, symbol: str) -> str:
    at = text.find(symbol)
    if not symbol or at < 0:
        return text
    end = at + len(symbol)
    if symbol[-1].isalpha() and end < len(text) and text[end].isdigit():
        text = f"{text[:end]}\u00a0{text[end:]}"
    if symbol[0].isalpha() and at > 0 and text[at - 1].isdigit():
        text = f"{text[:at]}\u00a0{text[at:]}"
    return text


@lru_cache(maxsize=4096)
def format_amount(value: Decimal | int, lang: str) -> str:
    return format_decimal(value, locale=normalize_language(lang))


@lru_cache(maxsize=8192)
def format_date(value: date | None, lang: str, fmt: str = "medium") -> str:
    return "" if value is None else _format_date(value, format=fmt, locale=normalize_language(lang))


def format_datetime(value: datetime | None, lang: str, fmt: str = "medium") -> str:
    """Shown in UTC (the panel's reference time zone), with the zone named."""
    if value is None:
        return ""
    return _format_datetime(value, format=fmt, tzinfo=UTC, locale=normalize_language(lang)) + " UTC"
