"""Input bounds and checks shared by services and handlers.

Everything the browser sends (event arguments, form fields, URL parts) is untrusted. Two families of
helpers here turn it into values the rest of the code can rely on:

- numbers (`parse_number`, `parse_id`, `parse_page`, `id_in_path`): ASCII digits only, bounded; anything
  else (a sign, an exponent, `²`, `٣`, full-width digits, a bool, a float) is None, never an exception;
- text (`clean_search`, `check_text`): lone UTF-16 surrogates (which cannot be encoded as UTF-8, so they
  must never reach the database driver or the socket), NUL and other control characters, and the
  bidirectional overrides are *removed* from search-like input and *refused* in text that is saved.
  Emoji, accents, other scripts and the ordinary right-to-left marks are text like any other.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from introserv_app.domain.text import N_

USERNAME_MAX = 64
PASSWORD_MAX = 1024
#: Largest row id any input may name (id columns are 32-bit integers on PostgreSQL).
ID_MAX = 2**31 - 1
#: Largest page number any input may name (a page past the last one shows the last one).
PAGE_MAX = 1_000_000

MSG_TEXT_CHARACTERS = N_(
    "This field contains characters that cannot be used (invisible control characters or broken text)."
)

_ASCII_DIGITS = frozenset("0123456789")


def is_row_id(value: object) -> bool:
    """An id as a handler may receive it: a real int (not a bool) within the id columns' range."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


# ---- numbers ------------------------------------------------------------------------------------------


def parse_number(raw: object, *, maximum: int, minimum: int = 1) -> int | None:
    """A whole number from `minimum` (1 unless told) to `maximum`, or None.

    Accepts an int (not a bool) or a string of ASCII digits with optional surrounding spaces. Unicode
    digits that `str.isdigit()` accepts but `int()` does not (`²`, `①`) or that `int()` reads but a
    user did not mean as an ASCII number (`٣`, full-width digits) are refused, as are signs, exponents and strings
    longer than `maximum` has digits.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if minimum <= raw <= maximum else None
    if not isinstance(raw, str):
        return None
    text = raw.strip(" \t")
    if not text or len(text) > len(str(maximum)) or not _ASCII_DIGITS.issuperset(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def parse_id(raw: object) -> int | None:
    """A row id (1 to ID_MAX) from an event argument, a form field or a URL, or None."""
    return parse_number(raw, maximum=ID_MAX)


def parse_page(raw: object) -> int | None:
    """A page number (1 to PAGE_MAX), or None."""
    return parse_number(raw, maximum=PAGE_MAX)


#: Dates a filter may name: the day after the last one must exist too (date ranges end at the next midnight).
DATE_MAX = date(9998, 12, 31)


def parse_date(raw: object) -> date | None:
    """A day written as YYYY-MM-DD in ASCII digits, up to DATE_MAX, or None."""
    if not isinstance(raw, str) or len(raw) != 10 or not raw.isascii():
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return None
    return value if value <= DATE_MAX else None


def id_in_path(path: object) -> int | None:
    """The row id that ends a URL path such as `/orders/42` (a trailing slash allowed), or None."""
    if not isinstance(path, str) or len(path) > 2048:
        return None
    return parse_id(path.rstrip("/").rpartition("/")[2])


# ---- text ---------------------------------------------------------------------------------------------

#: Characters no text field may hold: C0 and C1 controls (NUL included), DEL, lone surrogates, and the
#: bidirectional embeddings, overrides and isolates (they can make text display differently from what it is).
_UNUSABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
#: In single-line text, line and paragraph breaks and tabs are unusable too.
_UNUSABLE_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class TextError(ValueError):
    """Why a text was refused: `problem` is "characters" (unusable characters) or "length" (too long)."""

    def __init__(self, problem: str, max_len: int = 0) -> None:
        super().__init__(problem)
        self.problem, self.max_len = problem, max_len


def has_unusable_characters(value: str, *, multiline: bool = False) -> bool:
    """Whether `value` holds a character that no stored text may hold (see `_UNUSABLE`)."""
    return (_UNUSABLE if multiline else _UNUSABLE_SINGLE_LINE).search(value) is not None


def clean_search(raw: object, max_len: int = 100) -> str:
    """Search-like input (a search box, a filter, a URL parameter): unusable characters become spaces,
    runs of whitespace fold to one space, the ends are trimmed and the result is cut to `max_len`.
    Never raises; anything that is not a string is empty."""
    if not isinstance(raw, str):
        return ""
    text = _UNUSABLE.sub(" ", raw[: max_len * 4])
    return " ".join(text.split())[:max_len].strip()


def check_text(raw: object, *, max_len: int, multiline: bool = False, fold_spaces: bool = False) -> str:
    """Text a user saves, trimmed (empty when it is not a string); raises TextError when it holds unusable
    characters (checked first) or is longer than `max_len` once trimmed.

    `multiline` keeps line breaks (`\\r\\n` and `\\r` become `\\n`) and tabs; `fold_spaces` turns every run
    of whitespace, line breaks included, into one space (for one-line notes such as a reason)."""
    if not isinstance(raw, str):
        return ""
    if fold_spaces:
        value = " ".join(raw.split())
    elif multiline:
        value = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    else:
        value = raw.strip()
    if has_unusable_characters(value, multiline=multiline):
        raise TextError("characters")
    if len(value) > max_len:
        raise TextError("length", max_len)
    return value


def strip_unusable(raw: object, max_len: int) -> str:
    """A copy of refused input that is safe to show again (e.g. a form echoed back with its errors): the
    unusable characters removed (line breaks and tabs kept), cut to `max_len`."""
    return _UNUSABLE.sub("", raw[: max_len * 2])[:max_len] if isinstance(raw, str) else ""


def form_fields(raw: object) -> dict[str, object]:
    """An event's form data as a dict of its string-named fields ({} when the event sent something else)."""
    if not isinstance(raw, dict):
        return {}
    return {k: v for k, v in raw.items() if isinstance(k, str)}


def is_encodable(value: str) -> bool:
    """Whether `value` can be written as UTF-8 (the database and the socket need it): no lone surrogates."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# ---- user names ---------------------------------------------------------------------------------------

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def normalize_username(raw: str) -> str:
    """Usernames compare case-insensitively after NFKC normalisation and trimming."""
    return unicodedata.normalize("NFKC", raw).strip().lower()


def is_valid_new_username(username: str) -> bool:
    """A new username: 2-64 characters of a-z, 0-9, dot, underscore, hyphen, starting alphanumeric."""
    return bool(USERNAME_RE.fullmatch(username))


def clip_for_log(value: str, limit: int = 64) -> str:
    """A bounded, printable copy of untrusted text for audit records."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in value[: limit * 2])
    return cleaned[:limit]


def safe_next(path: str) -> str:
    """Only same-site absolute paths (no `//host`, no scheme) are followed after login."""
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    if len(path) > 512 or any(ch in path for ch in "\r\n\t"):
        return "/"
    return path
