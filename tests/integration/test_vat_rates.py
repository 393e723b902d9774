"""VAT rates as data, on SQLite and PostgreSQL: the built-in history in the database, an admin recording a change
(checked, audited, never in the past), invoices taking the rate in force on their date, every engine seeing a
change at once, and the customer's VAT page."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from introserv_app.db.session import create_db_engine, session_scope
from introserv_app.db.tables import Invoice, Profile, VatRate
from introserv_app.domain.roles import Role
from introserv_app.domain.vat_rates import RATES
from introserv_app.services.billing import (
    MSG_VAT_COUNTRY,
    MSG_VAT_DATE,
    MSG_VAT_DUPLICATE,
    MSG_VAT_IN_FORCE,
    MSG_VAT_PAST,
    MSG_VAT_RATE,
    MSG_VAT_SOURCE,
    place_order,
    quote_renewal,
    rate_table,
    record_vat_rate,
    vat_for_customer,
    vat_overview,
    vat_rate_history,
    withdraw_vat_rate,
)
from introserv_app.services.common.errors import PermissionDenied, ServiceError
from introserv_app.services.common.viewer import Viewer
from tests.support.billing import NOW, TODAY, who
from tests.support.builders import make_user

LAW = "Arvonlisäverolaki § 84 as amended (test)"


def staff_viewer(engine: Engine, username: str, role: Role) -> Viewer:
    return Viewer(user_id=make_user(engine, username, role), username=username, role=role, session_id=0, language="en")


@pytest.fixture
def admin(engine: Engine) -> Viewer:
    return staff_viewer(engine, "boss", Role.ADMIN)


def record(engine: Engine, viewer: Viewer, *, now=NOW, **form: object) -> VatRate:  # type: ignore[no-untyped-def]
    values: dict[str, object] = {"country": "FI", "rate": "27", "effective_from": "2026-12-01", "source": LAW}
    with session_scope(engine) as session:
        return record_vat_rate(session=session, viewer=viewer, **{**values, **form}, ip="203.0.113.5", now=now)  # type: ignore[arg-type]


def stored(engine: Engine) -> list[tuple[str, date, Decimal, str]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT country, effective_from, rate, source FROM vat_rates")).all()
    return sorted((c, d if isinstance(d, date) else date.fromisoformat(d), Decimal(str(r)), s) for c, d, r, s in rows)


def audits(engine: Engine, action: str) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT details FROM audit_events WHERE action = :a ORDER BY id"), {"a": action})
        return [r[0] if isinstance(r[0], dict) else json.loads(r[0]) for r in rows]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migration_puts_the_built_in_history_in_the_database(backend: str, tmp_path: Path) -> None:
    from introserv_app.tools.migrations import upgrade_head
    from tests.support.databases import new_pg_database

    gen = new_pg_database() if backend == "postgresql" else iter([f"sqlite:///{tmp_path / 'fresh.db'}"])
    url = next(gen)
    try:
        upgrade_head(url)
        engine = create_db_engine(url)
        assert stored(engine) == sorted((c, d, r, s) for c, d, r, s in RATES)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM vat_rates WHERE recorded_by IS NOT NULL")).scalar() == 0
        with session_scope(engine) as session:
            table = rate_table(session=session)
        assert table.in_force("FI", TODAY) == (date(2024, 9, 1), Decimal("25.5"))
        assert table.in_force("RO", TODAY) == (date(2025, 8, 1), Decimal("21"))
        engine.dispose()
    finally:
        if hasattr(gen, "close"):
            gen.close()


def test_a_change_applies_to_invoices_dated_from_its_day_and_never_to_earlier_ones(
    engine: Engine, shop: dict[str, int], admin: Viewer
) -> None:
    tid = _tariff(engine)
    with session_scope(engine) as session:  # an invoice issued before the change is recorded
        before = place_order(
            session=session, viewer=who(shop), tariff_id=tid, months=1, idem_key="vat-order-0000001", now=NOW
        )
    record(engine, admin)  # FI 27 % from 2026-12-01, recorded on 2026-11-23
    eve = NOW + timedelta(days=7, hours=11, minutes=59)  # 2026-11-30 23:59 UTC
    with session_scope(engine) as session:
        on_eve = place_order(
            session=session, viewer=who(shop), tariff_id=tid, months=1, idem_key="vat-order-0000002", now=eve
        )
        after = place_order(
            session=session,
            viewer=who(shop),
            tariff_id=tid,
            months=1,
            idem_key="vat-order-0000003",
            now=eve + timedelta(minutes=1),
        )
        renewal = quote_renewal(
            session=session, viewer=who(shop), items=[(shop["active"], 1)], now=eve + timedelta(minutes=1)
        )
    with session_scope(engine) as session:
        invoices = {i.id: i for i in session.exec(sa.select(Invoice)).scalars()}  # type: ignore[call-overload]
    rates = [(invoices[p.invoice_id].vat_rate, invoices[p.invoice_id].vat_minor) for p in (before, on_eve, after)]
    assert rates == [("25.5", 102), ("25.5", 102), ("27", 108)]  # 4.00 EUR net
    assert renewal.vat_rate == "27"


def test_an_admin_records_a_change_audited_with_the_old_and_new_rate(engine: Engine, admin: Viewer) -> None:
    row = record(engine, admin, rate="26,25", effective_from=TODAY.isoformat(), source="  Laki   1234/2026 ")
    assert (row.country, row.effective_from, row.rate, row.source) == ("FI", TODAY, Decimal("26.25"), "Laki 1234/2026")
    assert audits(engine, "vat_rates.record") == [
        {"country": "FI", "effective_from": "2026-11-23", "old": "25.5", "new": "26.25", "source": "Laki 1234/2026"}
    ]
    with session_scope(engine) as session:
        history = vat_rate_history(session=session, viewer=admin)
    fi = [(h.effective_from, h.rate, h.recorded_by) for h in history if h.country == "FI"]
    assert fi == [
        (TODAY, Decimal("26.25"), "boss"),
        (date(2024, 9, 1), Decimal("25.5"), ""),
        (date(2015, 1, 1), 24, ""),
    ]
    assert len(history) == len(RATES) + 1


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"country": "US"}, MSG_VAT_COUNTRY),
        ({"country": "GB"}, MSG_VAT_COUNTRY),
        ({"country": ""}, MSG_VAT_COUNTRY),
        ({"country": None}, MSG_VAT_COUNTRY),
        ({"rate": "101"}, MSG_VAT_RATE),
        ({"rate": "-1"}, MSG_VAT_RATE),
        ({"rate": "25.555"}, MSG_VAT_RATE),
        ({"rate": "twenty"}, MSG_VAT_RATE),
        ({"rate": ""}, MSG_VAT_RATE),
        ({"effective_from": "01.12.2026"}, MSG_VAT_DATE),
        ({"effective_from": ""}, MSG_VAT_DATE),
        ({"effective_from": "2026-11-22"}, MSG_VAT_PAST),
        ({"effective_from": "2024-09-01"}, MSG_VAT_PAST),
        ({"source": "   "}, MSG_VAT_SOURCE),
        ({"source": "x" * 501}, MSG_VAT_SOURCE),
    ],
)
def test_bad_changes_say_why_and_save_nothing(engine: Engine, admin: Viewer, form: dict, message: str) -> None:
    with pytest.raises(ServiceError) as refused:
        record(engine, admin, **form)
    assert refused.value.message == message
    if message == MSG_VAT_PAST:
        assert refused.value.values == {"today": "2026-11-23"}
    assert stored(engine) == sorted(RATES)
    assert audits(engine, "vat_rates.record") == []


def test_a_date_already_recorded_is_refused_and_the_first_rate_stays(engine: Engine, admin: Viewer) -> None:
    record(engine, admin, rate="27")
    with pytest.raises(ServiceError) as refused:
        record(engine, admin, rate="28")
    assert (refused.value.message, refused.value.values) == (MSG_VAT_DUPLICATE, {"country": "FI", "date": "2026-12-01"})
    assert [r for r in stored(engine) if r[1] == date(2026, 12, 1)] == [("FI", date(2026, 12, 1), Decimal("27"), LAW)]


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.SUPPORT])
def test_only_admins_record_or_withdraw_rates(engine: Engine, admin: Viewer, role: Role) -> None:
    planned = record(engine, admin)
    someone = staff_viewer(engine, "someone", role)
    with pytest.raises(PermissionDenied):
        record(engine, someone, effective_from="2027-01-01")
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        withdraw_vat_rate(session=session, viewer=someone, rate_id=planned.id or 0, now=NOW)
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        vat_rate_history(session=session, viewer=someone)
    with engine.connect() as conn:
        denied = conn.execute(
            sa.text("SELECT count(*) FROM audit_events WHERE action = 'access.denied' AND actor_id = :u"),
            {"u": someone.user_id},
        ).scalar()
    assert denied == 3
    assert len(stored(engine)) == len(RATES) + 1


def test_a_planned_rate_may_be_withdrawn_but_one_in_force_stays(engine: Engine, admin: Viewer) -> None:
    planned = record(engine, admin)
    today = record(engine, admin, country="EE", rate="25", effective_from=TODAY.isoformat())
    with session_scope(engine) as session:
        withdraw_vat_rate(session=session, viewer=admin, rate_id=planned.id or 0, now=NOW)
    assert audits(engine, "vat_rates.withdraw") == [
        {"country": "FI", "effective_from": "2026-12-01", "rate": "27", "source": LAW}
    ]
    builtin_id = _id_of(engine, "FI", date(2024, 9, 1))
    for rate_id in (today.id or 0, builtin_id):
        with session_scope(engine) as session, pytest.raises(ServiceError) as refused:
            withdraw_vat_rate(session=session, viewer=admin, rate_id=rate_id, now=NOW)
        assert refused.value.message == MSG_VAT_IN_FORCE
    with session_scope(engine) as session, pytest.raises(ServiceError):
        withdraw_vat_rate(session=session, viewer=admin, rate_id=planned.id or 0, now=NOW)  # already gone
    assert sorted(stored(engine)) == sorted([*RATES, ("EE", TODAY, Decimal("25"), LAW)])


def test_a_change_recorded_through_one_engine_applies_at_once_through_another(
    engine: Engine, db_url: str, shop: dict[str, int], admin: Viewer
) -> None:
    other = create_db_engine(db_url)  # another worker's connection pool
    try:
        with session_scope(other) as session:
            assert vat_for_customer(session=session, user_id=shop["user"], on=NOW)[0].rate == Decimal("25.5")
        record(engine, admin, effective_from=TODAY.isoformat(), rate="26")
        with session_scope(other) as session:
            assert vat_for_customer(session=session, user_id=shop["user"], on=NOW)[0].rate == Decimal("26")
    finally:
        other.dispose()


def test_the_customer_page_shows_every_member_state_and_the_customers_own_treatment(
    engine: Engine, shop: dict[str, int], admin: Viewer
) -> None:
    record(engine, admin)  # FI 27 % from 2026-12-01
    with session_scope(engine) as session:
        page = vat_overview(session=session, viewer=who(shop), now=NOW)
    assert len(page.rates) == 27 and "GB" not in {r.country for r in page.rates}
    by_country = {r.country: r for r in page.rates}
    fi = by_country["FI"]
    assert (fi.rate, fi.since, fi.planned) == (Decimal("25.5"), date(2024, 9, 1), ((date(2026, 12, 1), Decimal("27")),))
    assert (by_country["SK"].rate, by_country["SK"].since) == (Decimal("23"), date(2025, 1, 1))
    assert by_country["DE"].planned == ()
    assert (page.country, page.decision.rate, page.decision.reverse_charge) == ("FI", Decimal("25.5"), False)
    with session_scope(engine) as session:
        later = vat_overview(session=session, viewer=who(shop), now=NOW + timedelta(days=8))
    assert (later.decision.rate, {r.country: r for r in later.rates}["FI"].since) == (Decimal("27"), date(2026, 12, 1))
    with session_scope(engine) as session:
        session.get(Profile, shop["user"]).country = "US"  # type: ignore[union-attr]
    with session_scope(engine) as session:
        abroad = vat_overview(session=session, viewer=who(shop), now=NOW)
    assert (abroad.country, abroad.decision.rate, abroad.decision.country) == ("US", Decimal("0"), "")


def _tariff(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT id FROM tariff_plans WHERE code = 'vps-s'")).scalar_one())


def _id_of(engine: Engine, country: str, since: date) -> int:
    with session_scope(engine) as session:
        row = session.exec(
            sa.select(VatRate.id).where(VatRate.country == country, VatRate.effective_from == since)  # type: ignore[arg-type]
        ).scalar_one()
    return int(row)
