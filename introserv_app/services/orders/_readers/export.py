"""CSV export of exactly what a grid query selects (every page), streamed in chunks.

The rows come from the same scoped, filtered and sorted statement as the grid (`services.orders`), and the
database formats them itself (`export_cells`): PostgreSQL writes the CSV with `COPY ... TO STDOUT`, SQLite makes
each line in the statement. No Python object is made per cell, and memory stays flat whatever the size. Columns are
stable machine-readable names; dates are ISO 8601 (timestamps in UTC with `Z`), amounts use a decimal point with the
ISO currency code in its own column, the text is UTF-8, lines end with CRLF. A cell a spreadsheet would run as a
formula gets an apostrophe.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.db.tables import Order, TariffPlan, User
from introserv_app.domain.grid import GridQuery, grid_query_string
from introserv_app.domain.roles import Role
from introserv_app.domain.text import N_
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.orders._readers import export_sqlite
from introserv_app.services.orders._readers.export_cells import csv_columns, tariff_cells_sql
from introserv_app.services.orders._readers.grid import count_orders, filtered, order_by, ordered_ids, sort_of

#: Rows per chunk handed to the caller (SQLite), and the bytes that make about as many rows (PostgreSQL).
CHUNK_ROWS = 50_000
CHUNK_BYTES = 8_000_000
#: From this many rows on, a SQLite export is made in two halves at once, the second by a process of its own
#: (`export_sqlite.two_halves`).
SPLIT_MIN_ROWS = 100_000
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


def _statement(session: Session, viewer: Viewer, query: GridQuery, tariffs: list[tuple[int, str]]) -> Any:
    dialect = session.get_bind().dialect.name
    stmt = sa.select(*csv_columns(dialect, viewer.is_staff, tariffs)).select_from(Order)
    stmt = stmt.join(TariffPlan, col(TariffPlan.id) == col(Order.tariff_id))
    if viewer.is_staff or query.sort == "customer" or query.filters.customer:
        stmt = stmt.join(User, col(User.id) == col(Order.user_id))
    stmt = filtered(stmt, session=session, viewer=viewer, filters=query.filters)
    return stmt.order_by(*order_by(query, viewer))


def iter_orders_csv(
    *,
    session: Session,
    viewer: Viewer,
    query: GridQuery,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int], None] | None = None,
    expected_rows: int = 0,
) -> Iterator[str]:
    """The CSV text of every order `query` selects for `viewer`, header first, about `chunk_rows` rows at a time.
    `expected_rows` (`export_count`): from `SPLIT_MIN_ROWS` on, SQLite makes the two halves at once."""
    yield ",".join(export_columns(viewer)) + "\r\n"
    if session.get_bind().dialect.name == "postgresql":
        chunks = _copy(session, viewer, query, chunk_rows)
    else:
        chunks = _lines(session, viewer, query, chunk_rows, expected_rows)
    done = 0
    for rows, text in chunks:
        done += rows
        if progress is not None:
            progress(done)
        yield text


def _sqlite_statement(session: Session, viewer: Viewer, query: GridQuery) -> Any:
    """SQLite's statement of CSV lines, with the tariffs' cells read first (`export_cells.csv_columns`)."""
    tariffs = [(int(i), str(c)) for i, c in session.connection().exec_driver_sql(tariff_cells_sql())]
    return _statement(session, viewer, query, tariffs)


def _lines(
    session: Session, viewer: Viewer, query: GridQuery, chunk_rows: int, expected_rows: int
) -> Iterator[tuple[int, str]]:
    """SQLite: the statement makes each CSV line; from `SPLIT_MIN_ROWS` on, in two halves at once (`export_sqlite`)."""
    connection = session.connection()
    stmt = _sqlite_statement(session, viewer, query)
    engine = session.get_bind().engine
    sort = sort_of(query, viewer)
    found = None
    if expected_rows >= SPLIT_MIN_ROWS and engine.url.database not in (None, "", ":memory:"):
        middle = ordered_ids(session=session, viewer=viewer, query=query).add_columns(sort[1])
        found = connection.execute(middle.offset(expected_rows // 2 - 1).limit(1)).first()
    if found is None:  # a small export, or fewer rows by now than were counted
        yield from export_sqlite.lines(connection, stmt, chunk_rows)
        return
    last_id, value = found
    first, _ = export_sqlite.halves(sort, value, last_id)
    request = {
        "user_id": viewer.user_id,
        "username": viewer.username,
        "role": viewer.role.value,
        "query": grid_query_string(query),
        "value": export_sqlite.boundary_json(value),
        "last_id": last_id,
        "chunk_rows": chunk_rows,
    }
    db_url = engine.url.render_as_string(hide_password=False)
    yield from export_sqlite.two_halves(connection, stmt.where(first), chunk_rows, db_url, request)


def export_second_half(
    *, session: Session, viewer: Viewer, query: GridQuery, request: dict[str, Any], out: IO[str]
) -> list[tuple[int, int]]:
    """For `tools/export_half.py`: the rows after the middle one that `request` names, written to `out`; the
    (rows, characters) of each chunk."""
    sort = sort_of(query, viewer)
    value = export_sqlite.boundary_value(sort[0], request["value"])
    stmt = _sqlite_statement(session, viewer, query)
    _, second = export_sqlite.halves(sort, value, int(request["last_id"]))
    spooled: list[tuple[int, int]] = []
    for rows, text in export_sqlite.lines(session.connection(), stmt.where(second), int(request["chunk_rows"])):
        out.write(text)
        spooled.append((rows, len(text)))
    return spooled


def _copy(session: Session, viewer: Viewer, query: GridQuery, chunk_rows: int) -> Iterator[tuple[int, str]]:
    """PostgreSQL: `COPY (statement) TO STDOUT (FORMAT csv)` on the session's connection, in its transaction."""
    connection = session.connection()
    connection.exec_driver_sql("SET LOCAL DateStyle = 'ISO, YMD'")  # the cells' text of dates (export_cells)
    compiled = _statement(session, viewer, query, []).compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    driver = connection.connection.driver_connection
    assert driver is not None
    block = CHUNK_BYTES * chunk_rows // CHUNK_ROWS
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY ({compiled.string}) TO STDOUT (FORMAT csv)", compiled.params) as copy,
    ):
        buffer = bytearray()
        quoted = False  # inside a quoted cell at the end of the buffer (never, as COPY hands over whole rows)
        while data := copy.read():
            buffer += data
            if len(buffer) >= block:
                rows, text, quoted = crlf_lines(bytes(buffer), quoted)
                buffer.clear()
                yield rows, text
        if buffer:
            rows, text, quoted = crlf_lines(bytes(buffer), quoted)
            yield rows, text


def crlf_lines(data: bytes, quoted: bool) -> tuple[int, str, bool]:
    """COPY ends rows with LF, the export (like csv.writer) with CRLF: every LF outside a quoted cell becomes CRLF;
    LFs inside quoted cells stay. Returns (rows, text, whether the data ends inside a quoted cell)."""
    if not quoted and b'"' not in data:
        return data.count(b"\n"), data.replace(b"\n", b"\r\n").decode("utf-8"), False
    parts = data.split(b'"')  # between two quotes: alternately outside and inside a quoted cell ("" too)
    rows = 0
    for i in range(1 if quoted else 0, len(parts), 2):
        rows += parts[i].count(b"\n")
        parts[i] = parts[i].replace(b"\n", b"\r\n")
    return rows, b'"'.join(parts).decode("utf-8"), (len(parts) - 1 + quoted) % 2 == 1


def export_count(*, session: Session, viewer: Viewer, query: GridQuery) -> int:
    """How many rows the export of `query` will have (sent ahead so the page can show progress)."""
    return count_orders(session=session, viewer=viewer, filters=query.filters)
