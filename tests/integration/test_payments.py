"""Payments through providers, on SQLite and PostgreSQL: the demo hosted checkout and Stripe (the official SDK
against a local fake of its API), webhooks (signatures, duplicates, concurrency, order), reconciliation, a
provider that is down, and money that arrives for an invoice paid another way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from introserv_app.db.session import session_scope
from introserv_app.db.tables import Profile
from introserv_app.db.types import utcnow
from introserv_app.domain.money import Money
from introserv_app.services.billing import (
    MSG_NO_PROVIDER,
    MSG_PROVIDER_DOWN,
    demo_act,
    link_payment_view,
    open_link_payment,
    open_payment,
    pay_invoice,
    pay_link,
    post,
    receive_notification,
    reconcile,
    start_checkout,
)
from introserv_app.services.common.errors import ServiceError
from tests.support.billing import ledger, order, who
from tests.support.concurrency import run_concurrently
from tests.support.fake_stripe import FakeStripe, stripe_signature
from tests.support.payments import (
    checkout,
    deliver,
    events,
    invoice_status,
    payment,
    providers,
    stripe_fake,
    unpaid_invoice,
)

__all__ = ["providers", "stripe_fake"]  # fixtures


def test_an_invoice_paid_through_stripe_is_booked_once_for_20_concurrent_duplicate_webhooks(
    engine: Engine, shop: dict[str, int], stripe_fake: FakeStripe
) -> None:
    invoice_id = unpaid_invoice(engine, shop)
    payment_id, url = checkout(engine, shop, "stripe", invoice_id=invoice_id)
    session_id = stripe_fake.session_of_payment(payment_id)["id"]
    assert url == stripe_fake.sessions[session_id]["url"]
    assert (
        stripe_fake.sessions[session_id]["amount_total"] == 1431
        and stripe_fake.sessions[session_id]["currency"] == "eur"
    )
    row = payment(engine, payment_id)
    assert (row.state, row.provider_ref, row.amount_minor) == ("pending", session_id, 1431)
    assert ledger(engine, shop["user"]) == []  # nothing is booked before the provider confirms

    stripe_fake.pay(session_id)
    body = stripe_fake.event("checkout.session.completed", stripe_fake.sessions[session_id], "evt_same_0001")
    header = stripe_signature(body)
    results = run_concurrently(20, lambda _: receive_notification("stripe", body, {"stripe-signature": header}))
    assert results == [200] * 20
    assert ledger(engine, shop["user"]) == [("topup", 1431), ("charge", -1431)]
    assert invoice_status(engine, invoice_id) == "paid"
    outcomes = [o for s, o in events(engine, payment_id) if s == "webhook"]
    assert sorted(outcomes) == ["applied"] + ["duplicate"] * 19  # every delivery is recorded
    row = payment(engine, payment_id)
    assert row.state == "succeeded" and row.provider_payment_ref == stripe_fake.sessions[session_id]["payment_intent"]
    # an expiry arriving late (out of order) changes nothing
    assert deliver(stripe_fake, "checkout.session.expired", session_id) == 200
    assert payment(engine, payment_id).state == "succeeded"
    assert ledger(engine, shop["user"]) == [("topup", 1431), ("charge", -1431)]


def test_a_bad_or_missing_signature_is_refused_and_nothing_is_written(
    engine: Engine, shop: dict[str, int], stripe_fake: FakeStripe
) -> None:
    payment_id, _ = checkout(engine, shop, "stripe", amount_minor=2500)
    session_id = stripe_fake.session_of_payment(payment_id)["id"]
    stripe_fake.pay(session_id)
    body = stripe_fake.event("checkout.session.completed", stripe_fake.sessions[session_id])
    before = events(engine, payment_id)
    assert receive_notification("stripe", body, {}) == 400
    assert receive_notification("stripe", body, {"stripe-signature": stripe_signature(body, "whsec_wrong")}) == 400
    stale = stripe_signature(body, at=int(utcnow().timestamp()) - 3600)
    assert receive_notification("stripe", body, {"stripe-signature": stale}) == 400
    tampered = body.replace(b'"amount_total": 2500', b'"amount_total": 1')
    assert receive_notification("stripe", tampered, {"stripe-signature": stripe_signature(body)}) == 400
    assert events(engine, payment_id) == before and ledger(engine, shop["user"]) == []
    assert receive_notification("paypal", body, {}) == 404
    # an event type the panel does not act on is acknowledged and recorded
    other = stripe_fake.event("customer.created", {"id": "cus_1", "object": "customer"})
    assert receive_notification("stripe", other, {"stripe-signature": stripe_signature(other)}) == 200
    assert events(engine, None) == [("webhook", "ignored")]


def test_a_lost_webhook_is_settled_by_reconciliation_and_an_abandoned_checkout_expires(
    engine: Engine, shop: dict[str, int], stripe_fake: FakeStripe
) -> None:
    paid_id, _ = checkout(engine, shop, "stripe", amount_minor=2500)
    with session_scope(engine) as session:
        draft = open_payment(
            session=session, viewer=who(shop), provider="stripe", idem_key="pay-000000000000002", amount_minor=900
        )
    left_id = draft.payment_id
    start_checkout(draft)
    stripe_fake.pay(stripe_fake.session_of_payment(paid_id)["id"])  # ... and its webhook never arrives
    assert reconcile(now=utcnow()).asked == 0  # too young to ask about
    report = reconcile(now=utcnow() + timedelta(minutes=10))
    assert (report.asked == 2 and report.outcomes == {"applied": 1, "duplicate": 1}) or report.outcomes.get(
        "applied"
    ) == 1
    assert payment(engine, paid_id).state == "succeeded" and payment(engine, left_id).state == "pending"
    assert ledger(engine, shop["user"]) == [("topup", 2500)]
    stripe_fake.expire(stripe_fake.session_of_payment(left_id)["id"])
    reconcile(now=utcnow() + timedelta(minutes=20))
    assert payment(engine, left_id).state == "expired"
    assert ("reconcile", "applied") in events(engine, paid_id) and ("reconcile", "state") in events(engine, left_id)
    # a reconciliation that races the webhook books nothing twice
    assert deliver(stripe_fake, "checkout.session.completed", stripe_fake.session_of_payment(paid_id)["id"]) == 200
    assert ledger(engine, shop["user"]) == [("topup", 2500)]


def test_a_provider_that_is_down_charges_nothing_and_says_so(
    engine: Engine, shop: dict[str, int], stripe_fake: FakeStripe
) -> None:
    stripe_fake.down = True
    with session_scope(engine) as session:
        draft = open_payment(
            session=session, viewer=who(shop), provider="stripe", idem_key="pay-000000000000003", amount_minor=2500
        )
    with pytest.raises(ServiceError) as refused:
        start_checkout(draft)
    assert refused.value.message == MSG_PROVIDER_DOWN
    row = payment(engine, draft.payment_id)
    assert row.state == "failed" and row.provider_ref is None and ledger(engine, shop["user"]) == []
    with session_scope(engine) as session, pytest.raises(ServiceError) as wrong:  # not offered: refused
        open_payment(
            session=session, viewer=who(shop), provider="yookassa", idem_key="pay-000000000000004", amount_minor=2500
        )
    assert wrong.value.message == MSG_NO_PROVIDER


def test_wrong_amount_and_unknown_payment_are_refused_recorded_and_mailed_to_support(
    engine: Engine, shop: dict[str, int], stripe_fake: FakeStripe
) -> None:
    payment_id, _ = checkout(engine, shop, "stripe", amount_minor=2500)
    session_id = stripe_fake.session_of_payment(payment_id)["id"]
    stripe_fake.pay(session_id)
    stripe_fake.sessions[session_id]["amount_total"] = 250  # the provider reports another amount
    assert deliver(stripe_fake, "checkout.session.completed", session_id) == 200
    stray = dict(stripe_fake.sessions[session_id], id="cs_test_unknown", metadata={}, client_reference_id=None)
    stripe_fake.sessions["cs_test_unknown"] = stray
    assert deliver(stripe_fake, "checkout.session.completed", "cs_test_unknown") == 200
    assert payment(engine, payment_id).state == "pending" and ledger(engine, shop["user"]) == []
    assert events(engine, payment_id)[-1] == ("webhook", "refused") and events(engine, None) == [("webhook", "refused")]
    with engine.connect() as conn:
        subjects = conn.execute(sa.text("SELECT subject FROM email_outbox ORDER BY id")).scalars().all()
        audited = conn.execute(sa.text("SELECT count(*) FROM audit_events WHERE action = 'payment.refused'")).scalar()
    assert len([s for s in subjects if s.startswith("Payment needs attention")]) == 2 and audited == 2


def test_money_for_an_invoice_paid_another_way_stays_on_the_balance(engine: Engine, shop: dict[str, int]) -> None:
    invoice_id = unpaid_invoice(engine, shop)
    payment_id, url = checkout(engine, shop, "demo", invoice_id=invoice_id)
    assert "/checkout/demo/demo_" in url
    with session_scope(engine) as session:  # meanwhile the customer pays it from the balance
        post(
            session=session,
            user_id=shop["user"],
            kind="topup",
            amount=Money(5000, "EUR"),
            idem_key="seed-topup-0000001",
        )
    with session_scope(engine) as session:
        pay_invoice(session=session, viewer=who(shop), invoice_id=invoice_id)
    ref = payment(engine, payment_id).provider_ref
    delivered: list[int] = []
    back = demo_act(
        ref or "", "pay", lambda body, headers: delivered.append(receive_notification("demo", body, headers))
    )
    assert delivered == [200] and back is not None and back.endswith(f"/payments/{payment_id}")
    assert payment(engine, payment_id).state == "succeeded"
    assert ledger(engine, shop["user"]) == [("topup", 5000), ("charge", -1431), ("topup", 1431)]
    assert demo_act(ref or "", "decline", lambda b, h: delivered.append(0)) is not None  # the page acts once
    assert payment(engine, payment_id).state == "succeeded"


def test_one_dialog_submitted_from_two_tabs_makes_one_payment_and_odd_amounts_are_refused(
    engine: Engine, shop: dict[str, int]
) -> None:
    def attempt(_: int) -> int:
        with session_scope(engine) as session:
            draft = open_payment(
                session=session, viewer=who(shop), provider="demo", idem_key="topup-dialog-7-qwe00", amount_minor=2500
            )
        return draft.payment_id

    results = run_concurrently(24, attempt)
    assert len(set(results)) == 1 and isinstance(results[0], int), results
    urls = {start_checkout_again(engine, shop) for _ in range(3)}
    assert len(urls) == 1  # one checkout at the provider, however often it is asked for
    for bad in (0, 99, 1_000_001, -500, True):
        with session_scope(engine) as session, pytest.raises(ServiceError):
            open_payment(
                session=session, viewer=who(shop), provider="demo", idem_key="topup-bad-0000000001", amount_minor=bad
            )  # type: ignore[arg-type]
    assert ledger(engine, shop["user"]) == []


def start_checkout_again(engine: Engine, shop: dict[str, int]) -> str:
    with session_scope(engine) as session:
        draft = open_payment(
            session=session, viewer=who(shop), provider="demo", idem_key="topup-dialog-7-qwe00", amount_minor=2500
        )
    return start_checkout(draft)


def test_paying_through_a_link_and_the_demo_checkout_renews_the_order(engine: Engine, shop: dict[str, int]) -> None:
    invoice_id = unpaid_invoice(engine, shop)
    with session_scope(engine) as session:
        session.get(Profile, shop["user"]).pay_without_auth = True  # type: ignore[union-attr]
    with session_scope(engine) as session:
        token = pay_link(session=session, viewer=who(shop), invoice_id=invoice_id).url.split("?t=")[1]
    before = order(engine, shop["active"]).paid_until
    with session_scope(engine) as session:
        draft = open_link_payment(
            session=session, token=token, provider="demo", idem_key="paylink-page-0000000001", ip="198.51.100.7"
        )
    url = start_checkout(draft)
    ref = url.split("/checkout/demo/")[1].split("?")[0]
    back = demo_act(ref, "pay", lambda body, headers: receive_notification("demo", body, headers))
    assert back is not None and f"/pay?t={token}&payment={draft.payment_id}" in back
    assert invoice_status(engine, invoice_id) == "paid"
    assert ledger(engine, shop["user"]) == [("topup", 1431), ("charge", -1431)]
    assert order(engine, shop["active"]).paid_until == date(before.year, before.month + 3, before.day)  # type: ignore[union-attr]
    with session_scope(engine) as session:
        view = link_payment_view(session=session, token=token, payment_id=draft.payment_id, ip="198.51.100.7")
        assert (view.state, view.invoice_status) == ("succeeded", "paid")
        with pytest.raises(ServiceError):  # the link shows only its own invoice's payments
            link_payment_view(session=session, token=token, payment_id=draft.payment_id + 1, ip="198.51.100.7")
