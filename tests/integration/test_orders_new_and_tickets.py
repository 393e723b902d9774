"""Ordering a new service, the Manage order page and tickets, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from introserv_app.db.session import session_scope
from introserv_app.db.tables import Invoice, Order, TariffPlan, Ticket
from introserv_app.domain.periods import add_months
from introserv_app.domain.roles import Role
from introserv_app.services.billing import (
    MSG_CODE,
    MSG_CODE_TAKEN,
    MSG_CURRENCY,
    MSG_CURRENCY_FIXED,
    MSG_NAME,
    MSG_NO_PRICE,
    MSG_PRICE,
    MSG_TARIFF_NOT_FOUND,
    MSG_TYPE,
    catalog,
    list_tariffs,
    pay_invoice,
    place_order,
    quote_order,
    save_tariff,
)
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging import (
    MSG_CATEGORY,
    MSG_MESSAGE,
    MSG_SUBJECT,
    create_ticket,
    reply,
    ticket_thread,
    tickets_page,
)
from introserv_app.services.orders import order_detail
from tests.support.billing import NOW, fund, who
from tests.support.builders import make_user
from tests.support.concurrency import ATTEMPTS, run_concurrently


@pytest.fixture
def staff(engine: Engine) -> Viewer:
    uid = make_user(engine, "support", Role.SUPPORT)
    return Viewer(user_id=uid, username="support", role=Role.SUPPORT, session_id=0, language="en")


def stranger(shop: dict[str, int]) -> Viewer:
    return Viewer(user_id=shop["other"], username="other", role=Role.CUSTOMER, session_id=0, language="en")


def denied(engine: Engine, user_id: int) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                sa.text("SELECT count(*) FROM audit_events WHERE action = 'access.denied' AND actor_id = :u"),
                {"u": user_id},
            ).scalar_one()
        )


def tariff_id(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.exec(sa.select(TariffPlan.id).where(TariffPlan.code == "vps-s")).scalar_one()  # type: ignore[call-overload]


def test_a_new_order_waits_for_its_invoice_and_starts_when_paid(engine: Engine, shop: dict[str, int]) -> None:
    tid = tariff_id(engine)
    with session_scope(engine) as session:
        assert [i.name for i in catalog(session=session, viewer=who(shop))] == ["VPS S"]
        quote = quote_order(session=session, viewer=who(shop), tariff_id=tid, months=6, now=NOW)
        assert (quote.net.minor, quote.vat.minor, quote.gross.minor) == (2208, 563, 2771)  # FI 25.5 %

    def attempt(_: int) -> int:
        with session_scope(engine) as session:
            return place_order(
                session=session, viewer=who(shop), tariff_id=tid, months=6, idem_key="order-dialog-00000001", now=NOW
            ).order_id

    placed = run_concurrently(ATTEMPTS, attempt)
    assert len(set(placed)) == 1 and isinstance(placed[0], int)  # one order from many clicks
    order_id = placed[0]
    with session_scope(engine) as session:
        order = session.get(Order, order_id)
        assert order is not None and order.status == "not_processed" and order.paid_until is None
        invoices = session.exec(sa.select(Invoice).where(Invoice.user_id == shop["user"])).scalars().all()  # type: ignore[call-overload]
        assert len(invoices) == 1 and invoices[0].status == "unpaid" and invoices[0].gross_minor == 2771
        invoice_id = invoices[0].id
    fund(engine, shop["user"], 5000)
    paid_on = NOW + timedelta(days=2)
    with session_scope(engine) as session:
        pay_invoice(session=session, viewer=who(shop), invoice_id=invoice_id, now=paid_on)
    with session_scope(engine) as session:
        order = session.get(Order, order_id)
        assert order is not None and order.status == "processing"
        assert order.paid_until == add_months(paid_on.date(), 6)  # the first period starts on payment
        detail = order_detail(session=session, viewer=who(shop), order_id=order_id)
        assert [e.event for e in detail.timeline] == ["paid", "created"]
        assert (detail.timeline[0].old_status, detail.timeline[0].new_status) == ("not_processed", "processing")
        assert [i.number for i in detail.invoices] == [invoices[0].number]


def test_bad_orders_are_refused_and_nothing_is_saved(engine: Engine, shop: dict[str, int], staff: Viewer) -> None:
    tid = tariff_id(engine)
    for bad_tariff, months in ((tid, 2), (tid, 0), (10**9, 1), (-1, 1)):
        with session_scope(engine) as session, pytest.raises(ServiceError):
            place_order(
                session=session, viewer=who(shop), tariff_id=bad_tariff, months=months, idem_key="order-dialog-00000002"
            )
    with session_scope(engine) as session:
        session.get(TariffPlan, tid).is_active = False  # type: ignore[union-attr]
    with session_scope(engine) as session, pytest.raises(ServiceError) as retired:
        place_order(session=session, viewer=who(shop), tariff_id=tid, months=1, idem_key="order-dialog-00000003")
    assert retired.value.message == MSG_TARIFF_NOT_FOUND
    with session_scope(engine) as session, pytest.raises(ServiceError):
        place_order(session=session, viewer=staff, tariff_id=tid, months=1, idem_key="order-dialog-00000004")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM invoices")).scalar_one() == 0
        assert conn.execute(sa.text("SELECT count(*) FROM orders WHERE status = 'not_processed'")).scalar_one() == 1


def test_the_order_page_is_scoped_to_its_owner_and_staff(engine: Engine, shop: dict[str, int], staff: Viewer) -> None:
    with session_scope(engine) as session:
        mine = order_detail(session=session, viewer=who(shop), order_id=shop["overdue"])
        assert mine.owner and mine.renew_refusal is None and mine.tariff == "VPS S"
        assert set(mine.prices) == {1, 3, 6, 12}
        abuse = order_detail(session=session, viewer=who(shop), order_id=shop["abuse"])
        assert abuse.renew_refusal is not None  # suspended for violation: support only
        assert not order_detail(session=session, viewer=staff, order_id=shop["active"]).owner
    for oid in (shop["foreign"], 10**12, 0):
        with session_scope(engine) as session, pytest.raises(ServiceError):
            order_detail(session=session, viewer=who(shop), order_id=oid)
    assert denied(engine, shop["user"]) == 3


def test_a_ticket_about_an_order_and_its_replies(engine: Engine, shop: dict[str, int], staff: Viewer) -> None:
    with session_scope(engine) as session:
        ticket_id = create_ticket(
            session=session,
            viewer=who(shop),
            subject="Order sactive: no network",
            category="technical",
            message="The server does not answer ping since 10:00.\nPlease check.",
            order_id=shop["active"],
        )
    with session_scope(engine) as session:
        reply(session=session, viewer=staff, ticket_id=ticket_id, message="We are looking into it.")
    with session_scope(engine) as session:
        thread = ticket_thread(session=session, viewer=who(shop), ticket_id=ticket_id)
        assert thread.ticket.status == "answered" and thread.ticket.order_name == "sactive"
        assert [(m.is_staff, m.body.split("\n")[0]) for m in thread.messages] == [
            (False, "The server does not answer ping since 10:00."),
            (True, "We are looking into it."),
        ]
        reply(session=session, viewer=who(shop), ticket_id=ticket_id, message="Thanks, it works again.")
    with session_scope(engine) as session:
        rows, _, _ = tickets_page(session=session, viewer=who(shop))
        assert [(r.id, r.status, r.messages) for r in rows] == [(ticket_id, "waiting_staff", 3)]
        assert order_detail(session=session, viewer=who(shop), order_id=shop["active"]).tickets[0].id == ticket_id
        assert tickets_page(session=session, viewer=stranger(shop))[0] == []
    with session_scope(engine) as session, pytest.raises(ServiceError):
        ticket_thread(session=session, viewer=stranger(shop), ticket_id=ticket_id)
    with session_scope(engine) as session, pytest.raises(ServiceError):
        reply(session=session, viewer=stranger(shop), ticket_id=ticket_id, message="hello")
    assert denied(engine, shop["other"]) == 2


def test_bad_tickets_say_why_and_save_nothing(engine: Engine, shop: dict[str, int]) -> None:
    cases = [
        ({"subject": "", "category": "billing", "message": "x"}, MSG_SUBJECT),
        ({"subject": "s" * 201, "category": "billing", "message": "x"}, MSG_SUBJECT),
        ({"subject": "ok", "category": "sales", "message": "x"}, MSG_CATEGORY),
        ({"subject": "ok", "category": ["billing"], "message": "x"}, MSG_CATEGORY),
        ({"subject": "ok", "category": "billing", "message": "   "}, MSG_MESSAGE),
        ({"subject": "ok", "category": "billing", "message": "x" * 1_000_000}, MSG_MESSAGE),
    ]
    for fields, message in cases:
        with session_scope(engine) as session, pytest.raises(ServiceError) as refused:
            create_ticket(session=session, viewer=who(shop), **fields)  # type: ignore[arg-type]
        assert refused.value.message == message
    with session_scope(engine) as session, pytest.raises(ServiceError):
        create_ticket(
            session=session, viewer=who(shop), subject="x", category="billing", message="x", order_id=shop["foreign"]
        )
    with session_scope(engine) as session:
        assert session.exec(sa.select(sa.func.count()).select_from(Ticket)).scalar_one() == 0  # type: ignore[call-overload]


def test_admins_maintain_the_catalog_customers_order_from(engine: Engine, shop: dict[str, int], staff: Viewer) -> None:
    with session_scope(engine) as session, pytest.raises(ServiceError, match="administrator"):
        save_tariff(  # support sees the catalog but may not change it
            session=session,
            viewer=staff,
            tariff_id=None,
            code="vps-xs",
            name="VPS XS",
            product_type="vps",
            currency="EUR",
            prices={"1": "1.00"},
            is_active=True,
        )
    admin_id = make_user(engine, "boss", Role.ADMIN)
    staff = Viewer(user_id=admin_id, username="boss", role=Role.ADMIN, session_id=0, language="en")
    with session_scope(engine) as session:
        new_id = save_tariff(
            session=session,
            viewer=staff,
            tariff_id=None,
            code="vps-xl",
            name="VPS XL (8 vCPU, 16 GB)",
            product_type="vps",
            currency="EUR",
            prices={"1": "32.00", "12": "350,00"},
            is_active=True,
        )
    with session_scope(engine) as session:
        items = {i.name: i for i in catalog(session=session, viewer=who(shop))}
        assert {m: p.minor for m, p in items["VPS XL (8 vCPU, 16 GB)"].prices.items()} == {1: 3200, 12: 35000}
        rows = {r.code: r for r in list_tariffs(session=session, viewer=staff)}
        assert rows["vps-s"].orders == 8 and rows["vps-xl"].orders == 0
    bad = [
        ({"code": "VPS S!"}, MSG_CODE),
        ({"code": "vps-s"}, MSG_CODE_TAKEN),
        ({"name": ""}, MSG_NAME),
        ({"product_type": "colo"}, MSG_TYPE),
        ({"currency": "XYZ"}, MSG_CURRENCY),
        ({"prices": {"1": "-1"}}, MSG_PRICE),
        ({"prices": {"1": "1e9"}}, MSG_PRICE),
        ({"prices": {"3": ""}}, MSG_NO_PRICE),
    ]
    good = {"code": "vps-xl", "name": "VPS XL", "product_type": "vps", "currency": "EUR", "prices": {"1": "30"}}
    for change, message in bad:
        with session_scope(engine) as session, pytest.raises(ServiceError) as refused:
            save_tariff(session=session, viewer=staff, tariff_id=new_id, is_active=True, **{**good, **change})  # type: ignore[arg-type]
        assert refused.value.message == message
    with session_scope(engine) as session, pytest.raises(ServiceError) as fixed:
        save_tariff(
            session=session,
            viewer=staff,
            tariff_id=tariff_id(engine),
            is_active=True,
            **{**good, "code": "vps-s", "currency": "USD"},
        )  # type: ignore[arg-type]
    assert fixed.value.message == MSG_CURRENCY_FIXED
    with session_scope(engine) as session:  # retired: out of the catalog, existing orders untouched
        save_tariff(
            session=session, viewer=staff, tariff_id=tariff_id(engine), is_active=False, **{**good, "code": "vps-s"}
        )  # type: ignore[arg-type]
    with session_scope(engine) as session:
        assert [i.code for i in catalog(session=session, viewer=who(shop))] == ["vps-xl"]
        assert session.get(TariffPlan, tariff_id(engine)).prices_minor == {"1": 3000}  # type: ignore[union-attr]
    with session_scope(engine) as session, pytest.raises(ServiceError):
        list_tariffs(session=session, viewer=who(shop))  # customers: refused and audited
    assert denied(engine, shop["user"]) == 1
