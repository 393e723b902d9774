"""Renewing, paying and cancelling orders, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from introserv_app.db.session import session_scope
from introserv_app.db.tables import Order, TariffPlan
from introserv_app.domain.grid import OrderFilters
from introserv_app.domain.money import Money
from introserv_app.domain.order_rules import BATCH_LIMIT
from introserv_app.domain.roles import Role
from introserv_app.i18n import translate_error
from introserv_app.services.billing import balance, pay_invoice, quote_renewal, renew
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.orders import MATCHING_LIMIT, cancel_order, matching_order_ids, withdraw_cancellation
from tests.support.billing import NOW, fund, ledger, order, who
from tests.support.concurrency import ATTEMPTS, run_concurrently


def test_a_quote_shows_net_vat_total_and_new_dates(engine: Engine, shop: dict[str, int]) -> None:
    with session_scope(engine) as session:
        q = quote_renewal(session=session, viewer=who(shop), items=[(shop["active"], 3), (shop["overdue"], 1)], now=NOW)
    assert [i.net.minor for i in q.items] == [1140, 400] and q.net == Money(1540, "EUR")
    assert q.vat_rate == "25.5" and q.vat == Money(393, "EUR") and q.gross == Money(1933, "EUR")  # 392.7 -> 393
    assert [i.new_paid_until for i in q.items] == [date(2027, 4, 10), date(2026, 12, 23)]  # lapsed: from today
    assert not q.covered


def test_renewing_one_order_pays_from_the_balance(engine: Engine, shop: dict[str, int]) -> None:
    fund(engine, shop["user"], 10_000)
    with session_scope(engine) as session:
        result = renew(
            session=session, viewer=who(shop), items=[(shop["active"], 12)], idem_key="renew-one-0000001", now=NOW
        )
    assert result.paid and result.invoice_number == "2026-000001" and result.gross == Money(5301, "EUR")
    assert order(engine, shop["active"]).paid_until == date(2028, 1, 10)
    assert ledger(engine, shop["user"]) == [("topup", 10_000), ("charge", -5301)]
    with engine.connect() as conn:
        events = conn.execute(sa.text("SELECT event FROM order_status_history")).scalars().all()
    assert events == ["renewed"]


def test_batch_renewal_is_one_invoice_with_a_line_per_order(engine: Engine, shop: dict[str, int]) -> None:
    fund(engine, shop["user"], 10_000)
    items = [(shop["active"], 1), (shop["active2"], 6), (shop["overdue"], 3)]
    with session_scope(engine) as session:
        result = renew(session=session, viewer=who(shop), items=items, idem_key="renew-batch-00001", now=NOW)
    assert result.paid
    with engine.connect() as conn:
        lines = conn.execute(sa.text("SELECT order_id, period_months, net_minor FROM invoice_lines ORDER BY id")).all()
        inv = conn.execute(sa.text("SELECT net_minor, vat_minor, gross_minor, vat_rate, status FROM invoices")).one()
    assert [tuple(r) for r in lines] == [
        (shop["active"], 1, 400),
        (shop["active2"], 6, 2208),
        (shop["overdue"], 3, 1140),
    ]
    assert tuple(inv) == (3748, 956, 4704, "25.5", "paid")  # 3748 * 25.5 % = 955.74
    assert order(engine, shop["active2"]).paid_until == date(2027, 6, 30)  # Dec 31 + 6 months, clamped
    restored = order(engine, shop["overdue"])
    assert restored.status == "processed" and restored.paid_until == date(2027, 2, 23)
    with session_scope(engine) as session:
        assert balance(session=session, user_id=shop["user"]) == Money(10_000 - 4704, "EUR")


def test_short_balance_leaves_an_unpaid_invoice_to_pay_later(engine: Engine, shop: dict[str, int]) -> None:
    fund(engine, shop["user"], 100)
    with session_scope(engine) as session:
        result = renew(
            session=session, viewer=who(shop), items=[(shop["overdue"], 1)], idem_key="renew-short-00001", now=NOW
        )
    assert not result.paid and order(engine, shop["overdue"]).status == "suspended_nonpayment"
    assert ledger(engine, shop["user"]) == [("topup", 100)]
    with session_scope(engine) as session, pytest.raises(ServiceError):
        pay_invoice(session=session, viewer=who(shop), invoice_id=result.invoice_id, now=NOW)
    fund(engine, shop["user"], 1000, key="funding-0000000002")

    def attempt(_: int) -> bool:
        with session_scope(engine) as session:
            return pay_invoice(session=session, viewer=who(shop), invoice_id=result.invoice_id, now=NOW).paid

    assert all(r is True for r in run_concurrently(ATTEMPTS, attempt))
    assert ledger(engine, shop["user"]) == [("topup", 100), ("topup", 1000), ("charge", -502)]  # paid once
    assert order(engine, shop["overdue"]).status == "processed"


def test_a_renewal_dialog_submitted_from_many_tabs_renews_once(engine: Engine, shop: dict[str, int]) -> None:
    fund(engine, shop["user"], 10_000)

    def attempt(_: int) -> str:
        with session_scope(engine) as session:
            return renew(
                session=session, viewer=who(shop), items=[(shop["active"], 1)], idem_key="renew-tabs-000001", now=NOW
            ).invoice_number

    results = run_concurrently(ATTEMPTS, attempt)
    assert set(results) == {"2026-000001"}, results
    assert ledger(engine, shop["user"]) == [("topup", 10_000), ("charge", -502)]
    assert order(engine, shop["active"]).paid_until == date(2027, 2, 10)


@pytest.mark.parametrize(
    ("key", "months", "message"),
    [
        ("gone", 1, "A cancelled order cannot be renewed."),
        ("abuse", 1, "This order is suspended for a violation; please contact support."),
        ("new", 1, "This order is not paid yet: pay its invoice instead of renewing it."),
        ("active", 2, "This tariff cannot be renewed for that period."),
        ("active", 0, "This tariff cannot be renewed for that period."),
    ],
)
def test_refusals_say_why_and_write_nothing(
    engine: Engine, shop: dict[str, int], key: str, months: int, message: str
) -> None:
    fund(engine, shop["user"], 10_000)
    with session_scope(engine) as session, pytest.raises(ServiceError) as err:
        renew(session=session, viewer=who(shop), items=[(shop[key], months)], idem_key="renew-refused-001", now=NOW)
    assert err.value.values["reason"] == message
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM invoices")).scalar() == 0
    assert ledger(engine, shop["user"]) == [("topup", 10_000)]


def test_another_customers_order_is_refused_and_audited(engine: Engine, shop: dict[str, int]) -> None:
    fund(engine, shop["user"], 10_000)
    for items in ([(shop["foreign"], 1)], [(shop["active"], 1), (shop["foreign"], 1)], [(2**31 + 5, 1)]):
        with session_scope(engine) as session, pytest.raises(ServiceError):
            renew(session=session, viewer=who(shop), items=items, idem_key="renew-forged-0001", now=NOW)
    with session_scope(engine) as session, pytest.raises(ServiceError):
        cancel_order(session=session, viewer=who(shop), order_id=shop["foreign"], mode="immediate", now=NOW)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM invoices")).scalar() == 0
        denied = conn.execute(sa.text("SELECT count(*) FROM audit_events WHERE action = 'access.denied'")).scalar()
    assert denied == 3  # the out-of-range id is refused before any lookup
    assert order(engine, shop["foreign"]).status == "processed"


def test_cancel_at_period_end_can_be_withdrawn(engine: Engine, shop: dict[str, int]) -> None:
    with session_scope(engine) as session:
        cancel_order(
            session=session, viewer=who(shop), order_id=shop["active"], mode="period_end", reason="  moving  ", now=NOW
        )
    o = order(engine, shop["active"])
    assert (o.status, o.cancel_mode, o.cancel_reason) == ("processed", "period_end", "moving")
    with session_scope(engine) as session, pytest.raises(ServiceError) as err:
        renew(session=session, viewer=who(shop), items=[(shop["active"], 1)], idem_key="renew-pending-001", now=NOW)
    assert "withdraw the cancellation" in str(err.value.values["reason"])
    with session_scope(engine) as session:
        withdraw_cancellation(session=session, viewer=who(shop), order_id=shop["active"], now=NOW)
    assert order(engine, shop["active"]).cancel_mode is None
    with session_scope(engine) as session, pytest.raises(ServiceError):
        withdraw_cancellation(session=session, viewer=who(shop), order_id=shop["active"], now=NOW)
    with session_scope(engine) as session, pytest.raises(ServiceError):
        cancel_order(
            session=session, viewer=who(shop), order_id=shop["active"], mode="period_end", reason="x" * 501, now=NOW
        )
    with session_scope(engine) as session:
        cancel_order(session=session, viewer=who(shop), order_id=shop["active2"], mode="immediate", now=NOW)
    assert order(engine, shop["active2"]).status == "cancelled"
    with session_scope(engine) as session, pytest.raises(ServiceError):
        cancel_order(session=session, viewer=who(shop), order_id=shop["active2"], mode="immediate", now=NOW)
    with engine.connect() as conn:
        events = conn.execute(sa.text("SELECT event FROM order_status_history ORDER BY id")).scalars().all()
    assert events == ["cancel_scheduled", "cancel_withdrawn", "cancelled"]


def test_vat_rounding_of_a_batch_is_on_the_invoice_total(engine: Engine, shop: dict[str, int]) -> None:
    with session_scope(engine) as session:
        q = quote_renewal(session=session, viewer=who(shop), items=[(shop["active"], 1), (shop["active2"], 1)], now=NOW)
    assert q.vat == Money(int((Decimal(800) * Decimal("0.255")).quantize(Decimal(1))), "EUR") == Money(204, "EUR")


def test_invoice_list_is_scoped_and_filtered(engine: Engine, shop: dict[str, int]) -> None:
    from introserv_app.services.billing import invoice_counts, invoices_page

    fund(engine, shop["user"], 10_000)
    with session_scope(engine) as session:
        renew(session=session, viewer=who(shop), items=[(shop["active"], 1)], idem_key="renew-list-000001", now=NOW)
    fund(engine, shop["other"], 100, key="funding-other-0001")
    other = Viewer(user_id=shop["other"], username="other", role=Role.CUSTOMER, session_id=0, language="en")
    with session_scope(engine) as session:
        renew(session=session, viewer=other, items=[(shop["foreign"], 12)], idem_key="renew-list-000002", now=NOW)
    with session_scope(engine) as session:
        mine = invoices_page(session=session, viewer=who(shop))
        assert [r.number for r in mine.rows] == ["2026-000001"] and mine.rows[0].status == "paid"
        assert invoices_page(session=session, viewer=who(shop), status="unpaid").rows == []
        assert [r.number for r in invoices_page(session=session, viewer=other, status="unpaid").rows] == ["2026-000002"]
        by_order = invoices_page(session=session, viewer=who(shop), order_id=shop["active"])
        assert [r.number for r in by_order.rows] == ["2026-000001"]
        assert invoices_page(session=session, viewer=who(shop), order_id=shop["foreign"]).rows == []  # not theirs
        assert invoice_counts(session=session, viewer=who(shop), order_ids=[shop["active"], shop["foreign"]]) == {
            shop["active"]: 1
        }
        staff = Viewer(user_id=0, username="s", role=Role.SUPPORT, session_id=0, language="en")
        assert invoices_page(session=session, viewer=staff).total == 2
    with session_scope(engine) as session, pytest.raises(ServiceError):
        pay_invoice(session=session, viewer=who(shop), invoice_id=2, now=NOW)  # the other customer's invoice


def test_a_partial_quote_lists_what_cannot_be_renewed_and_renews_the_others(
    engine: Engine, shop: dict[str, int]
) -> None:
    keys = ["active", "gone", "abuse", "new", "active2"]
    items = [(shop[k], 1) for k in keys]
    with session_scope(engine) as session:
        q = quote_renewal(session=session, viewer=who(shop), items=items, now=NOW, partial=True)
    assert [i.order_id for i in q.items] == [shop["active"], shop["active2"]] and q.net == Money(800, "EUR")
    assert [(r.service_name, r.reason) for r in q.refused] == [
        ("sgone", "A cancelled order cannot be renewed."),
        ("sabuse", "This order is suspended for a violation; please contact support."),
        ("snew", "This order is not paid yet: pay its invoice instead of renewing it."),
    ]
    # the strict quote (what a renewal checks) still refuses the whole selection, naming the first refused order
    with session_scope(engine) as session, pytest.raises(ServiceError) as err:
        quote_renewal(session=session, viewer=who(shop), items=items, now=NOW)
    assert err.value.values["order"] == "sgone"
    # "renew the other 2": one invoice with exactly those two lines, paid from the balance
    fund(engine, shop["user"], 10_000)
    others = [(i.order_id, i.months) for i in q.items]
    with session_scope(engine) as session:
        result = renew(session=session, viewer=who(shop), items=others, idem_key="renew-others-00001", now=NOW)
    assert result.paid and result.gross == Money(1004, "EUR")
    with engine.connect() as conn:
        lines = conn.execute(sa.text("SELECT order_id FROM invoice_lines ORDER BY order_id")).scalars().all()
    assert lines == sorted([shop["active"], shop["active2"]])
    assert order(engine, shop["gone"]).status == "cancelled" and order(engine, shop["new"]).paid_until is None


def test_another_customers_order_still_refuses_a_partial_quote(engine: Engine, shop: dict[str, int]) -> None:
    with session_scope(engine) as session, pytest.raises(ServiceError):
        quote_renewal(
            session=session, viewer=who(shop), items=[(shop["active"], 1), (shop["foreign"], 1)], partial=True
        )


def _many_orders(engine: Engine, shop: dict[str, int], count: int) -> list[int]:
    with session_scope(engine) as session:
        tariff = session.exec(select(TariffPlan).where(TariffPlan.code == "vps-s")).one()
        orders = [
            Order(
                user_id=shop["user"],
                service_name=f"bulk{i}",
                tariff_id=tariff.id or 0,
                status="processed",
                paid_until=date(2027, 1, 10),
                price_minor=400,
                currency="EUR",
            )
            for i in range(count)
        ]
        session.add_all(orders)
        session.flush()
        return [o.id or 0 for o in orders]


def test_one_limit_for_selection_and_renewal_tested_at_the_limit(engine: Engine, shop: dict[str, int]) -> None:
    ids = _many_orders(engine, shop, BATCH_LIMIT)
    everything = [shop["gone"], *ids]  # limit + 1 selected orders, one of them cancelled
    with session_scope(engine) as session:
        matching = matching_order_ids(session=session, viewer=who(shop), filters=OrderFilters())
    assert len(matching) == MATCHING_LIMIT == BATCH_LIMIT  # "select all matching" stops at the renewal limit
    with session_scope(engine) as session, pytest.raises(ServiceError) as err:
        quote_renewal(session=session, viewer=who(shop), items=[(i, 1) for i in everything], partial=True)
    assert translate_error("en", err.value.message, err.value.values) == (
        "At most 1,000 orders can be renewed at once: renew them in parts."
    )
    assert translate_error("ru", err.value.message, err.value.values).startswith(
        "Одновременно можно продлить не более 1\xa0000"
    )
    plan = [(i, 1) for i in [shop["gone"], *ids[:-1]]]  # exactly the limit, one of them refused
    with session_scope(engine) as session:
        q = quote_renewal(session=session, viewer=who(shop), items=plan, partial=True, now=NOW)
    assert len(q.items) == BATCH_LIMIT - 1 and [r.order_id for r in q.refused] == [shop["gone"]]
    others = [(i.order_id, i.months) for i in q.items]
    fund(engine, shop["user"], 1_000_000)
    for _ in range(2):  # a retry with the same key renews once
        with session_scope(engine) as session:
            result = renew(session=session, viewer=who(shop), items=others, idem_key="renew-limit-000001", now=NOW)
        assert result.paid
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM invoices")).scalar() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM invoice_lines")).scalar() == BATCH_LIMIT - 1
        renewed = conn.execute(
            sa.text("SELECT count(*) FROM orders WHERE service_name LIKE 'bulk%' AND paid_until = :d"),
            {"d": date(2027, 2, 10)},
        ).scalar()
    assert renewed == BATCH_LIMIT - 1
