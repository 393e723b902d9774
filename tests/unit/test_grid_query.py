"""The grid's URL query model: every bad value becomes a message, never a crash."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl

from hypothesis import given
from hypothesis import strategies as st

from introserv_app.domain import grid
from introserv_app.domain.grid import GridQuery, OrderFilters, grid_query_string, parse_grid_query
from introserv_app.domain.statuses import OrderStatus


def test_round_trip_through_the_url() -> None:
    query = GridQuery(
        filters=OrderFilters(
            name="r1z",
            created_from=date(2025, 1, 1),
            created_to=date(2025, 12, 31),
            statuses=(OrderStatus.PROCESSED, OrderStatus.SUSPENDED_NONPAYMENT),
            comment="db",
            ids=(3, 5),
            q="185.1",
            paid_to=date(2026, 1, 1),
        ),
        sort="paid_until",
        direction="asc",
        page=7,
        page_size=50,
    )
    text = grid_query_string(query)
    parsed, errors = parse_grid_query(dict(parse_qsl(text)))
    assert errors == [] and parsed == query
    assert grid_query_string(GridQuery()) == ""


def test_bad_values_give_messages_and_are_dropped() -> None:
    query, errors = parse_grid_query(
        {
            "created_from": "2025-13-45",
            "paid_from": "2026-02-01",
            "paid_to": "2026-01-01",
            "status": "processed,bogus",
            "ids": "1; 2 x",
            "sort": "password_hash",
            "dir": "sideways",
            "page": "-3",
            "size": "1000",
            "q": "x" * 1_000_000,
        }
    )
    assert grid.MSG_BAD_DATE in errors and grid.MSG_REVERSED in errors and grid.MSG_BAD_STATUS in errors
    assert grid.MSG_BAD_IDS in errors and grid.MSG_TOO_LONG in errors
    f = query.filters
    assert f.created_from is None and f.paid_from is None and f.paid_to is None and f.ids == ()
    assert f.statuses == (OrderStatus.PROCESSED,) and len(f.q) == grid.TEXT_MAX
    assert (query.sort, query.direction, query.page, query.page_size) == ("created_at", "desc", 1, 25)


def test_ids_accept_lists_and_bound_them() -> None:
    errors: list[str] = []
    assert grid.parse_ids(" 7, 8;9  10,7", errors) == (7, 8, 9, 10)
    assert len(grid.parse_ids(",".join(str(i) for i in range(500)), errors)) == grid.IDS_MAX
    assert errors == []
    assert grid.parse_ids(str(2**31 - 1), errors) == (2**31 - 1,)
    assert grid.parse_ids(str(2**31), errors) == () and errors == [grid.MSG_BAD_IDS]


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "q",
                "name",
                "status",
                "created_from",
                "created_to",
                "paid_from",
                "paid_to",
                "comment",
                "ids",
                "customer",
                "sort",
                "dir",
                "page",
                "size",
                "other",
            ]
        ),
        st.text(max_size=300),
    )
)
def test_any_url_parameters_parse(params: dict[str, str]) -> None:
    query, errors = parse_grid_query(params)
    assert query.page >= 1 and query.page_size in grid.PAGE_SIZES and query.sort in grid.SORT_KEYS
    assert all(isinstance(e, str) for e in errors)
    # whatever was accepted survives the trip through the URL unchanged
    again, again_errors = parse_grid_query(dict(parse_qsl(grid_query_string(query))))
    assert again == query and again_errors == []
