"""The export's cells, formatted by the database in the statement itself (one C-level pass per value, no Python
object per cell): the same text, byte for byte, as the rules of `domain.csvcells` applied in Python.

- timestamps in UTC as `2025-09-03T10:15:00Z`, dates as `2025-09-03`, NULL as an empty cell;
- amounts as exact decimal text of the minor units with the currency's exponent (`1999`, EUR -> `19.99`);
- a text cell a spreadsheet would run as a formula (`domain.csvcells.FORMULA_STARTS`) gets an apostrophe;
- CSV quoting as Python's `csv.writer` does it (a cell with `"`, `,`, CR or LF is quoted, `"` doubled).

PostgreSQL: the row's cells, for `COPY (...) TO STDOUT (FORMAT csv)`, which quotes as `csv.writer` does except for
empty strings (quoted there), so empty text becomes NULL. SQLite: the whole CSV line as one string.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from introserv_app.domain.csvcells import FORMULA_STARTS
from introserv_app.domain.money import CURRENCY_EXPONENT

#: The code points a formula starts with (`ascii()` on PostgreSQL, `unicode()` on SQLite: NULL for an empty text).
_FORMULA_CODES = ", ".join(str(ord(c)) for c in FORMULA_STARTS)
#: A cell `csv.writer` quotes (QUOTE_MINIMAL with the "\r\n" line terminator).
_NEEDS_QUOTES = "'*[\",\n\r]*'"
_DEFAULT_EXPONENT = 2
#: Up to this many tariffs, SQLite's statement carries their formatted names (see `_sqlite_tariff`).
MAX_INLINE_TARIFFS = 200


def _amount_sql(minor: str, currency: str, dialect: str) -> str:
    """Exact decimal text of minor units, integer arithmetic only (as `domain.csvcells.decimal_text`)."""

    def fixed(exp: int) -> str:
        if exp == 0:
            return f"CAST({minor} AS TEXT)"
        unit = 10**exp
        if dialect == "postgresql":  # mod(), not "%": that is the driver's placeholder sign
            whole = f"CAST(abs({minor}) / {unit} AS TEXT)"
            frac = f"lpad(CAST(mod(abs({minor}), {unit}) AS TEXT), {exp}, '0')"
        else:  # SQLite concatenates integers as their text
            whole, frac = f"(abs({minor}) / {unit})", f"substr('{'0' * exp}' || (abs({minor}) % {unit}), -{exp})"
        return f"(CASE WHEN {minor} < 0 THEN '-' ELSE '' END || {whole} || '.' || {frac})"

    groups: dict[int, list[str]] = {}
    for code, exp in sorted(CURRENCY_EXPONENT.items()):
        if exp != _DEFAULT_EXPONENT:
            groups.setdefault(exp, []).append(code)
    if not groups:
        return fixed(_DEFAULT_EXPONENT)
    whens = " ".join(
        f"WHEN {currency} IN ({', '.join(repr(c) for c in codes)}) THEN {fixed(exp)}" for exp, codes in groups.items()
    )
    return f"(CASE {whens} ELSE {fixed(_DEFAULT_EXPONENT)} END)"


def _pg_text(value: str) -> str:
    """A text cell on PostgreSQL: neutralised, and NULL when empty (COPY writes NULL as an empty, unquoted cell)."""
    return f"NULLIF(CASE WHEN ascii({value}) IN ({_FORMULA_CODES}) THEN '''' || {value} ELSE {value} END, '')"


def _sqlite_quoted(value: str) -> str:
    return (
        f"(CASE WHEN {value} GLOB {_NEEDS_QUOTES} THEN '\"' || replace({value}, '\"', '\"\"') || '\"' ELSE {value} END)"
    )


def _sqlite_text(value: str) -> str:
    """A text cell on SQLite: neutralised and quoted; NULL is an empty cell."""
    return (
        f"(CASE WHEN {value} IS NULL THEN '' WHEN unicode({value}) IN ({_FORMULA_CODES}) "
        f"THEN {_sqlite_quoted(chr(39) * 4 + ' || ' + value)} ELSE {_sqlite_quoted(value)} END)"
    )


def tariff_cells_sql() -> str:
    """SQLite: each tariff's cell, formatted as in the export (read once per export, see `csv_columns`)."""
    return f"SELECT id, {_sqlite_text('name')} FROM tariff_plans"


def _sqlite_tariff(tariffs: list[tuple[int, str]]) -> str:
    """The tariff's cell by its id: the few formatted names written into the statement (a join and a formatting of
    the name per row cost more), the join's row only for a tariff made since."""
    if not tariffs or len(tariffs) > MAX_INLINE_TARIFFS or any("\x00" in cell for _, cell in tariffs):
        return _sqlite_text("tariff_plans.name")
    whens = " ".join(f"WHEN {int(tid)} THEN '{cell.replace(chr(39), chr(39) * 2)}'" for tid, cell in tariffs)
    return f"(CASE orders.tariff_id {whens} ELSE {_sqlite_text('tariff_plans.name')} END)"


def _cells(dialect: str, staff: bool, tariffs: list[tuple[int, str]]) -> list[str]:
    pg = dialect == "postgresql"
    text = _pg_text if pg else _sqlite_text
    if pg:
        # ISO text of the UTC timestamp (DateStyle ISO is set for the statement): 2025-09-03 10:15:00[.ffffff]
        stamp = "CAST(timezone('UTC', orders.created_at) AS TEXT)"
        paid = "CAST(orders.paid_until AS TEXT)"
    else:
        stamp = "orders.created_at"  # stored as 2025-09-03 10:15:00.000000 (UTC)
        paid = "coalesce(orders.paid_until, '')"
    cells = [
        "orders.id",
        f"replace(substr({stamp}, 1, 19), ' ', 'T') || 'Z'",
        text("orders.service_name"),
        text("tariff_plans.name") if pg else _sqlite_tariff(tariffs),
        text("orders.main_ip"),
        paid,
        "orders.status",
        _amount_sql("orders.price_minor", "orders.currency", dialect),
        "orders.currency",
        text("orders.comment"),
    ]
    if staff:
        cells.append(text("users.username"))
    return cells


def csv_columns(dialect: str, staff: bool, tariffs: list[tuple[int, str]] | None = None) -> list[Any]:
    """The SELECT list of the export: the formatted cells (PostgreSQL), or one column holding the CSV line (SQLite;
    `tariffs`: the rows of `tariff_cells_sql()`)."""
    cells = _cells(dialect, staff, tariffs or [])
    if dialect == "postgresql":
        return [sa.literal_column(c) for c in cells]
    return [sa.literal_column(" || ',' || ".join(cells))]
