"""CSV export of exactly what a grid query selects (every page), streamed in chunks.

The rows come from the same scoped, filtered and sorted statement as the grid (`services.orders`), read
in chunks through a streaming cursor; pandas formats each chunk, so memory stays flat whatever the size.
Columns are stable machine-readable names; dates are ISO 8601 (timestamps in UTC with `Z`), amounts use
a decimal point with the ISO currency code in its own column, the text is UTF-8. A cell that a
spreadsheet would run as a formula is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.db.tables import Order, TariffPlan, User
from introserv_app.domain.grid import GridQuery
from introserv_app.domain.money import CURRENCY_EXPONENT
from introserv_app.domain.roles import Role
from introserv_app.domain.text import N_
from introserv_app.services.auth import Viewer
from introserv_app.services.errors import ServiceError
from introserv_app.services.orders import count_orders, filtered, order_by

CHUNK_ROWS = 50_000
CUSTOMER_COLUMNS: tuple[str, ...] = (
    "id",
    "created_at",
    "service_name",
    "tariff",
    "main_ip",
    "paid_until",
    "status",
    "price",
    "currency",
    "comment",
)
STAFF_COLUMNS: tuple[str, ...] = (*CUSTOMER_COLUMNS, "customer")
#: A cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection").
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


MSG_NO_SUCH_CUSTOMER = N_("No customer named {username}.")


def operator_viewer(*, session: Session, customer: str | None) -> Viewer:
    """For the command line (run by an operator, no web session): one customer's view, or everyone's."""
    if customer is None:
        return Viewer(user_id=0, username="(command line)", role=Role.SUPPORT, session_id=0, language="en")
    user = session.exec(select(User).where(col(User.username) == customer)).first()
    if user is None or user.id is None or user.role != Role.CUSTOMER.value:
        raise ServiceError(MSG_NO_SUCH_CUSTOMER)
    return Viewer(user_id=user.id, username=user.username, role=Role.CUSTOMER, session_id=0, language="en")


def export_columns(viewer: Viewer) -> tuple[str, ...]:
    return STAFF_COLUMNS if viewer.is_staff else CUSTOMER_COLUMNS


_RISKY_START = re.compile(r"\n[=+\-@\t\r]")


def neutralize_formulas(values: Sequence[str | None]) -> list[str]:
    """Prefix `'` to every cell a spreadsheet would evaluate; other cells stay as they are."""
    text = ["" if v is None else v for v in values]
    # fast path: one C-level regex over the whole chunk; most chunks have no risky cell at all
    if not _RISKY_START.search("\n" + "\n".join(text)):
        return text
    return ["'" + v if v[:1] in FORMULA_STARTS else v for v in text]


def _iso_timestamps(values: Sequence[Any]) -> list[str]:
    """UTC timestamps as `2025-09-03T10:15:00Z` (from SQLite's stored text; PostgreSQL sends them so)."""
    if not values:
        return []
    if isinstance(values[0], str):
        if values[0].endswith("Z"):
            return list(values)
        return [v[:10] + "T" + v[11:19] + "Z" for v in values]
    return pd.to_datetime(pd.Series(values), utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ").tolist()


def _iso_dates(values: Sequence[Any]) -> list[str]:
    """Dates as `2025-09-03` (SQLite's stored text as it is; PostgreSQL's date objects print so too)."""
    if values and not isinstance(next((v for v in values if v is not None), ""), str):
        return ["" if v is None else v.isoformat() for v in values]
    return ["" if v is None else v for v in values]


def _decimal_text(minor: int, exp: int) -> str:
    sign, value = ("-", -minor) if minor < 0 else ("", minor)
    if not exp:
        return f"{sign}{value}"
    whole, frac = divmod(value, 10**exp)
    return f"{sign}{whole}.{frac:0{exp}d}"


def _amounts(minor: Sequence[int], currency: Sequence[str]) -> list[str]:
    """Exact decimal text of minor units (`1999`, EUR -> `19.99`), integer arithmetic only."""
    exponents = {c: CURRENCY_EXPONENT.get(c, 2) for c in set(currency)}
    if set(exponents.values()) == {2}:  # every currency of the chunk has cents: one f-string per row
        return [f"{m // 100}.{m % 100:02d}" if m >= 0 else _decimal_text(m, 2) for m in minor]
    return [_decimal_text(m, exponents[c]) for m, c in zip(minor, currency, strict=True)]


def _statement(session: Session, viewer: Viewer, query: GridQuery) -> Any:
    # type_coerce: the raw stored value, without a per-row Python conversion (formatted per chunk instead)
    if session.get_bind().dialect.name == "postgresql":
        # the server formats its own timestamps and dates (one C call per value instead of Python objects)
        created: Any = sa.func.to_char(
            sa.func.timezone("UTC", col(Order.created_at)), 'YYYY-MM-DD"T"HH24:MI:SS"Z"'
        ).label("created_at")
        paid: Any = sa.func.to_char(col(Order.paid_until), "YYYY-MM-DD").label("paid_until")
    else:
        created = sa.type_coerce(col(Order.created_at), sa.String).label("created_at")
        paid = sa.type_coerce(col(Order.paid_until), sa.String).label("paid_until")
    columns = [
        col(Order.id),
        created,
        col(Order.service_name),
        col(TariffPlan.name).label("tariff"),
        col(Order.main_ip),
        paid,
        col(Order.status),
        col(Order.price_minor),
        col(Order.currency),
        col(Order.comment),
    ]
    if viewer.is_staff:
        columns.append(col(User.username).label("customer"))
    stmt = sa.select(*columns).join(TariffPlan, col(TariffPlan.id) == col(Order.tariff_id))
    if viewer.is_staff or query.sort == "customer" or query.filters.customer:
        stmt = stmt.join(User, col(User.id) == col(Order.user_id))
    stmt = filtered(stmt, session=session, viewer=viewer, filters=query.filters)
    return stmt.order_by(*order_by(query, viewer))


def _format_chunk(rows: Sequence[Sequence[Any]], staff: bool) -> Iterator[tuple[Any, ...]]:
    """One chunk of raw rows -> CSV cells, column by column (vectorised where the work is numeric)."""
    columns = list(zip(*rows, strict=True))
    (oid, created, name, tariff, ip, paid, status, minor, currency, comment, *customer) = columns
    out = [
        oid,
        _iso_timestamps(created),
        neutralize_formulas(name),
        neutralize_formulas(tariff),
        neutralize_formulas(ip),
        _iso_dates(paid),
        status,
        _amounts(minor, currency),
        currency,
        neutralize_formulas(comment),
    ]
    if staff:
        out.append(neutralize_formulas(customer[0]))
    return zip(*out, strict=True)


def iter_orders_csv(
    *,
    session: Session,
    viewer: Viewer,
    query: GridQuery,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """The CSV text of every order `query` selects for `viewer`, header first, one chunk at a time."""
    yield ",".join(export_columns(viewer)) + "\r\n"
    done = 0
    result = (
        session.connection()
        .execution_options(stream_results=True, yield_per=chunk_rows)
        .execute(_statement(session, viewer, query))
    )
    for rows in result.partitions(chunk_rows):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(_format_chunk(rows, viewer.is_staff))
        done += len(rows)
        if progress is not None:
            progress(done)
        yield buffer.getvalue()


def export_count(*, session: Session, viewer: Viewer, query: GridQuery) -> int:
    """How many rows the export of `query` will have (sent ahead so the page can show progress)."""
    return count_orders(session=session, viewer=viewer, filters=query.filters)
