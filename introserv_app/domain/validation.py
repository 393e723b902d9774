"""Input bounds and checks shared by services."""

from __future__ import annotations

import re
import unicodedata

USERNAME_MAX = 64
PASSWORD_MAX = 1024
#: Largest row id any input may name (id columns are 32-bit integers on PostgreSQL).
ID_MAX = 2**31 - 1


def is_row_id(value: object) -> bool:
    """An id as a handler may receive it: a real int (not a bool) within the id columns' range."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


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
