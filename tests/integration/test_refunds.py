"""Refunds by staff through the payment's provider (Stripe's SDK against the local fake, and the demo provider),
credit notes with their VAT reversed and their own number series, on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from introserv_app.db.session import session_scope
from introserv_app.db.tables import CreditNote, Payment
from introserv_app.domain.money import Money
from introserv_app.domain.roles import Role
from introserv_app.services.billing import (
    MSG_REFUND_BALANCE,
    MSG_REFUND_FAILED,
    MSG_REFUND_REASON,
    MSG_REFUND_TOO_MUCH,
    credit_note_document,
    issue_credit_note,
    receive_notification,
    refund_payment,
    render_invoice_pdf,
)
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from tests.support.billing import ledger, who
from tests.support.builders import make_user
from tests.support.concurrency import run_concurrently
from tests.support.fake_stripe import FakeStripe
from tests.support.payments import checkout, deliver, invoice_status, providers, stripe_fake, unpaid_invoice

__all__ = ["providers", "stripe_fake"]


def staff(engine: Engine) -> Viewer:
    uid = make_user(engine, "helpdesk", Role.SUPPORT)
    return Viewer(user_id=uid, username="helpdesk", role=Role.SUPPORT, session_id=0, language="en")


def paid_by_stripe(engine: Engine, shop: dict[str, int], fake: FakeStripe) -> tuple[int, int]:
    invoice_id = unpaid_invoice(engine, shop)
    payment_id, _ = checkout(engine, shop, "stripe", invoice_id=invoice_id)
    session_id = fake.session_of_payment(payment_id)["id"]
    fake.pay(session_id)
    assert deliver(fake, "checkout.session.completed", session_id) == 200
    assert invoice_status(engine, invoice_id) == "paid"
    return invoice_id, payment_id


def notes(engine: Engine) -> list[tuple[str, int, int, int]]:
    with session_scope(engine) as session:
        rows = session.exec(sa.select(CreditNote).order_by(CreditNote.id)).scalars().all()  # type: ignore[call-overload]
        return [(n.number, n.net_minor, n.vat_minor, n.gross_minor) for n in rows]


def test_a_part_then_the_rest_refunded_through_stripe_with_credit_notes_reversing_the_vat(
    engine: Engine, shop: dict[str, int], stripe_fake: FakeStripe
) -> None:
    _, payment_id = paid_by_stripe(engine, shop, stripe_fake)  # 11.40 + 25.5 % VAT 2.91 = 14.31
    desk = staff(engine)
    part = refund_payment(
        viewer=desk, payment_id=payment_id, amount_minor=500, reason="Outage on 1 Dec", idem_key="refund-dialog-0000001"
    )
    assert part.state == "succeeded" and part.provider_ref.startswith("re_")
    assert [r["amount"] for r in stripe_fake.refunds] == [500]
    again = refund_payment(
        viewer=desk, payment_id=payment_id, amount_minor=500, reason="Outage on 1 Dec", idem_key="refund-dialog-0000001"
    )
    assert again.id == part.id and len(stripe_fake.refunds) == 1  # the same click twice: one refund
    with pytest.raises(ServiceError) as too_much:
        refund_payment(
            viewer=desk, payment_id=payment_id, amount_minor=932, reason="x", idem_key="refund-dialog-0000002"
        )
    assert too_much.value.message == MSG_REFUND_TOO_MUCH and too_much.value.values["amount"] == Money(931, "EUR")
    with pytest.raises(ServiceError) as no_reason:
        refund_payment(
            viewer=desk, payment_id=payment_id, amount_minor=100, reason="  ", idem_key="refund-dialog-0000003"
        )
    assert no_reason.value.message == MSG_REFUND_REASON
    rest = refund_payment(
        viewer=desk, payment_id=payment_id, amount_minor=931, reason="Cancelled", idem_key="refund-dialog-0000004"
    )
    assert rest.state == "succeeded"
    year = notes(engine)[0][0][3:7]
    # 5.00 holds 1.02 of VAT at 25.5 %; the note that completes the invoice reverses the rest of its 2.91
    assert notes(engine) == [(f"CN-{year}-000001", 398, 102, 500), (f"CN-{year}-000002", 742, 189, 931)]
    assert ledger(engine, shop["user"]) == [
        ("topup", 1431), ("charge", -1431), ("refund", 500), ("adjustment", -500),
        ("refund", 931), ("adjustment", -931),
    ]  # fmt: skip
    with session_scope(engine) as session:
        assert session.get_one(Payment, payment_id).refunded_minor == 1431
        doc = credit_note_document(session=session, viewer=who(shop), credit_note_id=rest.credit_note_id, lang="ru")
        with pytest.raises(ServiceError):  # another customer's credit note is not shown
            other = Viewer(user_id=shop["other"], username="other", role=Role.CUSTOMER, session_id=0, language="en")
            credit_note_document(session=session, viewer=other, credit_note_id=rest.credit_note_id, lang="en")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render_invoice_pdf(doc))).pages)
    assert "Кредит-нота" in text and f"CN-{year}-000002" in text and "-9,31" in text and "-1,89" in text
    # the customer may not refund
    with pytest.raises(ServiceError):
        refund_payment(
            viewer=who(shop), payment_id=payment_id, amount_minor=1, reason="me", idem_key="refund-dialog-0000005"
        )
    # Stripe's refund notification is recorded and changes nothing
    body = stripe_fake.event(
        "charge.refunded",
        {
            "id": "ch_1",
            "object": "charge",
            "payment_intent": stripe_fake.session_of_payment(payment_id)["payment_intent"],
            "amount": 1431,
            "amount_refunded": 1431,
            "currency": "eur",
        },
    )
    from tests.support.fake_stripe import stripe_signature

    assert receive_notification("stripe", body, {"stripe-signature": stripe_signature(body)}) == 200
    assert len(ledger(engine, shop["user"])) == 6


def test_a_refused_refund_books_nothing_and_a_top_up_refund_needs_the_balance(
    engine: Engine, shop: dict[str, int], stripe_fake: FakeStripe
) -> None:
    payment_id, _ = checkout(engine, shop, "stripe", amount_minor=2000)
    session_id = stripe_fake.session_of_payment(payment_id)["id"]
    stripe_fake.pay(session_id)
    deliver(stripe_fake, "checkout.session.completed", session_id)
    desk = staff(engine)
    stripe_fake.down = True
    with pytest.raises(ServiceError) as failed:
        refund_payment(
            viewer=desk, payment_id=payment_id, amount_minor=500, reason="Asked", idem_key="refund-dialog-0000011"
        )
    assert failed.value.message == MSG_REFUND_FAILED and ledger(engine, shop["user"]) == [("topup", 2000)]
    stripe_fake.down = False
    with session_scope(engine) as session:  # the customer spends 18.00 of it
        from introserv_app.services.billing import post

        post(
            session=session,
            user_id=shop["user"],
            kind="charge",
            amount=Money(-1800, "EUR"),
            idem_key="spend-0000000000001",
        )
    with pytest.raises(ServiceError) as held:
        refund_payment(
            viewer=desk, payment_id=payment_id, amount_minor=500, reason="Asked", idem_key="refund-dialog-0000012"
        )
    assert held.value.message == MSG_REFUND_BALANCE and held.value.values["amount"] == Money(200, "EUR")
    done = refund_payment(
        viewer=desk, payment_id=payment_id, amount_minor=200, reason="Asked", idem_key="refund-dialog-0000013"
    )
    assert done.credit_note_id is None and notes(engine) == []  # a top-up has no invoice to credit
    assert ledger(engine, shop["user"]) == [("topup", 2000), ("charge", -1800), ("adjustment", -200)]


def test_credit_note_numbers_stay_continuous_under_concurrency(engine: Engine, shop: dict[str, int]) -> None:
    invoice_id = unpaid_invoice(engine, shop)

    def attempt(i: int) -> str:
        with session_scope(engine) as session:
            from introserv_app.db.tables import Invoice

            invoice = session.get_one(Invoice, invoice_id)
            return issue_credit_note(
                session=session, invoice=invoice, gross=Money(10 + i, "EUR"), reason=f"r{i}"
            ).number

    results = run_concurrently(20, attempt)
    assert not [r for r in results if isinstance(r, Exception)], results
    seqs = sorted(int(str(n).rsplit("-", 1)[1]) for n in results)
    assert seqs == list(range(1, 21))


def test_the_credit_note_pdf_route_serves_its_owner(
    engine: Engine, shop: dict[str, int], stripe_fake: FakeStripe, client: TestClient
) -> None:
    _, payment_id = paid_by_stripe(engine, shop, stripe_fake)
    refund = refund_payment(
        viewer=staff(engine),
        payment_id=payment_id,
        amount_minor=1431,
        reason="Goodwill",
        idem_key="refund-dialog-0000021",
    )
    assert client.get(f"/credit-notes/{refund.credit_note_id}.pdf", follow_redirects=False).status_code == 303


def test_cancel_immediately_credits_the_unused_days_to_the_cent_when_the_seller_enables_it(
    engine: Engine, shop: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, date, datetime

    from introserv_app.config import get_settings
    from introserv_app.services.billing import credit_unused, renew
    from introserv_app.services.orders import cancel_order
    from tests.support.billing import order

    with session_scope(engine) as session:  # 3 months of VPS S (11.40 + 25.5 % VAT = 14.31) from Jan 10
        from introserv_app.services.billing import post

        post(
            session=session,
            user_id=shop["user"],
            kind="topup",
            amount=Money(5000, "EUR"),
            idem_key="unused-funds-000001",
        )
        done = renew(session=session, viewer=who(shop), items=[(shop["active"], 3)], idem_key="unused-renew-00000001")
    assert done.paid and order(engine, shop["active"]).paid_until == date(2027, 4, 10)
    when = datetime(2027, 2, 28, 9, 0, tzinfo=UTC)  # 41 of the 90 days (Jan 10 - Apr 10) are left
    monkeypatch.setenv("INTROSERV_REFUND_UNUSED", "false")
    get_settings.cache_clear()
    with session_scope(engine) as session:
        assert credit_unused(session=session, viewer=who(shop), order_id=shop["active"], now=when) is None  # off
    monkeypatch.setenv("INTROSERV_REFUND_UNUSED", "true")
    get_settings.cache_clear()
    with session_scope(engine) as session:
        cancel_order(session=session, viewer=who(shop), order_id=shop["active"], mode="immediate", now=when)
        credited = credit_unused(session=session, viewer=who(shop), order_id=shop["active"], now=when)
    assert credited == Money(652, "EUR")  # 14.31 * 41 / 90 = 6.519
    assert notes(engine)[-1][1:] == (520, 132, 652)  # VAT 25.5 % reversed: 6.52 holds 1.32
    with session_scope(engine) as session:  # a second call (a retried click) credits nothing more
        assert credit_unused(session=session, viewer=who(shop), order_id=shop["active"], now=when) == Money(652, "EUR")
    assert ledger(engine, shop["user"])[-1] == ("refund", 652) and len(notes(engine)) == 1
