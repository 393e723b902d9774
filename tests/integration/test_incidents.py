"""Incidents: each scope reaches exactly the customers it names (cancelled orders and closed accounts never), mails go
out in each customer's language to their support address for the opening, every update and the resolution, banners
show while open and for a day after, customers see only their own incidents, only staff act, and 20,000 customers are
reached with a bounded number of statements and an indexed banner query."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from introserv_app.db.session import session_scope
from introserv_app.db.tables import (
    AuditEvent,
    EmailOutbox,
    Incident,
    IncidentCustomer,
    Order,
    Profile,
    TariffPlan,
    User,
)
from introserv_app.domain.roles import Role
from introserv_app.services import incidents
from introserv_app.services.common.errors import PermissionDenied, ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging import recipient_of
from introserv_app.tools import seed
from tests.support.builders import make_user, viewer

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
TEXTS = {
    "title_en": "Network outage in Frankfurt",
    "title_ru": "Сбой сети во Франкфурте",
    "body_en": "Some servers cannot be reached. We are working on it.",
    "body_ru": "Часть серверов недоступна. Мы работаем над этим.",
    "severity": "critical",
}


def _tariff(session, code: str) -> int:
    tariff = TariffPlan(code=code, name=code.upper(), product_type="vps", currency="EUR", prices_minor={"1": 400})
    session.add(tariff)
    session.flush()
    return tariff.id or 0


def _order(session, user_id: int, name: str, tariff: int, ip: str | None, status: str = "processed") -> int:
    order = Order(user_id=user_id, service_name=name, tariff_id=tariff, status=status, paid_until=date(2027, 1, 1),
                  price_minor=400, currency="EUR", main_ip=ip)  # fmt: skip
    session.add(order)
    session.flush()
    return order.id or 0


@pytest.fixture
def world(engine: Engine) -> dict[str, int]:
    """Customers on two tariffs with IPv4 and IPv6 orders, one with only a cancelled order, a closed account, one
    without orders, and staff."""
    ids = {name: make_user(engine, name) for name in ("alice", "boris", "carol", "dave", "erin", "frank")}
    ids["support"] = make_user(engine, "support1", role=Role.SUPPORT)
    ids["admin"] = make_user(engine, "admin1", role=Role.ADMIN)
    with session_scope(engine) as session:
        ids["ta"], ids["tb"] = _tariff(session, "ta"), _tariff(session, "tb")
        ids["o_alice"] = _order(session, ids["alice"], "alice1", ids["ta"], "192.0.2.10")
        ids["o_alice2"] = _order(session, ids["alice"], "alice2", ids["ta"], "203.0.113.5")
        ids["o_boris"] = _order(session, ids["boris"], "boris1", ids["tb"], "2001:db8::5")
        ids["o_carol"] = _order(session, ids["carol"], "carol1", ids["ta"], "192.0.2.11", status="cancelled")
        ids["o_dave"] = _order(session, ids["dave"], "dave1", ids["ta"], "192.0.2.12")
        ids["o_erin"] = _order(session, ids["erin"], "erin1", ids["tb"], "198.51.100.20")
        session.get(User, ids["dave"]).is_active = False  # type: ignore[union-attr]  # closed
        boris = session.get(Profile, ids["boris"])
        boris.language, boris.first_name = "ru", "Борис"  # type: ignore[union-attr]
        session.get(Profile, ids["erin"]).email_support = "noc@erin.example"  # type: ignore[union-attr]
    return ids


def _open(engine: Engine, who: str = "support1", **scope: object) -> Incident:
    with session_scope(engine) as session:
        incident = incidents.open_incident(session=session, viewer=viewer(engine, who), **TEXTS, now=NOW, **scope)
        session.expunge(incident)
        return incident


def _affected(engine: Engine, incident_id: int) -> set[int]:
    with session_scope(engine) as session:
        rows = session.exec(select(IncidentCustomer.user_id).where(IncidentCustomer.incident_id == incident_id))
        return set(rows.all())


def test_each_scope_reaches_exactly_its_customers(engine: Engine, world: dict[str, int]) -> None:
    w = world
    cases = [
        ({"scope": "tariffs", "tariffs": [str(w["ta"])]}, {"alice"}, 2),
        ({"scope": "tariffs", "tariffs": [str(w["ta"]), str(w["tb"])]}, {"alice", "boris", "erin"}, 4),
        ({"scope": "ip_ranges", "ranges": "192.0.2.0/24\n2001:db8::/64"}, {"alice", "boris"}, 2),
        ({"scope": "ip_ranges", "ranges": "198.51.100.10-198.51.100.30"}, {"erin"}, 1),
        ({"scope": "ip_ranges", "ranges": "203.0.113.5"}, {"alice"}, 1),
        ({"scope": "orders", "orders": f"{w['o_boris']}, alice2\nerin1"}, {"alice", "boris", "erin"}, 3),
        ({"scope": "everyone"}, {"alice", "boris", "carol", "erin", "frank"}, 4),
    ]
    support = viewer(engine, "support1")
    for scope, expected, orders in cases:
        with session_scope(engine) as session:
            preview = incidents.preview_incident(session=session, viewer=support, **TEXTS, **scope)
        assert (preview.customers, preview.orders) == (len(expected), orders), scope
        incident = _open(engine, **scope)
        assert _affected(engine, incident.id or 0) == {w[name] for name in expected}, scope
        assert (incident.customers, incident.orders) == (len(expected), orders)


def test_bad_scopes_are_refused_and_nothing_is_opened(engine: Engine, world: dict[str, int]) -> None:
    bad = [
        ({"scope": "tariffs", "tariffs": []}, "Choose at least one tariff."),
        ({"scope": "tariffs", "tariffs": ["999999"]}, "Choose at least one tariff."),
        ({"scope": "ip_ranges", "ranges": "10.0.0.0/33"}, "Line {line}: “{text}” is not an IP address"),
        ({"scope": "ip_ranges", "ranges": ""}, "Enter at least one IP address"),
        ({"scope": "orders", "orders": "nosuchorder"}, "“{text}” is not an order ID or name."),
        ({"scope": "planet"}, "Choose who is affected."),
        ({"scope": ["everyone"]}, "Choose who is affected."),
        ({"scope": "everyone", "severity": {"x": 1}}, "Choose how severe the incident is."),
        ({"scope": "ip_ranges", "ranges": "10.9.9.0/24"}, "No customer is affected: nothing was opened."),
        ({"scope": "everyone", "severity": "apocalyptic"}, "Choose how severe the incident is."),
        ({"scope": "everyone", "title_ru": ""}, "Write the title in English and in Russian"),
        ({"scope": "everyone", "body_en": "bad\x00text"}, "The text contains characters that cannot be used"),
    ]
    for scope, message in bad:
        with pytest.raises(ServiceError) as refused, session_scope(engine) as session:
            incidents.open_incident(session=session, viewer=viewer(engine, "admin1"), **{**TEXTS, **scope})
        assert refused.value.message.startswith(message), scope
    with session_scope(engine) as session:
        assert session.exec(select(sa.func.count()).select_from(Incident)).one() == 0
        assert session.exec(select(sa.func.count()).select_from(EmailOutbox)).one() == 0


def _mails(engine: Engine) -> dict[int, list[EmailOutbox]]:
    out: dict[int, list[EmailOutbox]] = {}
    with session_scope(engine) as session:
        for m in session.exec(select(EmailOutbox).order_by(col(EmailOutbox.id))).all():
            session.expunge(m)
            out.setdefault(m.user_id or 0, []).append(m)
    return out


def test_mails_in_each_language_to_the_support_address_for_open_update_and_resolve(
    engine: Engine, world: dict[str, int]
) -> None:
    w = world
    incident = _open(engine, scope="tariffs", tariffs=[w["ta"], w["tb"]])
    with session_scope(engine) as session:
        incidents.post_update(session=session, viewer=viewer(engine, "support1"), incident_id=incident.id,
                              text_en="Engineers are on site.", text_ru="Инженеры на месте.", now=NOW)  # fmt: skip
    with session_scope(engine) as session:
        incidents.resolve_incident(session=session, viewer=viewer(engine, "admin1"), incident_id=incident.id,
                                   resolution_en="A switch was replaced.", resolution_ru="Заменён коммутатор.",
                                   now=NOW + timedelta(hours=2))  # fmt: skip
    mails = _mails(engine)
    assert set(mails) == {w["alice"], w["boris"], w["erin"]}
    with session_scope(engine) as session:
        for uid, items in mails.items():
            who = recipient_of(session, uid)
            assert who is not None
            assert [m.to_addr for m in items] == [who.addresses["support"]] * 3
    assert mails[w["erin"]][0].to_addr == "noc@erin.example"
    alice, boris = mails[w["alice"]], mails[w["boris"]]
    assert [m.subject for m in alice] == [
        "Incident: Network outage in Frankfurt",
        "Update: Network outage in Frankfurt",
        "Resolved: Network outage in Frankfurt",
    ]
    assert "Hello Test," in alice[0].body_text and TEXTS["body_en"] in alice[0].body_text
    assert "Severity: Critical" in alice[0].body_text
    assert f"/incidents/{incident.id}" in alice[0].body_text
    assert "Engineers are on site." in alice[1].body_text and "A switch was replaced." in alice[2].body_text
    assert all(TEXTS["title_ru"] in m.subject for m in boris)
    assert "Борис" in boris[0].body_text and TEXTS["body_ru"] in boris[0].body_text
    assert TEXTS["body_en"] not in boris[0].body_text
    assert "Инженеры на месте." in boris[1].body_text and "Заменён коммутатор." in boris[2].body_text
    assert "Борис" in (boris[0].body_html or "")
    # each event once per customer: a second resolve is refused, nothing more is queued
    with pytest.raises(ServiceError, match="already resolved"), session_scope(engine) as session:
        incidents.resolve_incident(session=session, viewer=viewer(engine, "admin1"), incident_id=incident.id,
                                   resolution_en="x", resolution_ru="y")  # fmt: skip
    assert sum(len(v) for v in _mails(engine).values()) == 9
    with session_scope(engine) as session:
        actions = session.exec(select(AuditEvent.action).where(col(AuditEvent.action).like("incident.%"))).all()
    assert sorted(actions) == ["incident.open", "incident.resolve", "incident.update"]


def test_a_name_with_markup_is_escaped_in_the_html_mail(engine: Engine, world: dict[str, int]) -> None:
    with session_scope(engine) as session:
        session.get(Profile, world["alice"]).first_name = "<b>Al&ice</b>"  # type: ignore[union-attr]
    _open(engine, scope="orders", orders="alice1")
    mail = _mails(engine)[world["alice"]][0]
    assert "Hello <b>Al&ice</b>," in mail.body_text
    assert "&lt;b&gt;Al&amp;ice&lt;/b&gt;" in (mail.body_html or "") and "<b>Al" not in (mail.body_html or "")


def _banners(engine: Engine, who: str, lang: str = "en", now: datetime = NOW) -> list[incidents.IncidentView]:
    with session_scope(engine) as session:
        return incidents.incident_banners(session=session, viewer=viewer(engine, who), lang=lang, now=now)


def test_banners_history_and_a_foreign_incident(engine: Engine, world: dict[str, int]) -> None:
    w = world
    about_a = _open(engine, scope="tariffs", tariffs=[w["ta"]])
    about_b = _open(engine, scope="ip_ranges", ranges="2001:db8::/32")
    shown = _banners(engine, "alice")
    assert [b.id for b in shown] == [about_a.id]
    assert shown[0].title == TEXTS["title_en"] and shown[0].open
    assert _banners(engine, "boris", "ru")[0].body == TEXTS["body_ru"]
    assert _banners(engine, "frank") == [] and _banners(engine, "support1") == []
    with session_scope(engine) as session:
        incidents.post_update(session=session, viewer=viewer(engine, "support1"), incident_id=about_a.id,
                              text_en="Half of the servers are back.", text_ru="Половина серверов в сети.")  # fmt: skip
        incidents.resolve_incident(session=session, viewer=viewer(engine, "support1"), incident_id=about_a.id,
                                   resolution_en="All servers are back.", resolution_ru="Все серверы в сети.",
                                   now=NOW + timedelta(hours=1))  # fmt: skip
    resolved = _banners(engine, "alice", now=NOW + timedelta(hours=2))
    assert [(b.id, b.open, b.resolution) for b in resolved] == [(about_a.id, False, "All servers are back.")]
    assert resolved[0].updates[0].text == "Half of the servers are back."
    assert _banners(engine, "alice", now=NOW + timedelta(hours=26)) == []  # a day after the resolution: gone
    everyone = _open(engine, scope="everyone")
    assert [b.id for b in _banners(engine, "frank")] == [everyone.id]

    alice = viewer(engine, "alice")
    with session_scope(engine) as session:
        history = incidents.customer_incidents(session=session, viewer=alice, lang="en")
        assert [i.id for i in history.items] == [everyone.id, about_a.id]  # newest first; not boris's
        assert history.items[1].resolution == "All servers are back."
        assert incidents.incident_detail(session=session, viewer=alice, lang="en", incident_id=about_a.id).id
    for foreign in (about_b.id, 987654, "1 OR 1=1", -1):
        with pytest.raises(ServiceError, match="Incident not found"), session_scope(engine) as session:
            incidents.incident_detail(session=session, viewer=alice, lang="en", incident_id=foreign)
    with session_scope(engine) as session:
        denied = session.exec(select(AuditEvent).where(AuditEvent.action == "access.denied")).all()
    assert any(e.details.get("target") == "incident.view" and e.details.get("id") == str(about_b.id) for e in denied)


def test_customers_may_not_open_update_resolve_preview_or_list(engine: Engine, world: dict[str, int]) -> None:
    incident = _open(engine, scope="everyone")
    alice = viewer(engine, "alice")
    calls = [
        lambda s: incidents.open_incident(session=s, viewer=alice, **TEXTS, scope="everyone"),
        lambda s: incidents.preview_incident(session=s, viewer=alice, **TEXTS, scope="everyone"),
        lambda s: incidents.post_update(session=s, viewer=alice, incident_id=incident.id, text_en="a", text_ru="b"),
        lambda s: incidents.resolve_incident(
            session=s, viewer=alice, incident_id=incident.id, resolution_en="a", resolution_ru="b"
        ),
        lambda s: incidents.staff_incidents(session=s, viewer=alice, lang="en"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied), session_scope(engine) as session:
            call(session)
    with session_scope(engine) as session:
        assert session.exec(select(sa.func.count()).select_from(Incident)).one() == 1
        assert session.get(Incident, incident.id).state == "open"  # type: ignore[union-attr]
        denied = session.exec(select(AuditEvent).where(AuditEvent.action == "access.denied")).all()
    assert {e.details["target"] for e in denied} >= {
        "incident.open", "incident.preview", "incident.update", "incident.resolve", "incident.list",
    }  # fmt: skip
    with session_scope(engine) as session:
        listed = incidents.staff_incidents(session=session, viewer=viewer(engine, "support1"), lang="en")
    assert [(i.id, i.customers, i.scope) for i in listed] == [(incident.id, 5, "everyone")]


def test_twenty_thousand_customers(engine: Engine, db_url: str) -> None:
    make_user(engine, "support1", role=Role.SUPPORT)  # first: the bulk seed writes ids without the sequence
    seed.seed_volume(engine, customers=20_000, orders=0, seed=21, now=NOW)
    support = viewer(engine, "support1")
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    started = time.perf_counter()
    with session_scope(engine) as session:
        incident = incidents.open_incident(session=session, viewer=support, **TEXTS, scope="everyone", now=NOW)
        incident_id = incident.id
    took = time.perf_counter() - started
    sa.event.remove(engine, "before_cursor_execute", count)
    customers = 20_000
    batches = -(-customers // incidents.MAIL_BATCH)
    # incident, affected set, counts, (window + one INSERT per language) per batch, the end, audit and a few reads
    assert len(seen) <= 12 + 3 * batches, len(seen)
    assert took < 10, took
    with session_scope(engine) as session:
        assert session.get(Incident, incident_id).customers == customers  # type: ignore[union-attr]
        mails = session.exec(select(EmailOutbox.subject, sa.func.count()).group_by(EmailOutbox.subject)).all()
        some = session.exec(select(User.id).where(User.role == "customer").order_by(User.id).offset(12_345)).first()
        speaks_ru = session.exec(select(sa.func.count()).where(Profile.language == "ru")).one()
    assert 0 < speaks_ru < customers
    assert dict(mails) == {
        "Incident: Network outage in Frankfurt": customers - speaks_ru,
        f"Инцидент: {TEXTS['title_ru']}": speaks_ru,
    }
    someone = Viewer(user_id=some or 0, username="x", role=Role.CUSTOMER, session_id=0, language="en")
    with session_scope(engine) as session:
        assert [b.id for b in incidents.incident_banners(session=session, viewer=someone, lang="en", now=NOW)] == [
            incident_id
        ]
    if db_url.startswith("postgresql"):
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE incidents")
            conn.exec_driver_sql("ANALYZE incident_customers")
        # an incident about everyone needs no lookup: the plan that matters is that of a scoped one
        with session_scope(engine) as session:
            session.execute(sa.update(Incident).values(scope_kind="tariffs"))
        with engine.connect() as conn:
            compiled = incidents.BANNER_QUERY.compile(dialect=conn.dialect)
            params = {**compiled.params, "user_id": some, "since": NOW - timedelta(days=1)}
            plan = "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {compiled.string}", params))
        assert "incident_customers" in plan and "Seq Scan on incident_customers" not in plan, plan
        assert "Index" in plan, plan
