"""The VAT treatment of a customer's invoice from their profile, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import Profile
from introserv_app.domain.vat import MSG_OUTSIDE_EU, MSG_REVERSE_CHARGE, VatNumber
from introserv_app.services.billing import check_profile_vat, vat_for_customer
from tests.support.builders import make_user

ON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


class FakeVies:
    def __init__(self, answer: bool | None) -> None:
        self.answer, self.asked = answer, []

    def check(self, vat: VatNumber) -> bool | None:
        self.asked.append(vat.number)
        return self.answer


@pytest.fixture(autouse=True)
def seller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTROSERV_SELLER_COUNTRY", "NL")
    monkeypatch.setenv("INTROSERV_SELLER_VAT_NUMBER", "NL004495445B01")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def customer(engine: Engine, name: str, country: str, company: bool = False, vat: str | None = None) -> int:
    uid = make_user(engine, name)
    with session_scope(engine) as session:
        profile = session.get(Profile, uid)
        assert profile is not None
        profile.country, profile.vat_number = country, vat
        profile.profile_type = "company" if company else "individual"
    return uid


def treatment(engine: Engine, uid: int, answer: bool | None = None):
    with session_scope(engine) as session:
        if answer is not None or session.get(Profile, uid).vat_number:  # type: ignore[union-attr]
            check_profile_vat(session=session, user_id=uid, checker=FakeVies(answer), now=ON)
    with session_scope(engine) as session:
        return vat_for_customer(session=session, user_id=uid, on=ON)


def test_every_case_from_the_profile(engine: Engine) -> None:
    domestic = treatment(engine, customer(engine, "nlco", "NL", company=True, vat="NL004495445B01"), answer=True)
    assert (domestic[0].rate, domestic[0].reverse_charge) == (Decimal("21"), False)
    consumer = treatment(engine, customer(engine, "fiperson", "FI"))
    assert (consumer[0].rate, consumer[0].country) == (Decimal("25.5"), "FI")
    business = treatment(engine, customer(engine, "deco", "DE", company=True, vat="DE136695976"), answer=True)
    assert business[0].reverse_charge and business[0].rate == 0 and business[0].note == MSG_REVERSE_CHARGE
    assert business[1:] == ("DE136695976", "NL004495445B01")  # both numbers go on the invoice
    refused = treatment(engine, customer(engine, "deco2", "DE", company=True, vat="DE136695976"), answer=False)
    assert (refused[0].rate, refused[0].reverse_charge) == (Decimal("19"), False)
    no_answer = treatment(engine, customer(engine, "deco3", "DE", company=True, vat="DE136695976"), answer=None)
    assert (no_answer[0].rate, no_answer[0].reverse_charge) == (Decimal("19"), False)
    wrong_state = treatment(engine, customer(engine, "atco", "AT", company=True, vat="DE136695976"), answer=True)
    assert (wrong_state[0].rate, wrong_state[0].reverse_charge) == (Decimal("20"), False)
    bad_checksum = treatment(engine, customer(engine, "deco4", "DE", company=True, vat="DE136695970"), answer=True)
    assert (bad_checksum[0].rate, bad_checksum[0].reverse_charge) == (Decimal("19"), False)
    for country in ("US", "OTHER"):
        outside = treatment(engine, customer(engine, f"x{country.lower()}", country, company=True))
        assert (outside[0].rate, outside[0].note) == (Decimal("0"), MSG_OUTSIDE_EU)
