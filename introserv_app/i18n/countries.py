"""Country names in the reader's language (Babel's CLDR territories) and the codes a profile may hold."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale

from introserv_app.domain.text import N_
from introserv_app.i18n import gettext, normalize_language

MSG_OTHER_COUNTRY = N_("Other country")
OTHER = "OTHER"


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """Two-letter ISO 3166 codes known to CLDR, plus OTHER (a country we do not tell apart)."""
    names: dict[str, str] = Locale.parse("en").territories  # type: ignore[assignment]
    return frozenset({str(c) for c in names if len(str(c)) == 2 and str(c).isalpha() and c != "ZZ"} | {OTHER})


def is_country_code(code: object) -> bool:
    return isinstance(code, str) and code in country_codes()


def country_name(code: str, lang: str) -> str:
    if not code or code.upper() == OTHER:
        return gettext(lang, MSG_OTHER_COUNTRY)
    return Locale.parse(normalize_language(lang)).territories.get(code.upper(), code.upper())


@lru_cache(maxsize=4)
def country_choices(lang: str) -> list[tuple[str, str]]:
    """(code, name) sorted by name in `lang`, OTHER last."""
    named = sorted(((c, country_name(c, lang)) for c in country_codes() if c != OTHER), key=lambda p: p[1])
    return [*named, (OTHER, country_name(OTHER, lang))]
