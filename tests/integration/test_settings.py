"""The Settings page's services, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import EmailOutbox, Invoice, Profile, User
from introserv_app.domain.money import Money
from introserv_app.domain.roles import Role
from introserv_app.services import accounts
from introserv_app.services import support as console
from introserv_app.services.accounts import authenticate, resolve_session
from introserv_app.services.billing import MSG_PROFILE_INCOMPLETE, PaymentBlocked, open_payment, post
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from tests.support.builders import PASSWORD, exchange, make_user

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_vies(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """VAT numbers are checked for format only here: tests never reach the internet. Payments go to the demo
    provider."""
    monkeypatch.setenv("INTROSERV_VIES", "format")
    monkeypatch.setenv("INTROSERV_PAYMENT_PROVIDERS", "demo")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def viewer(uid: int, name: str = "alice", session_id: int = 0) -> Viewer:
    return Viewer(user_id=uid, username=name, role=Role.CUSTOMER, session_id=session_id, language="en")


def form(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "profile_type": "individual",
        "company_name": "",
        "company_reg_number": "",
        "vat_number": "",
        "last_name": "Virtanen",
        "first_name": "Aino",
        "phone": "+358 40 1234567",
        "region": "",
        "city": "Helsinki",
        "address": "Mannerheimintie 1",
        "postal_code": "00100",
        "newsletter": "on",
        "low_balance_threshold": "10.50",
        "email_invoices": "billing@Example.com",
        "email_support": "",
        "email_complaints": "",
        "auto_renew": "1",
        "currency": "EUR",
        "pay_without_auth": "",
        "language": "en",
        "display_last_ip": "on",
        "ip_restrictions": "",
    }
    return {**base, **changes}


def profile(engine: Engine, uid: int) -> Profile:
    with session_scope(engine) as session:
        p = session.get(Profile, uid)
        assert p is not None
        session.expunge(p)
        return p


def save(engine: Engine, uid: int, data: dict[str, object], ip: str = "203.0.113.5", confirm: bool = False):
    with session_scope(engine) as session:
        return accounts.save_settings(
            session=session, viewer=viewer(uid), form=data, ip=ip, confirm_ip_lockout=confirm, now=NOW
        )


def test_a_valid_form_is_stored_in_normal_form_and_audited(engine: Engine) -> None:
    uid = make_user(engine, "alice")
    outcome = save(engine, uid, form())
    assert "phone" in outcome.changed and "city" in outcome.changed
    p = profile(engine, uid)
    assert (p.phone, p.city, p.postal_code) == ("+358401234567", "Helsinki", "00100")
    assert p.email_invoices == "billing@example.com" and p.email_support is None
    assert (p.newsletter, p.auto_renew, p.pay_without_auth, p.display_last_ip) == (True, True, False, True)
    assert p.low_balance_threshold_minor == 1050 and p.phone_verified_at is None
    with engine.connect() as conn:
        details = conn.execute(
            sa.text("SELECT details FROM audit_events WHERE action = 'settings.update' AND subject_user_id = :u"),
            {"u": uid},
        ).scalar_one()
    assert "Helsinki" in str(details) and "Berlin" in str(details)  # old and new value
    assert save(engine, uid, form()).changed == []  # the same form again changes nothing


def test_every_bad_field_gets_its_message_and_nothing_is_saved(engine: Engine) -> None:
    uid = make_user(engine, "alice")
    bad = form(
        last_name="",
        first_name="x" * 101,
        phone="12",
        city="Hel\x00sinki",
        postal_code="<script>",
        email_invoices="not an email",
        low_balance_threshold="-1",
        currency="XYZ",
        language="de",
        profile_type="company",
        vat_number="123",
        ip_restrictions="10.0.0.300\n::g\n10.0.0.9-10.0.0.1\n192.168.0.0/24",
    )
    with pytest.raises(accounts.SettingsInvalid) as refused:
        save(engine, uid, bad)
    errors = refused.value.errors
    assert set(errors) >= {
        "last_name",
        "first_name",
        "phone",
        "city",
        "postal_code",
        "email_invoices",
        "low_balance_threshold",
        "currency",
        "language",
        "company_name",
        "vat_number",
        "ip_restrictions",
    }
    assert [(e.message, e.values.get("line")) for e in errors["ip_restrictions"].items] == [
        (rules_line, 1),
        (rules_line, 2),
        ("Line {line}: the range goes backwards or mixes IPv4 and IPv6.", 3),
    ]
    assert profile(engine, uid).city == "Berlin"  # nothing half-saved


rules_line = "Line {line}: “{text}” is not an IP address, a network (CIDR) or a range a-b."


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(
        [
            "last_name",
            "first_name",
            "region",
            "city",
            "address",
            "company_name",
            "phone",
            "postal_code",
            "email_invoices",
            "low_balance_threshold",
            "ip_restrictions",
        ]
    ),
    value=st.one_of(
        st.text(max_size=300),
        st.sampled_from(["<b>x</b>", "'; DROP TABLE users; --", "ａｂｃ", "Ж" * 5000, "\u202e", "a\nb", "x@пример.рф"]),
        st.just("y" * 1_000_000),
    ),
)
def test_hostile_text_gets_a_message_or_is_stored_exactly(engine: Engine, field: str, value: str) -> None:
    with session_scope(engine) as session:
        uid = session.exec(sa.select(User.id).where(User.username == "fuzz")).scalar()  # type: ignore[call-overload]
    uid = uid or make_user(engine, "fuzz")
    before = profile(engine, uid)
    try:
        save(engine, uid, form(**{field: value}), ip="203.0.113.5", confirm=True)
    except accounts.SettingsInvalid as exc:
        assert set(exc.errors) == {field} and all(e.message for e in exc.errors[field].items)
        after = profile(engine, uid)
        assert (after.city, after.last_name, after.phone) == (before.city, before.last_name, before.phone)
        return
    stored = getattr(profile(engine, uid), "low_balance_threshold_minor" if field == "low_balance_threshold" else field)
    if field in ("last_name", "first_name", "region", "city", "address", "company_name", "postal_code"):
        assert (stored or "") == value.strip()
    elif field == "ip_restrictions":
        assert stored == "\n".join(line.strip() for line in value.split("\n") if line.strip())
    else:
        assert stored is not None or value.strip() == ""


def test_ip_restrictions_need_the_password_warn_before_a_lockout_and_are_enforced(engine: Engine) -> None:
    uid = make_user(engine, "alice")
    with pytest.raises(accounts.SettingsInvalid) as no_password:
        save(engine, uid, form(ip_restrictions="10.0.0.0/8"))
    assert set(no_password.value.errors) == {"current_password"}
    with pytest.raises(accounts.SettingsInvalid) as wrong:
        save(engine, uid, form(ip_restrictions="10.0.0.0/8", current_password="nope"))
    assert wrong.value.errors["current_password"].message == accounts.MSG_WRONG_PASSWORD
    warned = save(engine, uid, form(ip_restrictions="10.0.0.0/8", current_password=PASSWORD), ip="203.0.113.5")
    assert warned.confirm_ip_lockout and profile(engine, uid).ip_restrictions == ""
    fine = save(engine, uid, form(ip_restrictions="203.0.113.0/24\n10.0.0.1-10.0.0.9", current_password=PASSWORD))
    assert not fine.confirm_ip_lockout and profile(engine, uid).ip_restrictions == "203.0.113.0/24\n10.0.0.1-10.0.0.9"
    with session_scope(engine) as session:
        assert authenticate(session=session, username="alice", password=PASSWORD, ip="198.51.100.1").ok is False
        outcome = authenticate(session=session, username="alice", password=PASSWORD, ip="10.0.0.5")
        assert outcome.ok and outcome.ticket
    with session_scope(engine) as session:
        token = exchange(session, outcome, ip="10.0.0.5")
    with session_scope(engine) as session:
        assert resolve_session(session=session, token=token, ip="10.0.0.5") is not None
        assert resolve_session(session=session, token=token, ip="192.0.2.1") is None  # every event checks
    support = make_user(engine, "helpdesk", Role.SUPPORT)
    with session_scope(engine) as session:
        console.clear_ip_restrictions(
            session=session,
            viewer=Viewer(user_id=support, username="helpdesk", role=Role.SUPPORT, session_id=0, language="en"),
            user_id=uid,
        )
    with session_scope(engine) as session:
        assert resolve_session(session=session, token=token, ip="192.0.2.1") is not None
        with pytest.raises(ServiceError):  # a customer cannot clear anyone's list
            console.clear_ip_restrictions(session=session, viewer=viewer(uid), user_id=support)


def _login(engine: Engine, name: str, password: str = PASSWORD) -> tuple[str, Viewer]:
    with session_scope(engine) as session:
        outcome = authenticate(session=session, username=name, password=password, ip="127.0.0.1")
    with session_scope(engine) as session:
        token = exchange(session, outcome)
    with session_scope(engine) as session:
        who = resolve_session(session=session, token=token)
    assert token and who
    return token, who


def test_a_password_change_checks_the_rules_and_ends_the_other_sessions(engine: Engine) -> None:
    make_user(engine, "alice")
    token_a, here = _login(engine, "alice")
    token_b, _ = _login(engine, "alice")
    for new, confirm, message in (
        ("short", "short", "Use 12 to 128 characters."),
        ("correct-horse-battery-staple", "other-horse-battery-staple", "The two new passwords differ."),
        ("QwertY123456", "QwertY123456", "This password is among the most common ones; choose another."),
        ("x" * 129, "x" * 129, "Use 12 to 128 characters."),
    ):
        with session_scope(engine) as session, pytest.raises(accounts.SettingsInvalid) as bad:
            accounts.change_password(session=session, viewer=here, current=PASSWORD, new=new, confirm=confirm)
        assert bad.value.errors["new_password"].message == message
    with session_scope(engine) as session, pytest.raises(accounts.SettingsInvalid):
        accounts.change_password(
            session=session, viewer=here, current="wrong", new="a-new-long-passphrase", confirm="a-new-long-passphrase"
        )
    with session_scope(engine) as session:
        ended = accounts.change_password(
            session=session, viewer=here, current=PASSWORD, new="a-new-long-passphrase", confirm="a-new-long-passphrase"
        )
    assert ended == 1
    with session_scope(engine) as session:
        assert resolve_session(session=session, token=token_a) is not None  # this session stays
        assert resolve_session(session=session, token=token_b) is None  # the other one ended
        assert authenticate(session=session, username="alice", password="a-new-long-passphrase", ip="127.0.0.1").ok


def test_the_code_word_is_set_once_and_the_call_password_can_be_replaced(engine: Engine) -> None:
    uid = make_user(engine, "alice")
    with session_scope(engine) as session, pytest.raises(accounts.SettingsInvalid):
        accounts.set_code_word(session=session, viewer=viewer(uid), word="abc", password=PASSWORD)
    with session_scope(engine) as session:
        accounts.set_code_word(session=session, viewer=viewer(uid), word="blue pelican", password=PASSWORD)
    with session_scope(engine) as session, pytest.raises(ServiceError) as again:
        accounts.set_code_word(session=session, viewer=viewer(uid), word="red pelican", password=PASSWORD)
    assert again.value.message == accounts.MSG_CODE_WORD_SET
    with session_scope(engine) as session, pytest.raises(accounts.SettingsInvalid):  # the account password first
        accounts.set_call_password(session=session, viewer=viewer(uid), word="first word", password="wrong")
    for word in ("first word", "second word"):
        with session_scope(engine) as session:
            accounts.set_call_password(session=session, viewer=viewer(uid), word=word, password=PASSWORD)
    p = profile(engine, uid)
    assert p.code_word_hash and "pelican" not in p.code_word_hash and p.call_password_hash
    with session_scope(engine) as session, pytest.raises(ServiceError):
        console.reset_code_word(session=session, viewer=viewer(uid), user_id=uid)  # not by the customer
    with session_scope(engine) as session:
        console.reset_code_word(session=session, viewer=None, user_id=uid)  # the CLI, after an identity check
        accounts.set_code_word(session=session, viewer=viewer(uid), word="green pelican", password=PASSWORD)
    with session_scope(engine) as session:
        view = accounts.settings_view(session=session, viewer=viewer(uid))
    assert view.code_word_set and view.call_password_set


def test_changing_the_email_needs_a_confirmation_link_once(engine: Engine) -> None:
    uid = make_user(engine, "alice", email="alice@example.com")
    with session_scope(engine) as session, pytest.raises(accounts.SettingsInvalid):
        accounts.request_email_change(
            session=session, viewer=viewer(uid), new_email="new@example.org", password="x", now=NOW
        )
    with session_scope(engine) as session:
        sent_to = accounts.request_email_change(
            session=session, viewer=viewer(uid), new_email="New@Example.org", password=PASSWORD, now=NOW
        )
    assert sent_to == "New@example.org"
    with session_scope(engine) as session:
        mails = session.exec(sa.select(EmailOutbox.to_addr, EmailOutbox.body_text).order_by(EmailOutbox.id)).all()  # type: ignore[call-overload]
    link_mail = next(body for to, body in mails if to == "New@example.org")
    assert any(to == "alice@example.com" and "New@example.org" in body for to, body in mails)  # the old one is told
    token = link_mail.split("/settings/confirm-email?t=")[1].split()[0]
    assert profile(engine, uid).email == "alice@example.com"  # nothing changes before the confirmation
    with session_scope(engine) as session, pytest.raises(ServiceError):
        accounts.confirm_email(session=session, token=token, now=NOW + timedelta(hours=25))  # expired
    with session_scope(engine) as session:
        accounts.confirm_email(session=session, token=token, now=NOW + timedelta(hours=1))
    p = profile(engine, uid)
    assert (p.email, p.email_confirmed) == ("New@example.org", True)
    with session_scope(engine) as session, pytest.raises(ServiceError):
        accounts.confirm_email(session=session, token=token, now=NOW + timedelta(hours=2))  # single use


class FakeGateway:
    def __init__(self, name: str, works: bool = True) -> None:
        self.name, self.works, self.sent = name, works, []

    def send_sms(self, phone: str, text: str) -> bool:
        self.sent.append((phone, text.rsplit(" ", 1)[-1]))
        return self.works

    def call(self, phone: str, caller_last4: str) -> bool:
        self.sent.append((phone, caller_last4))
        return self.works


def test_phone_verification_by_sms_or_call_with_a_second_gateway(engine: Engine) -> None:
    uid = make_user(engine, "alice")
    down, up = FakeGateway("one", works=False), FakeGateway("two")
    with session_scope(engine) as session:
        first = accounts.send_code(
            session=session, viewer=viewer(uid), channel="sms", gateway=0, gateways=[down, up], now=NOW
        )
    assert not first.sent
    with session_scope(engine) as session:
        second = accounts.send_code(
            session=session, viewer=viewer(uid), channel="call", gateway=1, gateways=[down, up], now=NOW
        )
    assert second.sent and len(up.sent[-1][1]) == 4
    code = up.sent[-1][1]
    wrong = "0000" if code != "0000" else "1111"
    for _ in range(accounts.MAX_ATTEMPTS):
        with session_scope(engine) as session, pytest.raises(ServiceError) as bad:
            accounts.check_code(session=session, viewer=viewer(uid), code=wrong, now=NOW)
        assert bad.value.message == accounts.MSG_WRONG_CODE
    with session_scope(engine) as session, pytest.raises(ServiceError) as locked:
        accounts.check_code(session=session, viewer=viewer(uid), code=code, now=NOW)
    assert locked.value.message == accounts.MSG_LOCKED
    later = NOW + timedelta(minutes=1)  # another code waits a minute after one went out (test_phone_backup.py)
    with session_scope(engine) as session:
        accounts.send_code(
            session=session, viewer=viewer(uid), channel="sms", gateway=1, gateways=[down, up], now=later
        )
    code = up.sent[-1][1]
    with session_scope(engine) as session, pytest.raises(ServiceError) as late:
        accounts.check_code(session=session, viewer=viewer(uid), code=code, now=later + timedelta(minutes=10))
    assert late.value.message == accounts.MSG_EXPIRED
    with session_scope(engine) as session:
        accounts.check_code(session=session, viewer=viewer(uid), code=code, now=later + timedelta(minutes=9))
    assert profile(engine, uid).phone_verified_at is not None
    save(engine, uid, form())  # a new number needs a new verification
    assert profile(engine, uid).phone_verified_at is None
    for minute in (12, 13):
        with session_scope(engine) as session:
            accounts.send_code(
                session=session,
                viewer=viewer(uid),
                channel="sms",
                gateway=1,
                gateways=[down, up],
                now=NOW + timedelta(minutes=minute),
            )
    with session_scope(engine) as session, pytest.raises(ServiceError) as limit:
        accounts.send_code(
            session=session,
            viewer=viewer(uid),
            channel="sms",
            gateway=1,
            gateways=[down, up],
            now=NOW + timedelta(minutes=14),
        )
    assert limit.value.message == accounts.MSG_TOO_MANY_SENDS


def test_the_currency_changes_only_with_a_zero_balance_and_nothing_unpaid(engine: Engine) -> None:
    uid = make_user(engine, "alice")
    with session_scope(engine) as session:
        post(session=session, user_id=uid, kind="topup", amount=Money(500, "EUR"), idem_key="settings-test-topup-1")
    with pytest.raises(accounts.SettingsInvalid) as locked:
        save(engine, uid, form(currency="USD"))
    assert locked.value.errors["currency"].message == accounts.MSG_CURRENCY_LOCKED
    other = make_user(engine, "bob")
    save(engine, other, form(currency="USD"))
    assert profile(engine, other).currency == "USD"


def test_payments_wait_for_the_required_fields(engine: Engine) -> None:
    uid = make_user(engine, "alice")
    with session_scope(engine) as session:
        p = session.get(Profile, uid)
        p.phone, p.city = None, ""  # type: ignore[union-attr]
    with session_scope(engine) as session, pytest.raises(PaymentBlocked) as blocked:
        open_payment(
            session=session, viewer=viewer(uid), provider="demo", idem_key="settings-topup-000001", amount_minor=1000
        )
    assert blocked.value.message == MSG_PROFILE_INCOMPLETE
    assert blocked.value.values["fields"] == ["Mobile phone", "City"]


def test_a_forged_user_id_in_the_form_changes_nobody_else(engine: Engine) -> None:
    uid = make_user(engine, "alice")
    other = make_user(engine, "bob")
    save(engine, uid, form(user_id=other, city="Espoo"))
    assert profile(engine, uid).city == "Espoo" and profile(engine, other).city == "Berlin"


def test_prices_convert_to_the_account_currency_at_the_staff_rates(engine: Engine) -> None:
    from introserv_app.db.tables import TariffPlan
    from introserv_app.services.billing import MSG_RATE, catalog, convert, current_rates, place_order, set_rate

    uid = make_user(engine, "alice")
    support = make_user(engine, "helpdesk", Role.ADMIN)
    staff = Viewer(user_id=support, username="helpdesk", role=Role.ADMIN, session_id=0, language="en")
    with session_scope(engine) as session:
        session.add(TariffPlan(code="vps-s", name="VPS S", product_type="vps", currency="EUR", prices_minor={"1": 400}))
    save(engine, uid, form(currency="USD"))
    with session_scope(engine) as session:
        for currency, rate in (("USD", "1.08"), ("PLN", "4.30"), ("CZK", "25")):
            set_rate(session=session, viewer=staff, currency=currency, per_eur=rate)
    with session_scope(engine) as session:
        rates = current_rates(session=session)
        assert rates["USD"] == Decimal("1.08")
        assert convert(Money(400, "EUR"), "USD", rates) == Money(432, "USD")
        assert convert(Money(333, "PLN"), "CZK", rates).minor == 1936  # 3.33 / 4.30 * 25 = 19.3604...
        for bad in ("0", "-1", "abc", "1e9", "", "NaN"):
            with pytest.raises(ServiceError) as refused:
                set_rate(session=session, viewer=staff, currency="USD", per_eur=bad)
            assert refused.value.message == MSG_RATE
        set_rate(session=session, viewer=staff, currency="USD", per_eur="1,25")
    with session_scope(engine) as session:
        item = next(i for i in catalog(session=session, viewer=viewer(uid)) if i.code == "vps-s")
        assert item.prices[1] == Money(500, "USD")
        placed = place_order(
            session=session, viewer=viewer(uid), tariff_id=item.id, months=1, idem_key="order-usd-000000001"
        )
    with session_scope(engine) as session:
        invoice = session.exec(sa.select(Invoice).where(Invoice.id == placed.invoice_id)).scalar_one()  # type: ignore[call-overload]
        assert (invoice.currency, invoice.net_minor) == ("USD", 500)
        with pytest.raises(ServiceError):
            set_rate(session=session, viewer=viewer(uid), currency="USD", per_eur="2")  # staff only


def test_a_company_waits_for_verification_before_paying(engine: Engine) -> None:
    uid = make_user(engine, "alice")
    save(engine, uid, form(profile_type="company", company_name="Oy Esimerkki Ab", vat_number="FI 2077 4740"))
    p = profile(engine, uid)
    assert (p.company_verification, p.vat_number) == ("pending", "FI20774740")
    with session_scope(engine) as session, pytest.raises(PaymentBlocked) as pending:
        open_payment(
            session=session, viewer=viewer(uid), provider="demo", idem_key="settings-topup-000002", amount_minor=1000
        )
    assert "verified" in pending.value.message
    with session_scope(engine) as session, pytest.raises(ServiceError):
        console.verify_company(session=session, viewer=viewer(uid), user_id=uid)  # not by the customer
    with session_scope(engine) as session:
        console.verify_company(session=session, viewer=None, user_id=uid)
    with session_scope(engine) as session:
        done = open_payment(
            session=session, viewer=viewer(uid), provider="demo", idem_key="settings-topup-000003", amount_minor=1000
        )
    assert done.request.amount.minor == 1000  # the payment is written, ready for the checkout
