"""The orders grid's query model: columns, filters, sort and paging, to and from the URL query string.

Everything a user can put in the URL is validated here; bad values become messages (msgids) and are
dropped, so a shared or hand-edited link never crashes the grid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlencode

from introserv_app.domain.statuses import OrderStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import ID_MAX, clean_search, parse_date, parse_number, parse_page

#: Every column: key -> label msgid. The first seven are always shown; the rest via the "Show:" menu.
COLUMNS: dict[str, str] = {
    "service_name": N_("Service"),
    "tariff": N_("Tariff plan"),
    "main_ip": N_("Main IP"),
    "paid_until": N_("Paid until"),
    "days_left": N_("Days left"),
    "status": N_("Status"),
    "price": N_("Price"),
    "comment": N_("Comment"),
    "batch": N_("Batch renewal"),
    "id": N_("ID"),
    "created_at": N_("Date"),
}
OPTIONAL_COLUMNS: tuple[str, ...] = ("comment", "batch", "id", "created_at")
#: Sortable keys (every data column, plus the customer for staff).
SORT_KEYS: tuple[str, ...] = (*(c for c in COLUMNS if c != "batch"), "customer")
PAGE_SIZES: tuple[int, ...] = (25, 50, 100)
DEFAULT_SORT, DEFAULT_DIRECTION = "created_at", "desc"
TEXT_MAX = 100
IDS_MAX = 100

MSG_BAD_DATE = N_("A date must look like 2025-09-03; the filter was ignored.")
MSG_REVERSED = N_("The date range ends before it starts; the filter was ignored.")
MSG_BAD_IDS = N_("IDs must be whole numbers separated by commas or spaces.")
MSG_TOO_LONG = N_("A filter text was longer than 100 characters and was shortened.")
MSG_BAD_STATUS = N_("An unknown status in the filter was ignored.")


@dataclass(frozen=True)
class OrderFilters:
    name: str = ""
    created_from: date | None = None
    created_to: date | None = None
    paid_from: date | None = None
    paid_to: date | None = None
    statuses: tuple[OrderStatus, ...] = ()
    comment: str = ""
    ids: tuple[int, ...] = ()
    q: str = ""
    customer: str = ""

    @property
    def active(self) -> bool:
        return self != OrderFilters()


@dataclass(frozen=True)
class GridQuery:
    filters: OrderFilters = field(default_factory=OrderFilters)
    sort: str = DEFAULT_SORT
    direction: str = DEFAULT_DIRECTION
    page: int = 1
    page_size: int = PAGE_SIZES[0]

    def with_page(self, page: int) -> GridQuery:
        return replace(self, page=max(1, page))


def _text(raw: str | None, errors: list[str]) -> str:
    # unusable characters (controls, lone surrogates) become spaces, runs of space fold, the ends are trimmed
    value = clean_search(raw, TEXT_MAX + 1)
    if len(value) > TEXT_MAX:
        errors.append(MSG_TOO_LONG)
        value = value[:TEXT_MAX].strip()
    return value


def _date(raw: str | None, errors: list[str]) -> date | None:
    if not raw:
        return None
    value = parse_date(raw)
    if value is None:
        errors.append(MSG_BAD_DATE)
    return value


def _range(lo: date | None, hi: date | None, errors: list[str]) -> tuple[date | None, date | None]:
    if lo and hi and hi < lo:
        errors.append(MSG_REVERSED)
        return None, None
    return lo, hi


def parse_ids(raw: str, errors: list[str]) -> tuple[int, ...]:
    parts = [p for p in re.split(r"[\s,;]+", raw.strip()) if p]
    if not parts:
        return ()
    ids = [parse_number(p, minimum=0, maximum=ID_MAX) for p in parts] if len(raw) <= 2000 else [None]
    if None in ids:
        errors.append(MSG_BAD_IDS)
        return ()
    return tuple(dict.fromkeys(i for i in ids if i is not None))[:IDS_MAX]


def parse_grid_query(params: Mapping[str, str]) -> tuple[GridQuery, list[str]]:
    """The grid query from URL parameters, and the messages for the values that were dropped."""
    errors: list[str] = []
    statuses: list[OrderStatus] = []
    for raw in (params.get("status") or "").split(","):
        if not raw:
            continue
        try:
            statuses.append(OrderStatus(raw))
        except ValueError:
            errors.append(MSG_BAD_STATUS)
    created = _range(_date(params.get("created_from"), errors), _date(params.get("created_to"), errors), errors)
    paid = _range(_date(params.get("paid_from"), errors), _date(params.get("paid_to"), errors), errors)
    filters = OrderFilters(
        name=_text(params.get("name"), errors),
        created_from=created[0],
        created_to=created[1],
        paid_from=paid[0],
        paid_to=paid[1],
        statuses=tuple(dict.fromkeys(statuses)),
        comment=_text(params.get("comment"), errors),
        ids=parse_ids((params.get("ids") or "")[:4000], errors),
        q=_text(params.get("q"), errors),
        customer=_text(params.get("customer"), errors),
    )
    sort = params.get("sort") or DEFAULT_SORT
    direction = params.get("dir") or DEFAULT_DIRECTION
    size = parse_number(params.get("size"), maximum=max(PAGE_SIZES)) or PAGE_SIZES[0]
    query = GridQuery(
        filters=filters,
        sort=sort if sort in SORT_KEYS else DEFAULT_SORT,
        direction=direction if direction in ("asc", "desc") else DEFAULT_DIRECTION,
        page=parse_page(params.get("page")) or 1,
        page_size=size if size in PAGE_SIZES else PAGE_SIZES[0],
    )
    return query, list(dict.fromkeys(errors))


def grid_query_string(query: GridQuery) -> str:
    """The URL query string of `query` (defaults left out, so a plain /orders stays plain)."""
    f = query.filters
    pairs: list[tuple[str, str]] = []
    for key, value in (
        ("q", f.q),
        ("name", f.name),
        ("status", ",".join(s.value for s in f.statuses)),
        ("created_from", f.created_from.isoformat() if f.created_from else ""),
        ("created_to", f.created_to.isoformat() if f.created_to else ""),
        ("paid_from", f.paid_from.isoformat() if f.paid_from else ""),
        ("paid_to", f.paid_to.isoformat() if f.paid_to else ""),
        ("comment", f.comment),
        ("ids", ",".join(str(i) for i in f.ids)),
        ("customer", f.customer),
        ("sort", "" if query.sort == DEFAULT_SORT else query.sort),
        ("dir", "" if query.direction == DEFAULT_DIRECTION else query.direction),
        ("page", "" if query.page == 1 else str(query.page)),
        ("size", "" if query.page_size == PAGE_SIZES[0] else str(query.page_size)),
    ):
        if value:
            pairs.append((key, value))
    return urlencode(pairs)
