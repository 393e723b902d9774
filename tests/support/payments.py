"""Payments in the tests: the providers on (demo, and Stripe on its local fake), the services' own database set
to the test database, and helpers to check out, deliver Stripe's webhooks and read payments back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import Invoice, Payment
from introserv_app.services.billing import open_payment, receive_notification, renew, start_checkout
from introserv_app.services.billing._gateways import _make
from tests.support.billing import NOW, who
from tests.support.fake_stripe import API_KEY, WEBHOOK_SECRET, FakeStripe, stripe_signature


@pytest.fixture
def stripe_fake() -> Iterator[FakeStripe]:
    fake = FakeStripe()
    yield fake
    fake.close()


@pytest.fixture(autouse=True)
def providers(engine: Engine, db_url: str, stripe_fake: FakeStripe, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The services' own database is the test database; demo and Stripe (the fake) are on."""
    monkeypatch.setenv("INTROSERV_DB_URL", db_url)
    monkeypatch.setenv("INTROSERV_PAYMENT_PROVIDERS", "stripe,demo")
    monkeypatch.setenv("INTROSERV_STRIPE_SECRET_KEY", API_KEY)
    monkeypatch.setenv("INTROSERV_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setenv("INTROSERV_STRIPE_API_BASE", stripe_fake.base)
    monkeypatch.setenv("INTROSERV_VIES", "off")
    get_settings.cache_clear()
    _make.cache_clear()
    yield
    get_settings.cache_clear()
    _make.cache_clear()


def unpaid_invoice(engine: Engine, shop: dict[str, int], key: str = "renew-dialog-000000001") -> int:
    with session_scope(engine) as session:
        result = renew(session=session, viewer=who(shop), items=[(shop["active"], 3)], idem_key=key, now=NOW)
    assert not result.paid
    return result.invoice_id


def checkout(engine: Engine, shop: dict[str, int], provider: str, **what: object) -> tuple[int, str]:
    with session_scope(engine) as session:
        draft = open_payment(
            session=session, viewer=who(shop), provider=provider, idem_key="pay-000000000000001", **what
        )  # type: ignore[arg-type]
    return draft.payment_id, start_checkout(draft)


def payment(engine: Engine, payment_id: int) -> Payment:
    with session_scope(engine) as session:
        row = session.get(Payment, payment_id)
        assert row is not None
        session.expunge(row)
        return row


def events(engine: Engine, payment_id: int | None = None) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT source, outcome FROM payment_events WHERE payment_id IS NOT DISTINCT FROM :p ORDER BY id")
            if engine.dialect.name == "postgresql"
            else sa.text("SELECT source, outcome FROM payment_events WHERE payment_id IS :p ORDER BY id"),
            {"p": payment_id},
        )
        return [(r[0], r[1]) for r in rows]


def deliver(fake: FakeStripe, event_type: str, session_id: str, event_id: str | None = None) -> int:
    body = fake.event(event_type, fake.sessions[session_id], event_id)
    return receive_notification("stripe", body, {"stripe-signature": stripe_signature(body)})


def invoice_status(engine: Engine, invoice_id: int) -> str:
    with session_scope(engine) as session:
        return session.get(Invoice, invoice_id).status  # type: ignore[union-attr]
