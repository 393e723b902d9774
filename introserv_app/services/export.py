"""CSV export of exactly what a grid query selects (every page), streamed in chunks.

The rows come from the same scoped, filtered and sorted statement as the grid (`services.orders`), read
in chunks through a streaming cursor; pandas formats each chunk, so memory stays flat whatever the size.
Columns are stable machine-readable names; dates are ISO 8601 (timestamps in UTC with `Z`), amounts use
a decimal point with the ISO currency code in its own column, the text is UTF-8. A cell that a
spreadsheet would run as a formula is prefixed with an apostrophe.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
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
FORMULA_PREFIX = r"^[=+\-@\t\r]"
TEXT_COLUMNS: tuple[str, ...] = ("service_name", "tariff", "main_ip", "comment", "customer")


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


def neutralize_formulas(values: pd.Series) -> pd.Series:
    """Prefix `'` to every cell a spreadsheet would evaluate; other cells stay as they are."""
    text = values.fillna("").astype(str)
    return text.where(~text.str.contains(FORMULA_PREFIX, regex=True), "'" + text)


def _iso_timestamps(values: pd.Series) -> pd.Series:
    """UTC timestamps as `2025-09-03T10:15:00Z` (SQLite hands back its stored text, PostgreSQL datetimes)."""
    if values.empty:
        return values.astype(str)
    if isinstance(values.iloc[0], str):
        return values.str.slice(0, 19).str.replace(" ", "T", regex=False) + "Z"
    return pd.to_datetime(values, utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso_dates(values: pd.Series) -> pd.Series:
    return values.map(lambda v: "" if v is None or v != v else (v if isinstance(v, str) else v.isoformat()))


def _amounts(minor: pd.Series, currency: pd.Series) -> pd.Series:
    """Exact decimal text of minor units (`1999`, EUR -> `19.99`), integer arithmetic only."""
    minor = minor.astype(np.int64)
    out = pd.Series([""] * len(minor), index=minor.index, dtype=object)
    exponents = currency.map(CURRENCY_EXPONENT).fillna(2).astype(int)
    for exp in exponents.unique():
        mask = exponents == exp
        part = minor[mask]
        sign = np.where(part < 0, "-", "")
        whole = (part.abs() // 10**exp).astype(str)
        if exp:
            frac = (part.abs() % 10**exp).astype(str).str.zfill(int(exp))
            out[mask] = sign + whole + "." + frac
        else:
            out[mask] = sign + whole
    return out


def _statement(session: Session, viewer: Viewer, query: GridQuery) -> Any:
    # type_coerce: the raw stored value, without a per-row Python conversion (formatted per chunk instead)
    columns = [
        col(Order.id),
        sa.type_coerce(col(Order.created_at), sa.String).label("created_at"),
        col(Order.service_name),
        col(TariffPlan.name).label("tariff"),
        col(Order.main_ip),
        sa.type_coerce(col(Order.paid_until), sa.String).label("paid_until"),
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


def _frame(rows: Sequence[Any], names: list[str], viewer: Viewer) -> pd.DataFrame:
    raw = pd.DataFrame.from_records(rows, columns=names)
    frame = pd.DataFrame(
        {
            "id": raw["id"],
            "created_at": _iso_timestamps(raw["created_at"]),
            "service_name": raw["service_name"],
            "tariff": raw["tariff"],
            "main_ip": raw["main_ip"],
            "paid_until": _iso_dates(raw["paid_until"]),
            "status": raw["status"],
            "price": _amounts(raw["price_minor"], raw["currency"]),
            "currency": raw["currency"],
            "comment": raw["comment"],
        }
    )
    if viewer.is_staff:
        frame["customer"] = raw["customer"]
    for name in TEXT_COLUMNS:
        if name in frame:
            frame[name] = neutralize_formulas(frame[name])
    return frame


def iter_orders_csv(
    *,
    session: Session,
    viewer: Viewer,
    query: GridQuery,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """The CSV text of every order `query` selects for `viewer`, header first, one chunk at a time."""
    names = [*CUSTOMER_COLUMNS[:7], "price_minor", "currency", "comment", *(["customer"] if viewer.is_staff else [])]
    yield ",".join(export_columns(viewer)) + "\r\n"
    done = 0
    result = (
        session.connection()
        .execution_options(stream_results=True, yield_per=chunk_rows)
        .execute(_statement(session, viewer, query))
    )
    for rows in result.partitions(chunk_rows):
        buffer = io.StringIO()
        _frame(rows, names, viewer).to_csv(buffer, index=False, header=False, lineterminator="\r\n")
        done += len(rows)
        if progress is not None:
            progress(done)
        yield buffer.getvalue()


def export_count(*, session: Session, viewer: Viewer, query: GridQuery) -> int:
    """How many rows the export of `query` will have (sent ahead so the page can show progress)."""
    return count_orders(session=session, viewer=viewer, filters=query.filters)
