"""The orders grid selector on SQLite and PostgreSQL: scope, filters, search, sort and paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from introserv_app.db.session import session_scope
from introserv_app.db.tables import Order, User
from introserv_app.domain.grid import SORT_KEYS, GridQuery, OrderFilters, parse_grid_query
from introserv_app.domain.statuses import STATUS_ORDER, OrderStatus
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.orders import matching_order_ids, orders_page, set_comment
from introserv_app.tools import seed
from tests.support.builders import viewer

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture
def data(engine: Engine) -> Engine:
    seed.ensure_demo_accounts(engine)
    seed.seed_volume(engine, customers=0, orders=60, seed=11, now=NOW, owner_username="demo")
    seed.seed_volume(engine, customers=8, orders=400, seed=12, now=NOW)
    return engine


def page(engine: Engine, who: Viewer, *, exact: bool = False, **kw: object):
    filters = kw.pop("filters", OrderFilters())
    query = GridQuery(filters=filters, **kw)  # type: ignore[arg-type]
    with session_scope(engine) as session:
        return orders_page(session=session, viewer=who, query=query, today=TODAY, exact=exact)


NO_FILTERS = OrderFilters()


def all_rows(engine: Engine, who: Viewer, filters: OrderFilters = NO_FILTERS, **kw: object):
    first = page(engine, who, filters=filters, page_size=100, **kw)
    rows = list(first.rows)
    for n in range(2, first.pages + 1):
        rows += page(engine, who, filters=filters, page_size=100, page=n, **kw).rows
    return rows


def db_ids(engine: Engine, where: str, **params: object) -> set[int]:
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(sa.text(f"SELECT id FROM orders WHERE {where}"), params)}


def test_a_customer_sees_exactly_their_own_orders(data: Engine) -> None:
    demo = viewer(data, "demo")
    rows = all_rows(data, demo)
    assert {r.id for r in rows} == db_ids(data, "user_id = :u", u=demo.user_id)
    assert len(rows) == 60 and all(r.customer == "" for r in rows)
    # a forged customer scope is ignored for customers
    forged = all_rows(data, demo, OrderFilters(customer="cust"))
    assert {r.id for r in forged} == {r.id for r in rows}
    # another customer's order id gives nothing
    other = next(iter(db_ids(data, "user_id <> :u", u=demo.user_id)))
    assert page(data, demo, filters=OrderFilters(ids=(other,))).total == 0
    assert all(r.id != other for r in all_rows(data, demo, OrderFilters(q=str(other))))


def test_staff_see_everyone_and_can_filter_by_customer(data: Engine) -> None:
    support = viewer(data, "support")
    assert page(data, support).total == 460
    some = next(iter(all_rows(data, support)))
    assert some.customer
    by_customer = all_rows(data, support, OrderFilters(customer=some.customer))
    assert by_customer and all(r.customer == some.customer for r in by_customer)


def test_status_date_and_id_filters(data: Engine) -> None:
    support = viewer(data, "support")
    wanted = (OrderStatus.SUSPENDED_NONPAYMENT, OrderStatus.CANCELLED)
    rows = all_rows(data, support, OrderFilters(statuses=wanted))
    assert {r.id for r in rows} == db_ids(data, "status IN ('suspended_nonpayment', 'cancelled')")
    lo, hi = TODAY - timedelta(days=200), TODAY - timedelta(days=100)
    created = all_rows(data, support, OrderFilters(created_from=lo, created_to=hi))
    assert created and all(lo <= r.created_at.date() <= hi for r in created)
    assert {r.id for r in created} == db_ids(
        data,
        "created_at >= :a AND created_at < :b",
        a=datetime.combine(lo, datetime.min.time()),
        b=datetime.combine(hi + timedelta(days=1), datetime.min.time()),
    )
    paid = all_rows(data, support, OrderFilters(paid_from=TODAY, paid_to=TODAY + timedelta(days=30)))
    assert paid and all(r.paid_until and TODAY <= r.paid_until <= TODAY + timedelta(days=30) for r in paid)
    ids = tuple(sorted(db_ids(data, "1 = 1"))[:5])
    assert {r.id for r in all_rows(data, support, OrderFilters(ids=ids))} == set(ids)


def test_search_by_name_ip_comment_id_and_tariff(data: Engine) -> None:
    support = viewer(data, "support")
    with session_scope(data) as session:
        order = session.exec(select(Order).where(Order.main_ip != None).order_by(Order.id)).first()  # noqa: E711
        assert order is not None
        name, ip, oid = order.service_name, order.main_ip or "", order.id or 0
    for text in (name, name[2:6].upper(), ip, ip.rsplit(".", 1)[0]):
        found = {r.id for r in all_rows(data, support, OrderFilters(q=text))}
        assert oid in found, text
        assert found == db_ids(
            data,
            "lower(service_name) LIKE :t OR main_ip LIKE :t OR lower(comment) LIKE :t "
            "OR tariff_id IN (SELECT id FROM tariff_plans WHERE lower(name) LIKE :t)"
            + (" OR id = :i" if text.isdigit() else ""),
            t=f"%{text.lower()}%",
            i=int(text) if text.isdigit() else 0,
        )
    assert oid in {r.id for r in all_rows(data, support, OrderFilters(q=str(oid)))}
    backups = all_rows(data, support, OrderFilters(q="backup"))
    assert backups and all("backup" in r.comment or "backup" in r.tariff.lower() for r in backups)
    epyc = all_rows(data, support, OrderFilters(q="EPYC"))
    assert epyc and all("EPYC" in r.tariff for r in epyc)
    # text shorter than a trigram: staff (everyone's orders) get ID and tariff matches only, never a scan;
    # a customer's own orders are searched by substring at any length
    assert {r.id for r in all_rows(data, support, OrderFilters(q=name[:2]))} <= db_ids(
        data, "tariff_id IN (SELECT id FROM tariff_plans WHERE lower(name) LIKE :t)", t=f"%{name[:2].lower()}%"
    )
    assert {r.id for r in all_rows(data, support, OrderFilters(q="1"))} >= {1}
    with session_scope(data) as session:
        owner = session.exec(select(User).where(User.id == order.user_id)).one()
    customer = viewer(data, owner.username)
    assert oid in {r.id for r in all_rows(data, customer, OrderFilters(q=name[:2]))}
    # name and comment filters are column-specific
    assert all(name[1:5] in r.service_name for r in all_rows(data, support, OrderFilters(name=name[1:5])))
    assert all("db" in r.comment for r in all_rows(data, support, OrderFilters(comment="db")))


@pytest.mark.parametrize(
    "hostile",
    [
        "99999999999",
        "2147483648",
        "' OR 1=1 --",
        '"; DROP TABLE orders; --',
        "<script>alert(1)</script>",
        "%",
        "_",
        "\\",
        '"',
        "NEAR(a b)",
        "a* OR b",
        "x" * 100,
        "Ωmega 😀",
    ],
)
def test_hostile_search_text_is_just_text(data: Engine, hostile: str) -> None:
    support = viewer(data, "support")
    query, _ = parse_grid_query({"q": hostile, "name": hostile, "comment": hostile, "ids": hostile})
    result = page(data, support, filters=query.filters)
    assert result.total == 0 and result.rows == []
    assert page(data, support).total == 460  # nothing was dropped


RAW_ORDER = {
    "service_name": "o.service_name",
    "tariff": "t.name",
    "main_ip": "o.main_ip",
    "paid_until": "o.paid_until",
    "days_left": "o.paid_until",
    "price": "o.price_minor",
    "comment": "o.comment",
    "id": "o.id",
    "created_at": "o.created_at",
    "customer": "u.username",
    "status": "CASE o.status " + " ".join(f"WHEN '{s.value}' THEN {i}" for i, s in enumerate(STATUS_ORDER)) + " END",
}


@pytest.mark.parametrize("sort", SORT_KEYS)
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_every_column_sorts_in_sql(data: Engine, sort: str, direction: str) -> None:
    """Paging through the grid gives exactly the database's own ORDER BY, with no duplicates or gaps."""
    support = viewer(data, "support")
    rows = all_rows(data, support, sort=sort, direction=direction)
    expr = RAW_ORDER[sort]
    with data.connect() as conn:
        expected = [
            r[0]
            for r in conn.execute(
                sa.text(
                    "SELECT o.id FROM orders o JOIN tariff_plans t ON t.id = o.tariff_id "
                    "JOIN users u ON u.id = o.user_id "
                    f"ORDER BY CASE WHEN {expr} IS NULL THEN 1 ELSE 0 END, {expr} {direction}, o.id {direction}"
                )
            )
        ]
    assert [r.id for r in rows] == expected
    if sort in ("price", "id", "created_at"):
        values = [getattr(r, {"price": "price"}.get(sort, sort)) for r in rows]
        values = [v.minor for v in values] if sort == "price" else values
        assert values == sorted(values, reverse=direction == "desc")


def test_pages_past_the_end_and_page_sizes(data: Engine) -> None:
    demo = viewer(data, "demo")
    last = page(data, demo, page=999, page_size=25)
    assert (last.page, last.pages, last.total, len(last.rows)) == (3, 3, 60, 10)
    assert page(data, demo, page_size=50).pages == 2
    empty = page(data, demo, filters=OrderFilters(ids=(10**9,)))
    assert (empty.total, empty.page, empty.pages, empty.rows) == (0, 1, 1, [])
    # a full page needs the count; one that is not full tells the total by itself; both agree with SQL
    ids = tuple(sorted(db_ids(data, "user_id = :u", u=demo.user_id))[:25])
    full = page(data, demo, filters=OrderFilters(ids=ids), page_size=25)
    assert (full.total, full.page, full.pages, len(full.rows)) == (25, 1, 1, 25)
    after_full = page(data, demo, filters=OrderFilters(ids=ids), page_size=25, page=2)
    assert (after_full.total, after_full.page, after_full.pages, len(after_full.rows)) == (25, 1, 1, 25)
    few = page(data, demo, filters=OrderFilters(ids=ids[:7]), page_size=25)
    assert (few.total, few.page, few.pages, len(few.rows)) == (7, 1, 1, 7)
    for n, size in ((1, 25), (2, 25), (3, 25), (1, 50), (2, 50), (1, 100)):
        shown = page(data, demo, page=n, page_size=size)
        assert (shown.total, shown.pages) == (60, -(-60 // size))
        assert len(shown.rows) == min(size, 60 - (n - 1) * size)


def test_a_large_result_says_more_than_the_bound_and_counts_on_request(
    data: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from introserv_app.services.orders._readers import grid

    monkeypatch.setattr(grid, "COUNT_EXACT_UPTO", 100)  # 460 orders in all, 60 of them the demo customer's
    support, demo = viewer(data, "support"), viewer(data, "demo")
    every = OrderFilters(statuses=tuple(OrderStatus))  # all 460, through a filter

    def shown(**kw: object):  # type: ignore[no-untyped-def]
        return page(data, support, filters=every, page_size=25, **kw)

    first = shown()
    assert (first.total, first.total_exact, first.page, first.pages, len(first.rows)) == (100, False, 1, 2, 25)
    deep = shown(page=10)  # rows 226-250: still more than the bound, a next page
    assert (deep.total_exact, deep.page, deep.pages, len(deep.rows)) == (False, 10, 11, 25)
    exact = shown(page=10, exact=True)
    assert (exact.total, exact.total_exact, exact.pages) == (460, True, 19)
    assert [r.id for r in exact.rows] == [r.id for r in deep.rows]
    # past the end of a large result: the last page, counted exactly
    past = shown(page=999)
    assert (past.total, past.total_exact, past.page, past.pages, len(past.rows)) == (460, True, 19, 19, 10)
    # the last page by itself tells the total; results within the bound are counted exactly
    last = shown(page=19)
    assert (last.total, last.total_exact, len(last.rows)) == (460, True, 10)
    assert (page(data, demo, page_size=25).total, page(data, demo, page_size=25).total_exact) == (60, True)
    # everyone's orders without a filter: SQLite counts a whole table from its page count, exactly
    unfiltered = page(data, support, page_size=25)
    sqlite = data.dialect.name == "sqlite"
    assert (unfiltered.total, unfiltered.total_exact) == ((460, True) if sqlite else (100, False))
    # paging through an uncounted result reaches every order once
    seen, n = [], 1
    while True:
        one = page(data, support, filters=every, page_size=100, page=n)
        seen += [r.id for r in one.rows]
        if one.page >= one.pages:
            break
        n += 1
    assert sorted(seen) == sorted(db_ids(data, "1 = 1"))


def test_days_left_is_negative_when_overdue(data: Engine) -> None:
    demo = viewer(data, "demo")
    for r in all_rows(data, demo):
        if r.paid_until:
            assert r.days_left == (r.paid_until - TODAY).days
    assert any(r.days_left is not None and r.days_left < 0 for r in all_rows(data, demo))


def test_select_all_matching_is_scoped(data: Engine) -> None:
    demo = viewer(data, "demo")
    with session_scope(data) as session:
        ids = matching_order_ids(session=session, viewer=demo, filters=OrderFilters(statuses=(OrderStatus.PROCESSED,)))
    assert set(ids) == db_ids(data, "user_id = :u AND status = 'processed'", u=demo.user_id)


def test_owner_edits_a_comment_with_an_audit_event(data: Engine) -> None:
    from introserv_app.db.tables import AuditEvent
    from introserv_app.services.common.errors import ServiceError
    from introserv_app.services.orders import set_comment

    demo = viewer(data, "demo")
    own = min(db_ids(data, "user_id = :u", u=demo.user_id))
    foreign = min(db_ids(data, "user_id <> :u", u=demo.user_id))
    with session_scope(data) as session:
        assert (
            set_comment(session=session, viewer=demo, order_id=own, comment='  =HYPERLINK("x")<b>db</b>  ')
            == '=HYPERLINK("x")<b>db</b>'
        )
    with session_scope(data) as session:
        assert session.get(Order, own).comment == '=HYPERLINK("x")<b>db</b>'  # type: ignore[union-attr]
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "order.comment")).one()
        assert event.details["new"] == '=HYPERLINK("x")<b>db</b>' and event.actor_id == demo.user_id
    for bad_id, text in ((foreign, "mine now"), (10**12, "x"), (own, "x" * 256), (own, "a\x00b"), (own, "a\ud800")):
        with session_scope(data) as session:
            before = session.get(Order, own).comment  # type: ignore[union-attr]
            try:
                set_comment(session=session, viewer=demo, order_id=bad_id, comment=text)
            except ServiceError:
                pass
            else:
                raise AssertionError("refused input was accepted")
        with session_scope(data) as session:
            assert session.get(Order, own).comment == before  # type: ignore[union-attr]
    with session_scope(data) as session:
        assert session.get(Order, foreign).comment != "mine now"  # type: ignore[union-attr]
        denied = session.exec(select(AuditEvent).where(AuditEvent.action == "access.denied")).all()
        assert len(denied) == 2  # the foreign and the unknown id; the too-long text is just refused
    with session_scope(data) as session:
        assert set_comment(session=session, viewer=demo, order_id=own, comment="x" * 255) == "x" * 255


def test_the_show_menu_choice_is_remembered_per_user(data: Engine) -> None:
    from introserv_app.services.orders import grid_columns, set_grid_columns

    demo, support = viewer(data, "demo"), viewer(data, "support")
    with session_scope(data) as session:
        assert grid_columns(session=session, user_id=demo.user_id) == ()
        assert set_grid_columns(session=session, viewer=demo, columns=["id", "comment", "password_hash"]) == (
            "comment",
            "id",
        )
    with session_scope(data) as session:
        assert grid_columns(session=session, user_id=demo.user_id) == ("comment", "id")
        assert grid_columns(session=session, user_id=support.user_id) == ()
        set_grid_columns(session=session, viewer=demo, columns=["batch"])
    with session_scope(data) as session:
        assert grid_columns(session=session, user_id=demo.user_id) == ("batch",)


def test_the_search_index_follows_every_write(data: Engine) -> None:
    support, demo = viewer(data, "support"), viewer(data, "demo")
    with session_scope(data) as session:
        oid = session.exec(select(Order.id).where(Order.user_id == demo.user_id).order_by(Order.id)).first()
        assert oid is not None
        set_comment(session=session, viewer=demo, order_id=oid, comment="Zebra-Unique rack 7")
    assert [r.id for r in all_rows(data, support, OrderFilters(q="ebra-uni"))] == [oid]
    with session_scope(data) as session:
        set_comment(session=session, viewer=demo, order_id=oid, comment="moved")
    assert all_rows(data, support, OrderFilters(q="ebra-uni")) == []
    with session_scope(data) as session:
        session.execute(sa.text("UPDATE invoice_lines SET order_id = NULL WHERE order_id = :o"), {"o": oid})
        session.execute(sa.delete(Order).where(Order.id == oid))  # type: ignore[arg-type]
    assert all_rows(data, support, OrderFilters(q="moved", ids=(oid,))) == []
    # a bulk load (index suspended, then rebuilt in one pass) finds the new rows too
    seed.seed_volume(data, customers=2, orders=50_000, seed=13, now=NOW)
    with session_scope(data) as session:
        newest = session.exec(select(Order).order_by(Order.id.desc())).first()  # type: ignore[union-attr]
        assert newest is not None
        name = newest.service_name
    assert newest.id in {r.id for r in all_rows(data, support, OrderFilters(q=name[1:6]))}
