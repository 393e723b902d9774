"""The order lifecycle job moved through whole lives with `now`, on SQLite and PostgreSQL.

Each step checks exactly which notifications and emails it produced, and that a second run at the same
moment produces nothing.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from introserv_app.db.session import session_scope
from introserv_app.db.tables import (
    EmailOutbox,
    Invoice,
    JobLock,
    Notification,
    Order,
    OrderStatusChange,
    Profile,
    TariffPlan,
    Ticket,
    TicketMessage,
)
from introserv_app.domain.lifecycle import LifecycleCalendar
from introserv_app.domain.money import Money
from introserv_app.domain.roles import Role
from introserv_app.services import messaging, support
from introserv_app.services.billing import balance, pay_invoice, post
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.jobs import lifecycle
from introserv_app.services.messaging._writers import notifications as notification_writer
from tests.support.builders import make_user

CAL = LifecycleCalendar(reminder_days=(14, 7, 3, 1), grace_days=3, cancel_after_days=14, auto_renew_days=3)
END = date(2026, 12, 31)  # the paid-until date the lives start from
PRICES = {"1": 1000, "3": 2850, "6": 5400, "12": 10200}


def at(day: date, hour: int = 6) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def run(engine: Engine, day: date) -> lifecycle.RunReport:
    return lifecycle.run(engine=engine, now=at(day), calendar=CAL)


def customer(engine: Engine, name: str, *, auto_renew: bool = False, lang: str = "en") -> tuple[int, int]:
    """A customer (no VAT: outside the EU) with one processed monthly order paid until END."""
    uid = make_user(engine, name)
    with session_scope(engine) as session:
        profile = session.get(Profile, uid)
        assert profile is not None
        profile.auto_renew, profile.language, profile.country = auto_renew, lang, "OTHER"
        profile.email_invoices = f"{name}-billing@example.com"
        tariff = session.exec(select(TariffPlan).where(TariffPlan.code == "life-vps")).first()
        if tariff is None:
            tariff = TariffPlan(code="life-vps", name="VPS L", product_type="vps", currency="EUR", prices_minor=PRICES)
            session.add(tariff)
            session.flush()
        order = Order(
            user_id=uid,
            service_name=f"{name}01",
            tariff_id=tariff.id or 0,
            status="processed",
            paid_until=END,
            price_minor=1000,
            currency="EUR",
            period_months=1,
            main_ip="192.0.2.7",
        )
        session.add(order)
        session.flush()
        return uid, order.id or 0


class Seen:
    """What a customer received since the last look: new notification kinds and new emails."""

    def __init__(self, engine: Engine, uid: int) -> None:
        self.engine, self.uid, self.n, self.e = engine, uid, 0, 0

    def new(self) -> tuple[list[str], list[EmailOutbox]]:
        with session_scope(self.engine) as session:
            rows = session.exec(
                select(Notification).where(Notification.user_id == self.uid).order_by(col(Notification.id))
            ).all()
            mails = session.exec(
                select(EmailOutbox).where(EmailOutbox.user_id == self.uid).order_by(col(EmailOutbox.id))
            ).all()
        kinds = [r.kind for r in rows[self.n :]]
        new_mails = list(mails[self.e :])
        self.n, self.e = len(rows), len(mails)
        return kinds, new_mails


def status(engine: Engine, oid: int) -> tuple[str, date | None]:
    with session_scope(engine) as session:
        order = session.get(Order, oid)
        assert order is not None
        return order.status, order.paid_until


def viewer(uid: int, name: str) -> Viewer:
    return Viewer(user_id=uid, username=name, role=Role.CUSTOMER, session_id=0, language="en")


def open_banners(engine: Engine, uid: int, name: str) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        shown = messaging.banners(session=session, viewer=viewer(uid, name), lang="en")
    return [(b.severity, b.title) for b in shown.items]


def test_a_life_with_reminders_auto_renewal_invoice_suspension_payment_and_restoration(engine: Engine) -> None:
    uid, oid = customer(engine, "life", auto_renew=True)
    seen = Seen(engine, uid)

    run(engine, END - timedelta(days=20))  # nothing due yet
    assert seen.new() == ([], [])

    run(engine, END - timedelta(days=14))
    kinds, mails = seen.new()
    assert kinds == ["renewal_reminder"]
    assert [m.subject for m in mails] == ["Order life01 is paid until Dec 31, 2026"]
    assert mails[0].to_addr == "life-billing@example.com"  # the invoices/orders address from Settings
    assert "14 days are left" in mails[0].body_text and "<h3" in (mails[0].body_html or "")
    assert run(engine, END - timedelta(days=14)).reminders == 0  # the same day again: nothing
    assert run(engine, END - timedelta(days=10)).reminders == 0  # between thresholds: nothing
    assert seen.new() == ([], [])

    run(engine, END - timedelta(days=7))
    kinds, mails = seen.new()
    assert kinds == ["renewal_reminder"] and len(mails) == 1

    # 3 days before: the third reminder and auto-renewal; the balance is empty, so an invoice instead
    report = run(engine, END - timedelta(days=3))
    assert (report.reminders, report.auto_invoiced, report.auto_renewed) == (1, 1, 0)
    kinds, mails = seen.new()
    assert sorted(kinds) == ["auto_renew_invoice", "renewal_reminder"]
    assert len(mails) == 1 and mails[0].subject == "INTROSERV: 2 updates about your account"
    with session_scope(engine) as session:
        invoice = session.exec(select(Invoice).where(Invoice.user_id == uid)).one()
        assert (invoice.status, invoice.gross_minor) == ("unpaid", 1000)
    assert invoice.number in mails[0].body_text
    assert status(engine, oid) == ("processed", END)
    run(engine, END - timedelta(days=2))  # auto-renewal is not tried twice for the same period
    assert seen.new() == ([], [])
    with session_scope(engine) as session:
        assert len(session.exec(select(Invoice).where(Invoice.user_id == uid)).all()) == 1

    run(engine, END - timedelta(days=1))
    kinds, mails = seen.new()
    assert kinds == ["renewal_reminder"] and len(mails) == 1

    run(engine, END + timedelta(days=3))  # within the grace period: still running
    assert seen.new() == ([], []) and status(engine, oid)[0] == "processed"

    report = run(engine, END + timedelta(days=4))
    assert report.suspended == 1
    kinds, mails = seen.new()
    assert kinds == ["order_suspended"] and mails[0].subject == "Order life01 is suspended for non-payment"
    assert status(engine, oid) == ("suspended_nonpayment", END)
    assert open_banners(engine, uid, "life")[0] == ("critical", "Order life01 is suspended for non-payment")
    with session_scope(engine) as session:
        critical = session.exec(select(Notification).where(Notification.kind == "order_suspended")).one()
    with pytest.raises(ServiceError), session_scope(engine) as session:
        messaging.dismiss(session=session, viewer=viewer(uid, "life"), notification_id=critical.id or 0)
    assert run(engine, END + timedelta(days=4)).suspended == 0

    # the customer adds funds and pays the invoice: the order is restored, the banners go
    paid_on = END + timedelta(days=5)
    with session_scope(engine) as session:
        post(session=session, user_id=uid, kind="topup", amount=Money(1000, "EUR"), idem_key="life-topup-000000001")
    with session_scope(engine) as session:
        pay_invoice(session=session, viewer=viewer(uid, "life"), invoice_id=invoice.id or 0, now=at(paid_on, 9))
    assert status(engine, oid) == ("processed", date(2027, 2, 5))
    kinds, mails = seen.new()
    assert kinds == ["order_restored"] and mails[0].subject == "Order life01 is active again"
    assert [sev for sev, _ in open_banners(engine, uid, "life")] == ["info"]  # only "active again" is left
    with session_scope(engine) as session:
        timeline = [
            (h.old_status, h.new_status, h.event)
            for h in session.exec(
                select(OrderStatusChange).where(OrderStatusChange.order_id == oid).order_by(col(OrderStatusChange.id))
            ).all()
        ]
    assert timeline == [
        ("processed", "suspended_nonpayment", "suspended"),
        ("suspended_nonpayment", "processed", "renewed"),
    ]

    # and the next period: reminders start again for the new paid-until date
    run(engine, date(2027, 2, 5) - timedelta(days=14))
    kinds, _ = seen.new()
    assert kinds == ["renewal_reminder"]


def test_a_life_ending_in_cancellation_for_non_payment(engine: Engine) -> None:
    uid, oid = customer(engine, "gone")
    seen = Seen(engine, uid)
    run(engine, END - timedelta(days=14))
    kinds, mails = seen.new()
    assert kinds == ["renewal_reminder"] and len(mails) == 1 and "waiting for payment" not in mails[0].body_text
    # 7 days before paid-until (INTROSERV_INVOICE_DAYS): the renewal invoice, mailed with its PDF
    report = run(engine, END - timedelta(days=7))
    assert report.renewal_invoices == 1
    kinds, mails = seen.new()
    assert kinds == ["renewal_invoice", "renewal_reminder"] and len(mails) == 2
    with session_scope(engine) as session:
        invoice = session.exec(select(Invoice).where(Invoice.user_id == uid)).one()
    assert (invoice.status, invoice.gross_minor) == ("unpaid", 1000)
    issued = mails[0]
    assert (
        issued.subject == f"Invoice {invoice.number} for €10.00"
        and issued.attachment_name == f"invoice-{invoice.number}.pdf"
    )
    assert issued.attachment_ref == f"invoice:{invoice.id}:en"  # the PDF is made when the mail is sent
    assert f"/invoices?status=unpaid&number={invoice.number}" in issued.body_text  # no pay links: sign in to pay
    assert f"Invoice {invoice.number} is waiting for payment" in mails[1].body_text  # the reminder names it
    assert run(engine, END - timedelta(days=6)).renewal_invoices == 0  # never twice for one period
    for days in (3, 1):
        run(engine, END - timedelta(days=days))
        kinds, mails = seen.new()
        assert kinds == ["renewal_reminder"] and len(mails) == 1 and invoice.number in mails[0].body_text
    run(engine, END + timedelta(days=4))
    kinds, mails = seen.new()
    assert kinds == ["order_suspended"] and len(mails) == 1
    assert "will be cancelled on Jan 18, 2027" in mails[0].body_text
    assert f"Invoice {invoice.number} is waiting for payment" in mails[0].body_text

    run(engine, END + timedelta(days=17))  # 3 days grace + 14 days suspended: not yet
    assert seen.new() == ([], []) and status(engine, oid)[0] == "suspended_nonpayment"
    report = run(engine, END + timedelta(days=18))
    assert report.cancelled_nonpayment == 1
    kinds, mails = seen.new()
    assert kinds == ["order_cancelled_nonpayment"] and mails[0].subject == "Order gone01 is cancelled"
    assert status(engine, oid)[0] == "cancelled"
    assert [sev for sev, _ in open_banners(engine, uid, "gone")] == ["warning"]  # the suspension is resolved
    assert run(engine, END + timedelta(days=40)).cancelled_nonpayment == 0
    assert seen.new() == ([], [])
    with pytest.raises(ServiceError), session_scope(engine) as session:  # a cancelled order cannot be renewed
        from introserv_app.services.billing import quote_renewal

        quote_renewal(session=session, viewer=viewer(uid, "gone"), items=[(oid, 1)])


def test_auto_renewal_from_a_sufficient_balance(engine: Engine) -> None:
    uid, oid = customer(engine, "auto", auto_renew=True, lang="ru")
    with session_scope(engine) as session:
        post(session=session, user_id=uid, kind="topup", amount=Money(2500, "EUR"), idem_key="auto-topup-0000000001")
    seen = Seen(engine, uid)
    report = run(engine, END - timedelta(days=3))
    assert (report.auto_renewed, report.auto_invoiced) == (1, 0)
    assert status(engine, oid) == ("processed", date(2027, 1, 31))
    kinds, mails = seen.new()
    assert kinds == ["auto_renewed"]  # renewed before the reminder step: no reminder for the old date
    assert mails[0].subject == "Заказ auto01 продлён автоматически"
    with session_scope(engine) as session:
        assert balance(session=session, user_id=uid) == Money(1500, "EUR")
        assert session.exec(select(Invoice).where(Invoice.user_id == uid)).one().status == "paid"
    run(engine, END - timedelta(days=2))
    run(engine, END - timedelta(days=1))
    assert seen.new() == ([], [])  # the new period is 31 days away


def test_a_cancellation_at_the_end_of_the_period_takes_effect(engine: Engine) -> None:
    from introserv_app.services.orders import cancel_order

    uid, oid = customer(engine, "leaver")
    with session_scope(engine) as session:
        cancel_order(
            session=session, viewer=viewer(uid, "leaver"), order_id=oid, mode="period_end", now=at(date(2026, 12, 1))
        )
    seen = Seen(engine, uid)
    run(engine, END - timedelta(days=7))
    assert seen.new() == ([], [])  # no renewal reminders for an order that is ending
    report = run(engine, END)
    assert report.cancelled_scheduled == 1
    kinds, mails = seen.new()
    assert kinds == ["order_cancelled_scheduled"] and len(mails) == 1
    assert status(engine, oid)[0] == "cancelled"


def test_low_balance_alert_once_until_the_balance_recovers(engine: Engine) -> None:
    uid, _ = customer(engine, "thrifty")
    with session_scope(engine) as session:
        session.get(Profile, uid).low_balance_threshold_minor = 2000  # type: ignore[union-attr]
        post(session=session, user_id=uid, kind="topup", amount=Money(5000, "EUR"), idem_key="thrifty-topup-00000001")
    seen = Seen(engine, uid)
    day = END - timedelta(days=30)
    assert run(engine, day).low_balance == 0
    with session_scope(engine) as session:
        post(session=session, user_id=uid, kind="charge", amount=Money(-3500, "EUR"), idem_key="thrifty-charge-0000001")
    assert run(engine, day).low_balance == 1
    kinds, mails = seen.new()
    assert kinds == ["low_balance"]
    assert "Your balance is €15.00, below the €20.00 you set in Settings" in mails[0].body_text
    assert run(engine, day + timedelta(days=1)).low_balance == 0  # still low: no second alert
    with session_scope(engine) as session:
        post(session=session, user_id=uid, kind="topup", amount=Money(1000, "EUR"), idem_key="thrifty-topup-00000002")
    run(engine, day + timedelta(days=2))  # back above: re-armed, the banner resolved
    assert open_banners(engine, uid, "thrifty") == []
    with session_scope(engine) as session:
        post(session=session, user_id=uid, kind="charge", amount=Money(-1000, "EUR"), idem_key="thrifty-charge-0000002")
    assert run(engine, day + timedelta(days=3)).low_balance == 1
    assert seen.new()[0] == ["low_balance"]


def test_paying_a_new_order_emails_the_customer_and_opens_an_acceptance_ticket(engine: Engine) -> None:
    uid, oid = customer(engine, "fresh")
    with session_scope(engine) as session:
        order = session.get(Order, oid)
        assert order is not None
        order.status, order.paid_until = "not_processed", None
        invoice_id = _invoice_for(session, uid, oid)
        post(session=session, user_id=uid, kind="topup", amount=Money(1000, "EUR"), idem_key="fresh-topup-000000001")
    seen = Seen(engine, uid)
    with session_scope(engine) as session:
        pay_invoice(session=session, viewer=viewer(uid, "fresh"), invoice_id=invoice_id, now=at(date(2026, 12, 1)))
    assert status(engine, oid) == ("processing", date(2027, 1, 1))
    kinds, mails = seen.new()
    assert kinds == ["order_accepted"] and mails[0].subject == "Order fresh01 is paid and accepted for processing"
    with session_scope(engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.user_id == uid)).one()
        message = session.exec(select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)).one()
    assert (ticket.subject, ticket.order_id, ticket.status, message.is_staff) == (
        "Order fresh01 accepted",
        oid,
        "answered",
        True,
    )


def _invoice_for(session, uid: int, oid: int) -> int:  # type: ignore[no-untyped-def]
    """The first invoice of a new order (no VAT: the customer is outside the EU)."""
    from decimal import Decimal

    from introserv_app.domain.vat import VatDecision
    from introserv_app.services.billing import Line, issue_invoice

    invoice = issue_invoice(
        session=session,
        user_id=uid,
        lines=[Line("fresh01 — VPS L, 1 mo", Money(1000, "EUR"), order_id=oid, period_months=1)],
        vat=VatDecision(Decimal(0), "", False, ""),
        customer_country="OTHER",
        now=at(date(2026, 11, 30)),
    )
    return invoice.id or 0


def test_a_job_killed_in_the_middle_is_finished_by_the_next_run_without_duplicates(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [customer(engine, f"k{i}") for i in range(5)]
    day = END - timedelta(days=14)  # reminders only (renewal invoices come 7 days before and are mailed at once)
    real_queue = notification_writer._queue
    calls = {"n": 0}

    def dying_queue(session, rows, now):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("killed")  # the process dies while writing the second batch of emails
        return real_queue(session, rows, now)

    monkeypatch.setattr(notification_writer, "_queue", dying_queue)
    monkeypatch.setattr(notification_writer, "DISPATCH_BATCH", 2)
    with pytest.raises(KeyboardInterrupt):
        lifecycle.run(engine=engine, now=at(day), calendar=CAL)
    with session_scope(engine) as session:
        assert session.exec(select(sa.func.count()).select_from(EmailOutbox)).one() == 2  # the first batch only
        assert session.exec(select(sa.func.count()).select_from(JobLock)).one() == 0  # the lock was let go
    monkeypatch.setattr(notification_writer, "_queue", real_queue)
    report = lifecycle.run(engine=engine, now=at(day), calendar=CAL)
    assert report.reminders == 0 and report.emails == 3
    with session_scope(engine) as session:
        mails = session.exec(select(EmailOutbox.user_id)).all()
        reminders = session.exec(select(Notification.user_id).where(Notification.kind == "renewal_reminder")).all()
    assert sorted(mails) == sorted(uid for uid, _ in people) == sorted(reminders)


def test_a_lock_left_by_a_killed_worker_does_not_block_the_next_run(engine: Engine) -> None:
    """PostgreSQL: an advisory lock dies with its connection. SQLite: a lease whose process is gone is
    taken over, a live lease of another host is respected."""
    if engine.dialect.name == "postgresql":
        import zlib

        worker = engine.connect()
        worker.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": zlib.crc32(b"introserv:lifecycle")})
        assert lifecycle.run(engine=engine, now=at(END), calendar=CAL).locked_out
        worker.invalidate()  # the worker is killed: its database connection ends
        worker.close()
        assert not lifecycle.run(engine=engine, now=at(END), calendar=CAL).locked_out
        return
    import socket

    with session_scope(engine) as session:
        session.add(
            JobLock(
                name="lifecycle",
                holder=f"{socket.gethostname()[:30]}:999999999:deadbeef",  # no such process
                expires_at=datetime.now(UTC) + timedelta(minutes=10),
            )
        )
    assert not lifecycle.run(engine=engine, now=at(END), calendar=CAL).locked_out
    with session_scope(engine) as session:
        session.add(
            JobLock(name="lifecycle", holder="otherhost:1:x", expires_at=datetime.now(UTC) + timedelta(minutes=10))
        )
    assert lifecycle.run(engine=engine, now=at(END), calendar=CAL).locked_out


def test_two_workers_never_run_the_job_at_once(engine: Engine) -> None:
    for i in range(3):
        customer(engine, f"w{i}")
    reports: list[lifecycle.RunReport] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        barrier.wait()
        reports.append(lifecycle.run(engine=engine, now=at(END - timedelta(days=14)), calendar=CAL))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.reminders for r in reports) == 3
    with session_scope(engine) as session:
        assert session.exec(select(sa.func.count()).select_from(EmailOutbox)).one() == 3


def test_support_notice_reaches_the_customer_by_banner_and_support_address(engine: Engine) -> None:
    uid, oid = customer(engine, "noticed")
    with session_scope(engine) as session:
        session.get(Profile, uid).email_support = "ops@example.com"  # type: ignore[union-attr]
    staff_id = make_user(engine, "helper", role=Role.SUPPORT)
    staff = Viewer(user_id=staff_id, username="helper", role=Role.SUPPORT, session_id=0, language="en")
    with session_scope(engine) as session:
        messaging.post_notice(
            session=session,
            viewer=staff,
            order_id=oid,
            message="Disk replaced; the server rebooted.",
            severity="warning",
        )
    assert open_banners(engine, uid, "noticed") == [("warning", "Notice about order noticed01")]
    with session_scope(engine) as session:
        mail = session.exec(select(EmailOutbox).where(EmailOutbox.user_id == uid)).one()
    assert mail.to_addr == "ops@example.com" and "Disk replaced" in mail.body_text
    with pytest.raises(ServiceError), session_scope(engine) as session:  # customers cannot post notices
        messaging.post_notice(session=session, viewer=viewer(uid, "noticed"), order_id=oid, message="x")


def test_emails_of_a_run_wait_while_smtp_is_down_and_all_arrive_once_it_is_back(engine: Engine) -> None:
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    from introserv_app.services.messaging import backoff, deliver_due
    from tests.support.smtp import Inbox, free_port, settings

    class RawInbox(Inbox):
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    people = [customer(engine, f"m{i}", lang=("en", "ru")[i % 2]) for i in range(4)]
    port = free_port()
    inbox = RawInbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    server.stop()  # the SMTP server goes down before the run
    now = at(END + timedelta(days=4))
    report = lifecycle.run(engine=engine, now=now, calendar=CAL)
    # overdue without an invoice: the renewal invoice is issued (and mailed) first, then the order suspended
    assert report.renewal_invoices == 4 and report.suspended == 4 and report.emails == 4
    down = deliver_due(engine=engine, smtp=settings(port), now=now)
    assert (down.sent, down.retrying) == (0, 8)
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()  # back up
    try:
        up = deliver_due(engine=engine, smtp=settings(port), now=now + backoff(1))
        again = deliver_due(engine=engine, smtp=settings(port), now=now + timedelta(hours=2))
    finally:
        server.stop()
    assert (up.sent, again.sent) == (8, 0)
    assert sorted(m["To"] for m in inbox.messages) == sorted(
        f"m{i}-billing@example.com" for i in range(4) for _ in "ab"
    )
    subjects = {str(m["Subject"]) for m in inbox.messages}
    assert {
        "Order m001 is suspended for non-payment",
        "Order m201 is suspended for non-payment",
        "Заказ m101 приостановлен за неуплату",
        "Заказ m301 приостановлен за неуплату",
    } < subjects
    invoices = [m for m in inbox.messages if str(m["Subject"]).startswith(("Invoice ", "Счёт "))]
    assert len(invoices) == 4 and len(people) == 4
    for mail in invoices:  # each with its PDF, through a real SMTP server
        (pdf,) = [part for part in mail.iter_attachments()]
        assert pdf.get_content_type() == "application/pdf" and pdf.get_content().startswith(b"%PDF-")
    assert all(m.is_multipart() for m in inbox.messages)  # plain text and HTML


def test_support_delivers_a_processing_order_and_the_customer_is_told(engine: Engine) -> None:
    uid, oid = customer(engine, "setup")
    with session_scope(engine) as session:
        session.get(Order, oid).status = "processing"  # type: ignore[union-attr]
    staff_id = make_user(engine, "tech", role=Role.SUPPORT)
    staff = Viewer(user_id=staff_id, username="tech", role=Role.SUPPORT, session_id=0, language="en")
    seen = Seen(engine, uid)
    for bad_ip in ("", "300.1.1.1", "<script>"):
        with pytest.raises(ServiceError, match="main IP"), session_scope(engine) as session:
            support.deliver_order(session=session, viewer=staff, order_id=oid, main_ip=bad_ip)
    with pytest.raises(ServiceError), session_scope(engine) as session:  # a customer cannot deliver
        support.deliver_order(session=session, viewer=viewer(uid, "setup"), order_id=oid, main_ip="198.51.100.4")
    with session_scope(engine) as session:
        support.deliver_order(session=session, viewer=staff, order_id=oid, main_ip=" 198.51.100.4 ")
    with session_scope(engine) as session:
        order = session.get(Order, oid)
        assert order is not None and (order.status, order.main_ip) == ("processed", "198.51.100.4")
    kinds, mails = seen.new()
    assert kinds == ["order_delivered"] and "Main IP address: 198.51.100.4." in mails[0].body_text
    with pytest.raises(ServiceError, match="cannot go from"), session_scope(engine) as session:
        support.deliver_order(session=session, viewer=staff, order_id=oid, main_ip="198.51.100.5")


def test_dismiss_all_hides_the_viewers_own_banners_but_not_a_suspension_or_anyone_elses(engine: Engine) -> None:
    uid = make_user(engine, "ann")
    other = make_user(engine, "bob")
    with session_scope(engine) as session:
        for kind in ("renewal_reminder", "order_delivered", "order_suspended"):
            messaging.notify(session=session, user_id=uid, kind=kind, params={"order": "ann01"}, email_now=False)
        messaging.notify(session=session, user_id=other, kind="renewal_reminder", params={"order": "bob01"})
    with session_scope(engine) as session:
        assert messaging.dismiss_all(session=session, viewer=viewer(uid, "ann")) == 2
    assert [sev for sev, _ in open_banners(engine, uid, "ann")] == ["critical"]  # the suspension stays
    assert len(open_banners(engine, other, "bob")) == 1


def test_suspension_waits_for_an_unpaid_invoice_and_mails_carry_pay_links_when_allowed(engine: Engine) -> None:
    uid, oid = customer(engine, "linker")
    with session_scope(engine) as session:
        session.get_one(Profile, uid).pay_without_auth = True
    seen = Seen(engine, uid)
    run(engine, END - timedelta(days=7))
    kinds, mails = seen.new()
    assert kinds == ["renewal_invoice", "renewal_reminder"]
    assert all("/pay?t=" in m.body_text for m in mails)  # the pay link, in the invoice mail and the reminder
    with session_scope(engine) as session:  # support cancels the invoice (e.g. the order is being moved)
        invoice = session.exec(select(Invoice).where(Invoice.user_id == uid)).one()
        invoice.status = "cancelled"
    assert run(engine, END + timedelta(days=4)).suspended == 0  # nothing unpaid: nothing to suspend for
    assert status(engine, oid)[0] == "processed"
    # support cancelled that period's bill: it is not issued again, and the order stays as support left it
    assert run(engine, END + timedelta(days=5)).renewal_invoices == 0
    assert status(engine, oid)[0] == "processed"
