"""CSV export of exactly what a grid query selects (every page), streamed in chunks.

The rows come from the same scoped, filtered and sorted statement as the grid (`services.orders`) and
are formatted a chunk at a time (`domain.csvcells`), so memory stays flat whatever the size. A large
export is spread over worker processes (`tools.export_worker`): this process selects and orders the
ids (the scope and filters are applied here, once), the workers fetch and format slices of them in
parallel, and the chunks are written back in order. Columns are stable machine-readable names; dates
are ISO 8601 (timestamps in UTC with `Z`), amounts use a decimal point with the ISO currency code in
its own column, the text is UTF-8. A cell a spreadsheet would run as a formula gets an apostrophe.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import tempfile
from array import array
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.config import get_settings
from introserv_app.db.tables import Order, TariffPlan, User
from introserv_app.domain.csvcells import orders_csv
from introserv_app.domain.grid import GridQuery
from introserv_app.domain.roles import Role
from introserv_app.domain.text import N_
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.orders._readers.grid import count_orders, filtered, order_by, ordered_ids

CHUNK_ROWS = 50_000
#: Slices for the worker processes: smaller, so that two workers and the parent stay within ~250 MB.
WORKER_CHUNK_ROWS = 20_000
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
#: Below this many rows one process is quicker than starting workers.
PARALLEL_MIN_ROWS = 100_000


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


def iter_orders_csv(
    *,
    session: Session,
    viewer: Viewer,
    query: GridQuery,
    chunk_rows: int | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    expected_rows: int | None = None,
) -> Iterator[str]:
    """The CSV text of every order `query` selects for `viewer`, header first, one chunk at a time.

    `workers` (default INTROSERV_EXPORT_WORKERS) processes share an export of at least
    PARALLEL_MIN_ROWS `expected_rows`; otherwise, or with 0 workers, this process does it all.
    """
    yield ",".join(export_columns(viewer)) + "\r\n"
    workers = get_settings().export_workers if workers is None else workers
    url = session.get_bind().engine.url
    parallel = workers > 0 and (expected_rows or 0) >= PARALLEL_MIN_ROWS and url.database not in (None, "", ":memory:")
    chunks = (
        _parallel(session, viewer, query, chunk_rows or WORKER_CHUNK_ROWS, workers)
        if parallel
        else _serial(session, viewer, query, chunk_rows or CHUNK_ROWS)
    )
    done = 0
    for rows, text in chunks:
        done += rows
        if progress is not None:
            progress(done)
        yield text


def _serial(session: Session, viewer: Viewer, query: GridQuery, chunk_rows: int) -> Iterator[tuple[int, str]]:
    result = (
        session.connection()
        .execution_options(stream_results=True, yield_per=chunk_rows)
        .execute(_statement(session, viewer, query))
    )
    for rows in result.partitions(chunk_rows):
        yield len(rows), orders_csv(rows, viewer.is_staff)


def _ordered_ids(session: Session, viewer: Viewer, query: GridQuery) -> array[int]:
    """Every selected id in export order (the scope and filters are applied here)."""
    stmt = ordered_ids(session=session, viewer=viewer, query=query)
    ids = array("q")
    result = session.connection().execution_options(stream_results=True, yield_per=200_000).execute(stmt)
    for part in result.scalars().partitions(200_000):
        ids.extend(part)
    return ids


def _parallel(
    session: Session, viewer: Viewer, query: GridQuery, chunk_rows: int, workers: int
) -> Iterator[tuple[int, str]]:
    ids = _ordered_ids(session, viewer, query)
    slices = [(a, min(a + chunk_rows, len(ids))) for a in range(0, len(ids), chunk_rows)]
    fd, ids_path = tempfile.mkstemp(prefix="introserv-export-", suffix=".ids")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with os.fdopen(fd, "wb") as fh:
            ids.tofile(fh)
        del ids
        env = {**os.environ, "INTROSERV_EXPORT_DB_URL": session.get_bind().engine.url.render_as_string(False)}
        cmd = [sys.executable, "-m", "introserv_app.tools.export_worker", ids_path, "1" if viewer.is_staff else "0"]
        procs = [
            subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)  # noqa: S603 - our module
            for _ in range(min(workers, len(slices)))
        ]

        def send(k: int) -> None:
            pipe = procs[k % len(procs)].stdin
            assert pipe is not None
            pipe.write(f"{slices[k][0]} {slices[k][1]}\n".encode())
            pipe.flush()

        ahead = 2 * len(procs)  # each worker has its next slice queued while one is being read
        for k in range(min(ahead, len(slices))):
            send(k)
        for k in range(len(slices)):
            out = procs[k % len(procs)].stdout
            assert out is not None
            header = out.read(16)
            if len(header) != 16:
                raise RuntimeError("an export worker stopped unexpectedly")
            rows, size = struct.unpack("<QQ", header)
            text = out.read(size).decode("utf-8")
            if k + ahead < len(slices):
                send(k + ahead)
            yield rows, text
    finally:
        for proc in procs:
            if proc.stdin:
                proc.stdin.close()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        os.unlink(ids_path)


def export_count(*, session: Session, viewer: Viewer, query: GridQuery) -> int:
    """How many rows the export of `query` will have (sent ahead so the page can show progress)."""
    return count_orders(session=session, viewer=viewer, filters=query.filters)
