"""The order export's cells formatted in Python, as the export wrote them before the database did (issue 24): the
reference the SQL formatting (`services/orders/_readers/export_cells.py`) must match byte for byte."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from introserv_app.domain.csvcells import neutralize_formulas
from introserv_app.domain.money import CURRENCY_EXPONENT


def iso_timestamps(values: Sequence[Any]) -> list[str]:
    """UTC timestamps as `2025-09-03T10:15:00Z` (SQLite's stored text, PostgreSQL's to_char, or datetimes)."""
    if not values:
        return []
    if isinstance(values[0], str):
        if values[0].endswith("Z"):
            return list(values)
        return [v[:10] + "T" + v[11:19] + "Z" for v in values]
    return [_utc(v).strftime("%Y-%m-%dT%H:%M:%SZ") for v in values]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso_dates(values: Sequence[str | date | None]) -> list[str]:
    """Dates as `2025-09-03`."""
    return ["" if v is None else (v if isinstance(v, str) else v.isoformat()) for v in values]


def decimal_text(minor: int, exp: int) -> str:
    sign, value = ("-", -minor) if minor < 0 else ("", minor)
    if not exp:
        return f"{sign}{value}"
    whole, frac = divmod(value, 10**exp)
    return f"{sign}{whole}.{frac:0{exp}d}"


def amounts(minor: Sequence[int], currency: Sequence[str]) -> list[str]:
    """Exact decimal text of minor units (`1999`, EUR -> `19.99`), integer arithmetic only."""
    exponents = {c: CURRENCY_EXPONENT.get(c, 2) for c in set(currency)}
    if set(exponents.values()) <= {2}:  # every currency of the chunk has cents: one f-string per row
        return [f"{m // 100}.{m % 100:02d}" if m >= 0 else decimal_text(m, 2) for m in minor]
    return [decimal_text(m, exponents[c]) for m, c in zip(minor, currency, strict=True)]


def orders_csv(rows: Sequence[Sequence[Any]], staff: bool) -> str:
    """CSV text of export rows (id, created, name, tariff, ip, paid, status, minor, currency, comment[,
    customer]), formatted column by column."""
    if not rows:
        return ""
    columns = list(zip(*rows, strict=True))
    (oid, created, name, tariff, ip, paid, status, minor, currency, comment, *customer) = columns
    cells = [
        oid,
        iso_timestamps(created),
        neutralize_formulas(name),
        neutralize_formulas(tariff),
        neutralize_formulas(ip),
        iso_dates(paid),
        status,
        amounts(minor, currency),
        currency,
        neutralize_formulas(comment),
    ]
    if staff:
        cells.append(neutralize_formulas(customer[0]))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(zip(*cells, strict=True))
    return buffer.getvalue()
