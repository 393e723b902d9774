"""YooKassa through its official SDK against a local fake of its API, on SQLite and PostgreSQL: roubles for a
customer in Russia, notifications believed only after the payment is fetched again, refunds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import Payment, Profile
from introserv_app.domain.roles import Role
from introserv_app.services.billing import (
    MSG_NO_PROVIDER,
    MSG_PROVIDER_DOWN,
    offered_providers,
    open_payment,
    receive_notification,
    refund_payment,
    start_checkout,
)
from introserv_app.services.billing._gateways import _make
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from tests.support.billing import ledger
from tests.support.builders import make_user
from tests.support.fake_yookassa import SECRET_KEY, SHOP_ID, FakeYooKassa
from tests.support.payments import events


@pytest.fixture
def yookassa(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeYooKassa]:
    fake = FakeYooKassa()
    monkeypatch.setenv("INTROSERV_DB_URL", db_url)
    monkeypatch.setenv("INTROSERV_PAYMENT_PROVIDERS", "stripe,yookassa,demo")
    monkeypatch.setenv("INTROSERV_STRIPE_SECRET_KEY", "sk_test_unused")
    monkeypatch.setenv("INTROSERV_STRIPE_WEBHOOK_SECRET", "whsec_unused")
    monkeypatch.setenv("INTROSERV_YOOKASSA_SHOP_ID", SHOP_ID)
    monkeypatch.setenv("INTROSERV_YOOKASSA_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("INTROSERV_YOOKASSA_API_BASE", fake.base + "/v3")
    get_settings.cache_clear()
    _make.cache_clear()
    yield fake
    fake.close()
    get_settings.cache_clear()
    _make.cache_clear()


def russian(engine: Engine) -> Viewer:
    uid = make_user(engine, "ivan")
    with session_scope(engine) as session:
        profile = session.get_one(Profile, uid)
        profile.country, profile.currency = "RU", "RUB"
    return Viewer(user_id=uid, username="ivan", role=Role.CUSTOMER, session_id=0, language="ru")


def test_roubles_through_yookassa_booked_only_when_the_api_says_so(engine: Engine, yookassa: FakeYooKassa) -> None:
    ivan = russian(engine)
    with session_scope(engine) as session:
        assert offered_providers(session=session, user_id=ivan.user_id, currency="RUB") == ("yookassa", "demo")
        assert offered_providers(session=session, user_id=ivan.user_id, currency="EUR") == ("demo",)  # no Stripe in RU
        with pytest.raises(ServiceError) as refused:
            open_payment(
                session=session, viewer=ivan, provider="stripe", idem_key="topup-rub-0000000000", amount_minor=150_000
            )
        assert refused.value.message == MSG_NO_PROVIDER
        draft = open_payment(
            session=session,
            viewer=ivan,
            provider="yookassa",
            idem_key="topup-rub-0000000001",
            amount_minor=150_000,
            lang="ru",
        )
    url = start_checkout(draft)
    remote = yookassa.payment_of(draft.payment_id)
    assert url == remote["confirmation"]["confirmation_url"] and remote["amount"] == {
        "value": "1500.00",
        "currency": "RUB",
    }
    assert remote["confirmation"]["return_url"].endswith(f"/payments/{draft.payment_id}")
    # a notification that claims success while the API says "pending": nothing is booked
    claim = yookassa.notification("payment.succeeded", remote["id"], status="succeeded", paid=True)
    assert receive_notification("yookassa", claim, {}) == 200
    assert ledger(engine, ivan.user_id) == []
    yookassa.pay(remote["id"])
    real = yookassa.notification("payment.succeeded", remote["id"])
    assert [receive_notification("yookassa", real, {}) for _ in range(3)] == [200, 200, 200]
    assert ledger(engine, ivan.user_id) == [("topup", 150_000)]
    assert [o for s, o in events(engine, draft.payment_id) if s == "webhook"] == [
        "duplicate",
        "applied",
        "duplicate",
        "duplicate",
    ]
    # a notification about a payment YooKassa does not know: refused, nothing written
    forged = yookassa.notification("payment.succeeded", remote["id"], id="2d0b3b7e-0000-5000-8000-000000000000")
    assert receive_notification("yookassa", forged, {}) == 400
    assert receive_notification("yookassa", b"not json", {}) == 400
    # a refund of part of it, through YooKassa
    desk = Viewer(
        user_id=make_user(engine, "desk", Role.SUPPORT), username="desk", role=Role.SUPPORT, session_id=0, language="en"
    )
    done = refund_payment(
        viewer=desk, payment_id=draft.payment_id, amount_minor=50_000, reason="Asked", idem_key="refund-rub-000000001"
    )
    assert done.state == "succeeded" and yookassa.refunds[0]["amount"] == {"value": "500.00", "currency": "RUB"}
    assert ledger(engine, ivan.user_id) == [("topup", 150_000), ("adjustment", -50_000)]


def test_a_canceled_yookassa_payment_and_wrong_credentials(
    engine: Engine, yookassa: FakeYooKassa, monkeypatch: pytest.MonkeyPatch
) -> None:
    ivan = russian(engine)
    with session_scope(engine) as session:
        draft = open_payment(
            session=session, viewer=ivan, provider="yookassa", idem_key="topup-rub-0000000002", amount_minor=10_000
        )
    start_checkout(draft)
    remote = yookassa.payment_of(draft.payment_id)
    yookassa.cancel(remote["id"])
    assert receive_notification("yookassa", yookassa.notification("payment.canceled", remote["id"]), {}) == 200
    with session_scope(engine) as session:
        assert session.get_one(Payment, draft.payment_id).state == "canceled"
    monkeypatch.setenv("INTROSERV_YOOKASSA_SECRET_KEY", "wrong")
    get_settings.cache_clear()
    _make.cache_clear()
    with session_scope(engine) as session:
        again = open_payment(
            session=session, viewer=ivan, provider="yookassa", idem_key="topup-rub-0000000003", amount_minor=10_000
        )
    with pytest.raises(ServiceError) as down:
        start_checkout(again)
    assert down.value.message == MSG_PROVIDER_DOWN and ledger(engine, ivan.user_id) == []
