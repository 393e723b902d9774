"""CSV cells that a spreadsheet must not run as formulas (OWASP "CSV injection"): the rule of every export.

The order export applies the same rule in its SQL (`services/orders/_readers/export_cells.py`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: A cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection").
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_RISKY_START = re.compile(r"\n[=+\-@\t\r]")


def neutralize_formulas(values: Sequence[str | None]) -> list[str]:
    """Prefix `'` to every cell a spreadsheet would evaluate; other cells stay as they are."""
    text = ["" if v is None else v for v in values]
    # fast path: one C-level regex over the whole chunk; most chunks have no risky cell at all
    if not _RISKY_START.search("\n" + "\n".join(text)):
        return text
    return ["'" + v if v[:1] in FORMULA_STARTS else v for v in text]
