"""The orders grid: one page of the viewer's orders (or everyone's, for staff) with the filters, search and sort of the
URL, the ids that match, and the chosen columns."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.db import search
from introserv_app.db.tables import Order, TariffPlan, User, UserPreference
from introserv_app.db.types import utcnow
from introserv_app.domain.grid import OPTIONAL_COLUMNS, GridQuery, OrderFilters
from introserv_app.domain.money import Money
from introserv_app.domain.order_rules import BATCH_LIMIT, cancellation_pending
from introserv_app.domain.periods import days_left
from introserv_app.domain.statuses import STATUS_ORDER, OrderStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import parse_id
from introserv_app.services.common.viewer import Viewer

_STATUS_RANK = sa.case({s.value: i for i, s in enumerate(STATUS_ORDER)}, value=col(Order.status))


SORT_COLUMNS: dict[str, Any] = {
    "service_name": col(Order.service_name),
    "tariff": col(TariffPlan.name),
    "main_ip": col(Order.main_ip),
    "paid_until": col(Order.paid_until),
    "days_left": col(Order.paid_until),
    "status": _STATUS_RANK,
    "price": col(Order.price_minor),
    "comment": col(Order.comment),
    "id": col(Order.id),
    "created_at": col(Order.created_at),
    "customer": col(User.username),
}


NULLABLE_SORT_KEYS = frozenset({"main_ip", "paid_until", "days_left"})


@dataclass(frozen=True)
class OrderRow:
    id: int
    service_name: str
    tariff: str
    main_ip: str
    paid_until: date | None
    days_left: int | None
    status: OrderStatus
    price: Money
    comment: str
    created_at: datetime
    customer: str
    cancel_pending: bool = False  # a cancellation at the end of the paid period is scheduled


@dataclass(frozen=True)
class OrdersPage:
    rows: list[OrderRow]
    total: int
    page: int
    pages: int
    page_size: int
    scope_all: bool
    #: False when more than `COUNT_EXACT_UPTO` orders match and no exact count was asked for: `total` is then that
    #: bound ("more than 10,000") and `pages` only says whether there is a next page.
    total_exact: bool = True


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def _like_any_case(text: str) -> str:
    """A LIKE pattern (escape character "/") for `text` anywhere, lowercase."""
    return "%" + text.lower().replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def _values(viewer: Viewer, filters: OrderFilters) -> dict[str, Any]:
    """The values of the scope and the filters, by the name of their bind parameter (`_conditions`). Which names
    there are says which conditions there are: with the sort, it is the shape of a view's statements."""
    values: dict[str, Any] = {}
    if not viewer.is_staff:
        values["g_user"] = viewer.user_id
    elif filters.customer:
        values["g_customer"] = _like_any_case(filters.customer)
    values.update({f"g_status_{i}": s.value for i, s in enumerate(filters.statuses)})
    values.update({f"g_id_{i}": oid for i, oid in enumerate(filters.ids)})
    if filters.created_from:
        values["g_created_from"] = _day_start(filters.created_from)
    if filters.created_to:
        values["g_created_to"] = _day_start(filters.created_to + timedelta(days=1))
    if filters.paid_from:
        values["g_paid_from"] = filters.paid_from
    if filters.paid_to:
        values["g_paid_to"] = filters.paid_to
    return values


def _conditions(*, session: Session, viewer: Viewer, filters: OrderFilters, values: dict[str, Any]) -> list[Any]:
    """The viewer's scope and the filters as WHERE conditions: bind parameters named as in `values` (their values
    set), and the text searches, which depend on the text (a statement with them is not reused)."""
    dialect = session.get_bind().dialect.name
    conds: list[Any] = []

    def bind(name: str) -> Any:
        return sa.bindparam(name, values[name])

    if "g_user" in values:
        conds.append(col(Order.user_id) == bind("g_user"))
    elif "g_customer" in values:
        users = select(col(User.id)).where(sa.func.lower(col(User.username)).like(bind("g_customer"), escape="/"))
        conds.append(col(Order.user_id).in_(users))
    if filters.statuses:
        conds.append(col(Order.status).in_([bind(f"g_status_{i}") for i in range(len(filters.statuses))]))
    if filters.ids:
        conds.append(col(Order.id).in_([bind(f"g_id_{i}") for i in range(len(filters.ids))]))
    if "g_created_from" in values:
        conds.append(col(Order.created_at) >= bind("g_created_from"))
    if "g_created_to" in values:
        conds.append(col(Order.created_at) < bind("g_created_to"))
    if "g_paid_from" in values:
        conds.append(col(Order.paid_until) >= bind("g_paid_from"))
    if "g_paid_to" in values:
        conds.append(col(Order.paid_until) <= bind("g_paid_to"))
    if filters.name:
        conds.append(search.text_condition(dialect, filters.name, "service_name"))
    if filters.comment:
        conds.append(search.text_condition(dialect, filters.comment, "comment"))
    if filters.q:
        q = filters.q
        matches: list[Any] = []
        # Everyone's orders are searched through the trigram index only (3 characters or more): a shorter
        # text matches IDs and tariffs, never a table scan per keystroke. One customer's orders are few.
        if len(q) >= search.MIN_INDEXED or not viewer.is_staff:
            matches.append(search.text_condition(dialect, q))
        if (order_id := parse_id(q)) is not None:
            matches.append(col(Order.id) == order_id)
        # tariffs are a short list: resolve the names first, so a text that names no tariff adds nothing
        tariff_ids = (
            session.connection()
            .execute(
                sa.select(col(TariffPlan.id)).where(
                    sa.func.lower(col(TariffPlan.name)).contains(q.lower(), autoescape=True)
                )
            )
            .scalars()
            .all()
        )
        if tariff_ids:
            matches.append(col(Order.tariff_id).in_(tariff_ids))
        conds.append(sa.or_(*matches) if matches else sa.false())
    return conds


def filtered(stmt: Any, *, session: Session, viewer: Viewer, filters: OrderFilters) -> Any:
    """Apply the viewer's scope and the filters to a statement over `orders`."""
    values = _values(viewer, filters)
    return stmt.where(*_conditions(session=session, viewer=viewer, filters=filters, values=values))


#: Up to this many matching orders the grid counts exactly on every view; beyond it, it says "more than 10,000" and
#: counts on request. An exact count walks every matching index entry (about 20 ms per million on PostgreSQL);
#: counting up to the bound costs at most 10,001 entries.
COUNT_EXACT_UPTO = 10_000


def count_orders(*, session: Session, viewer: Viewer, filters: OrderFilters) -> int:
    """How many orders the filters select for `viewer`, exactly."""
    built, values = _statements(session=session, viewer=viewer, query=GridQuery(filters=filters))
    # Core execution on the session's connection: the ORM layer adds nothing to a column query but time
    return int(session.connection().execute(built.count, values).scalar_one())


def sort_of(query: GridQuery, viewer: Viewer) -> tuple[str, Any, bool]:
    """The sort a viewer gets for `query`: its key, the column (or expression) and whether it is descending."""
    sort_key = query.sort if (query.sort != "customer" or viewer.is_staff) else "created_at"
    return sort_key, SORT_COLUMNS[sort_key], query.direction == "desc"


def order_by(query: GridQuery, viewer: Viewer) -> list[Any]:
    """ORDER BY of the grid and the export: the chosen column (nulls last), then the id as tie-breaker."""
    sort_key, sort_col, desc = sort_of(query, viewer)
    ordered = sort_col.desc() if desc else sort_col.asc()
    # NULLS LAST only where a NULL can occur: on SQLite it keeps the planner from walking an index
    return [
        ordered.nulls_last() if sort_key in NULLABLE_SORT_KEYS else ordered,
        col(Order.id).desc() if desc else col(Order.id).asc(),
    ]


def ordered_ids(*, session: Session, viewer: Viewer, query: GridQuery) -> Any:
    """SELECT of the ids `query` selects for `viewer`, in the grid's order (joins only what the sort needs)."""
    ids = sa.select(col(Order.id))
    if query.sort == "tariff":
        ids = ids.join(TariffPlan, col(TariffPlan.id) == col(Order.tariff_id))
    elif query.sort == "customer" and viewer.is_staff:
        ids = ids.join(User, col(User.id) == col(Order.user_id))
    ids = filtered(ids, session=session, viewer=viewer, filters=query.filters)
    return ids.order_by(*order_by(query, viewer))


#: The grid's columns: plain columns, not ORM entities (building model instances per page costs more than the query).
_COLUMNS = (
    col(Order.id),
    col(Order.service_name),
    col(TariffPlan.name),
    col(Order.main_ip),
    col(Order.paid_until),
    col(Order.status),
    col(Order.price_minor),
    col(Order.currency),
    col(Order.comment),
    col(Order.created_at),
    col(User.username),
    col(Order.cancel_mode),
    col(Order.cancelled_at),
)


@dataclass(frozen=True)
class _Statements:
    """The statements of one grid view, with bind parameters for every value."""

    page: Any  # the page's rows: ids at :g_offset, :g_limit of them, in the grid's order, joined to their names
    count: Any  # how many match
    bounded: Any  # how many match, up to :g_bound


#: Statements built once per shape (backend, scope, which filters, sort) and run again with other values: building
#: and compiling them costs more than the query on a small page (~0.7 ms per view on SQLite).
_SHAPES: dict[tuple[Any, ...], _Statements] = {}


def _statements(*, session: Session, viewer: Viewer, query: GridQuery) -> tuple[_Statements, dict[str, Any]]:
    filters = query.filters
    values = _values(viewer, filters)
    reusable = not (filters.name or filters.comment or filters.q)  # a text search's SQL depends on the text
    key = (session.get_bind().dialect.name, viewer.is_staff, query.sort, query.direction, *values)
    if reusable and (built := _SHAPES.get(key)) is not None:
        return built, values
    conds = _conditions(session=session, viewer=viewer, filters=filters, values=values)
    ids = sa.select(col(Order.id))
    if query.sort == "tariff":
        ids = ids.join(TariffPlan, col(TariffPlan.id) == col(Order.tariff_id))
    elif query.sort == "customer" and viewer.is_staff:
        ids = ids.join(User, col(User.id) == col(Order.user_id))
    ordering = order_by(query, viewer)
    # Deferred join: the page's ids are found first (an index-only walk when the sort column is indexed), then
    # only those rows are joined to tariffs and users. A deep page no longer joins every skipped row.
    page_ids = ids.where(*conds).order_by(*ordering).offset(sa.bindparam("g_offset")).limit(sa.bindparam("g_limit"))
    built = _Statements(
        page=sa.select(*_COLUMNS)
        .join(TariffPlan, col(TariffPlan.id) == col(Order.tariff_id))
        .join(User, col(User.id) == col(Order.user_id))
        .where(col(Order.id).in_(page_ids.scalar_subquery()))
        .order_by(*ordering),
        count=sa.select(sa.func.count()).select_from(Order).where(*conds),
        bounded=sa.select(sa.func.count()).select_from(
            sa.select(col(Order.id)).where(*conds).limit(sa.bindparam("g_bound")).subquery()
        ),
    )
    if reusable:
        if len(_SHAPES) >= 1024:
            _SHAPES.clear()
        _SHAPES[key] = built
    return built, values


def orders_page(
    *, session: Session, viewer: Viewer, query: GridQuery, today: date | None = None, exact: bool = False
) -> OrdersPage:
    """One page of the grid for `viewer`; a page past the end gives the last page. The total is exact up to
    `COUNT_EXACT_UPTO` matching orders, or always with `exact`."""
    today = today or utcnow().date()
    size = query.page_size
    built, values = _statements(session=session, viewer=viewer, query=query)
    conn = session.connection()

    def fetch(page: int) -> list[Any]:
        # one row more than the page: whether a next page exists, without a count
        return list(conn.execute(built.page, {**values, "g_offset": (page - 1) * size, "g_limit": size + 1}).all())

    # The page first: the last page (most customers' only page) tells the total without a count.
    page, found = query.page, fetch(query.page)
    total_exact = True
    if len(found) <= size and (found or page == 1):
        total = (page - 1) * size + len(found)
    else:
        # SQLite counts a whole table from its page count, faster than up to a bound
        everything = not values and not query.filters.active and session.get_bind().dialect.name == "sqlite"
        if exact or everything:
            total = int(conn.execute(built.count, values).scalar_one())
        else:
            total = int(conn.execute(built.bounded, {**values, "g_bound": COUNT_EXACT_UPTO + 1}).scalar_one())
        if total > COUNT_EXACT_UPTO and not exact and not everything:
            if found:  # a page inside a large result: "more than 10,000", and a next page
                total, total_exact = COUNT_EXACT_UPTO, False
            else:  # past the end of a large result: the last page needs the exact count
                total = int(conn.execute(built.count, values).scalar_one())
        last = max(1, math.ceil(total / size))
        if page > last and total_exact:  # past the end: the last page
            page, found = last, fetch(last)
    found = found[:size]
    pages = max(1, math.ceil(total / size)) if total_exact else page + 1
    rows = [
        OrderRow(
            id=int(oid or 0),
            service_name=name,
            tariff=tariff,
            main_ip=ip or "",
            paid_until=paid_until,
            days_left=days_left(paid_until, today) if paid_until else None,
            status=OrderStatus(status),
            price=Money(price, currency),
            comment=comment,
            created_at=created_at,
            customer=username if viewer.is_staff else "",
            cancel_pending=cancellation_pending(status=status, cancel_mode=cancel_mode, cancelled_at=cancelled_at),
        )
        for (
            oid,
            name,
            tariff,
            ip,
            paid_until,
            status,
            price,
            currency,
            comment,
            created_at,
            username,
            cancel_mode,
            cancelled_at,
        ) in found
    ]
    return OrdersPage(
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        page_size=size,
        scope_all=viewer.is_staff,
        total_exact=total_exact,
    )


#: "Select all N matching" takes at most as many orders as one renewal does (`domain.order_rules.BATCH_LIMIT`).
MATCHING_LIMIT = BATCH_LIMIT


def matching_order_ids(
    *, session: Session, viewer: Viewer, filters: OrderFilters, limit: int = MATCHING_LIMIT
) -> list[int]:
    """The ids of every order the filters select for `viewer` ("select all N matching"), bounded."""
    stmt = filtered(select(col(Order.id)), session=session, viewer=viewer, filters=filters)
    return list(session.exec(stmt.order_by(col(Order.id)).limit(limit)).all())


MSG_SEARCH_SHORT = N_("Names, IPs and comments are searched from 3 characters on; shorter text finds IDs and tariffs.")


GRID_COLUMNS_KEY = "orders.columns"


_GRID_COLUMNS = sa.select(col(UserPreference.value)).where(
    col(UserPreference.user_id) == sa.bindparam("user_id"), col(UserPreference.key) == GRID_COLUMNS_KEY
)


def grid_columns(*, session: Session, user_id: int) -> tuple[str, ...]:
    """The optional columns the user chose in the "Show:" menu (none by default)."""
    value = session.connection().execute(_GRID_COLUMNS, {"user_id": user_id}).scalar()
    if value is None:
        return ()
    try:
        stored = json.loads(value)
    except ValueError:
        return ()
    return tuple(c for c in OPTIONAL_COLUMNS if isinstance(stored, list) and c in stored)
