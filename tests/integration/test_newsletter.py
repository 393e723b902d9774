"""Newsletters: written by staff in two languages, sent once to the subscribers through the outbox (throttled, after
the service mails), with List-Unsubscribe headers and a one-click unsubscribe link; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from introserv_app.db.session import session_scope
from introserv_app.db.tables import Profile, User
from introserv_app.domain.roles import Role
from introserv_app.services.accounts import SESSION_COOKIE, authenticate
from introserv_app.services.common.errors import PermissionDenied, ServiceError
from introserv_app.services.common.unsubscribe_token import make_token
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging import (
    deliver_due,
    queue_email,
    save_newsletter,
    send_newsletter,
    subscriber_count,
)
from tests.support.builders import PASSWORD, exchange, make_user
from tests.support.concurrency import run_concurrently
from tests.support.smtp import Inbox, free_port, settings

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TEXTS = {
    "subject_en": "New locations in Helsinki",
    "subject_ru": "Новые площадки в Хельсинки",
    "body_en": "Dedicated servers are now available in Helsinki.\n<b>not html</b>",
    "body_ru": "Выделенные серверы теперь доступны в Хельсинки.",
}


@pytest.fixture
def people(engine: Engine) -> dict[str, int]:
    """Subscribers in English and Russian, one who did not subscribe, one with an unconfirmed address, one closed
    account, and a support member."""
    ids = {name: make_user(engine, name) for name in ("anna", "boris", "carl", "dora", "emil")}
    ids["helper"] = make_user(engine, "helper", Role.SUPPORT, email="helper@example.net")
    with session_scope(engine) as session:
        for name in ("anna", "boris", "dora", "emil"):
            profile = session.get(Profile, ids[name])
            assert profile is not None
            profile.newsletter, profile.email_confirmed = True, name != "dora"
        session.get(Profile, ids["boris"]).language = "ru"  # type: ignore[union-attr]
        session.get(User, ids["emil"]).is_active = False  # type: ignore[union-attr]
    return ids


def staff(ids: dict[str, int]) -> Viewer:
    return Viewer(user_id=ids["helper"], username="helper", role=Role.SUPPORT, session_id=0, language="en")


def customer(ids: dict[str, int], name: str = "anna") -> Viewer:
    return Viewer(user_id=ids[name], username=name, role=Role.CUSTOMER, session_id=0, language="en")


def draft(engine: Engine, ids: dict[str, int]) -> int:
    with session_scope(engine) as session:
        return save_newsletter(session=session, viewer=staff(ids), **TEXTS).id or 0


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    port, box = free_port(), Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


def test_subscribers_get_it_once_in_their_language_with_one_click_unsubscribe(
    engine: Engine, people: dict[str, int], inbox: tuple[Inbox, int]
) -> None:
    box, port = inbox
    letter = draft(engine, people)
    with session_scope(engine) as session:
        assert subscriber_count(session=session) == 2  # what the staff's confirmation states
        assert send_newsletter(session=session, viewer=staff(people), newsletter_id=letter, now=T0) == 2
    report = deliver_due(engine=engine, smtp=settings(port), now=T0, bulk_limit=10)
    assert report.sent == 2
    mails = {m["To"]: m for m in box.messages}
    assert sorted(mails) == ["anna@example.com", "boris@example.com"]  # not carl, dora (unconfirmed), emil (closed)
    anna, boris = mails["anna@example.com"], mails["boris@example.com"]
    subject = str(make_header(decode_header(boris["Subject"])))
    assert anna["Subject"] == TEXTS["subject_en"] and subject == TEXTS["subject_ru"]
    link = f"http://localhost:3000/unsubscribe/{make_token(people['anna'], letter)}"  # names the newsletter too
    assert anna["List-Unsubscribe"] == f"<{link}>"
    assert anna["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = anna.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Dedicated servers are now available" in body and link in body and "<b>not html</b>" in body
    assert not anna.is_multipart()  # plain text: what staff typed is never sent as HTML
    assert "Отписаться одним щелчком" in boris.get_payload(decode=True).decode()  # type: ignore[union-attr]
    # sent once: a second send is refused and queues nothing
    with session_scope(engine) as session, pytest.raises(ServiceError) as err:
        send_newsletter(session=session, viewer=staff(people), newsletter_id=letter, now=T0)
    assert err.value.message == "This newsletter has already been sent."
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM email_outbox")).scalar() == 2
        assert conn.execute(sa.text("SELECT recipients, state FROM newsletters")).one() == (2, "sent")


def test_newsletters_wait_behind_service_mails_and_go_out_a_few_per_run(
    engine: Engine, people: dict[str, int], inbox: tuple[Inbox, int]
) -> None:
    box, port = inbox
    with session_scope(engine) as session:
        for name in ("carl", "dora"):
            session.get(Profile, people[name]).newsletter = True  # type: ignore[union-attr]
            session.get(Profile, people[name]).email_confirmed = True  # type: ignore[union-attr]
    letter = draft(engine, people)
    with session_scope(engine) as session:
        assert send_newsletter(session=session, viewer=staff(people), newsletter_id=letter, now=T0) == 4
        queue_email(session=session, to_addr="urgent@example.com", subject="Invoice", body_text="Pay", now=T0)
    first = deliver_due(engine=engine, smtp=settings(port), now=T0, bulk_limit=2)
    assert first.sent == 3 and box.messages[0]["To"] == "urgent@example.com"  # the service mail first
    assert deliver_due(engine=engine, smtp=settings(port), now=T0 + timedelta(seconds=30), bulk_limit=2).sent == 2
    assert deliver_due(engine=engine, smtp=settings(port), now=T0 + timedelta(seconds=60), bulk_limit=2).sent == 0
    assert len({m["To"] for m in box.messages}) == 5


def test_two_staff_sending_at_once_send_it_once(engine: Engine, people: dict[str, int]) -> None:
    letter = draft(engine, people)

    def send(_: int) -> int:
        with session_scope(engine) as session:
            return send_newsletter(session=session, viewer=staff(people), newsletter_id=letter, now=T0)

    outcomes = run_concurrently(6, send)
    assert sorted(o for o in outcomes if isinstance(o, int)) == [2]
    assert all(isinstance(o, ServiceError) for o in outcomes if not isinstance(o, int))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM email_outbox WHERE bulk")).scalar() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"subject_en": ""}, "Write a subject of at most 200 characters in English and in Russian."),
        ({"subject_ru": "x" * 201}, "Write a subject of at most 200 characters in English and in Russian."),
        ({"subject_en": "two\nlines"}, "Write a subject of at most 200 characters in English and in Russian."),
        ({"body_ru": "   "}, "Write the text in English and in Russian (at most 20,000 characters each)."),
        ({"body_en": "x" * 20_001}, "Write the text in English and in Russian (at most 20,000 characters each)."),
        ({"body_en": 42}, "Write the text in English and in Russian (at most 20,000 characters each)."),
    ],
)
def test_bad_texts_are_refused_with_a_message(
    engine: Engine, people: dict[str, int], change: dict[str, object], message: str
) -> None:
    with session_scope(engine) as session, pytest.raises(ServiceError) as err:
        save_newsletter(session=session, viewer=staff(people), **{**TEXTS, **change})
    assert err.value.message == message


def test_customers_cannot_write_or_send_and_are_audited(engine: Engine, people: dict[str, int]) -> None:
    letter = draft(engine, people)
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        save_newsletter(session=session, viewer=customer(people), **TEXTS)
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        send_newsletter(session=session, viewer=customer(people), newsletter_id=letter)
    with engine.connect() as conn:
        denied = conn.execute(sa.text("SELECT count(*) FROM audit_events WHERE action = 'access.denied'")).scalar()
        assert denied == 2
        assert conn.execute(sa.text("SELECT count(*) FROM email_outbox")).scalar() == 0


@pytest.fixture
def web(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from introserv_app.web import newsletter, routes

    for module in (routes, newsletter):
        monkeypatch.setattr(module, "session_scope", lambda: session_scope(engine))
    with TestClient(routes.build_api(), base_url="http://localhost:3000") as c:
        yield c


def _subscribed(engine: Engine, user_id: int) -> bool:
    with session_scope(engine) as session:
        return bool(session.get(Profile, user_id).newsletter)  # type: ignore[union-attr]


def test_the_link_shows_a_page_and_only_a_post_unsubscribes(
    engine: Engine, people: dict[str, int], web: TestClient
) -> None:
    letter = draft(engine, people)
    url = f"/unsubscribe/{make_token(people['boris'], letter)}"
    page = web.get(url)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200 and "unsubscribe-confirm" in page.text and "Отписаться" in page.text
    assert _subscribed(engine, people["boris"])
    # the mail client's one-click POST: from another site, without any session
    done = web.post(
        url,
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded", "origin": "https://mail.example.org"},
    )
    assert done.status_code == 200 and "Вы отписались от рассылки" in done.text
    assert not _subscribed(engine, people["boris"])
    assert web.post(url, content=b"confirm=1").status_code == 200  # again: still fine, nothing new to record
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT actor_id, details FROM audit_events WHERE action = 'newsletter.unsubscribe'")
        ).all()
    assert len(rows) == 1 and rows[0][0] == people["boris"]
    details = rows[0][1] if isinstance(rows[0][1], dict) else json.loads(rows[0][1])
    assert details == {"via": "one-click", "newsletter": letter}  # who left, and from which newsletter's mail


def test_a_link_without_a_newsletter_still_unsubscribes(
    engine: Engine, people: dict[str, int], web: TestClient
) -> None:
    assert web.post(f"/unsubscribe/{make_token(people['anna'])}", content=b"confirm=1").status_code == 200
    assert not _subscribed(engine, people["anna"])


@pytest.mark.parametrize("token", ["1.deadbeef", "abc", f"{10**13}.00", "", "1", "5.é", "١.00", "1." + "é" * 32])
def test_a_forged_link_is_refused(engine: Engine, people: dict[str, int], web: TestClient, token: str) -> None:
    forged = make_token(people["anna"]).split(".")[1]
    user, _letter, mac = make_token(people["anna"], 3).split(".")
    changed = (f"{people['boris']}.{forged}", f"{user}.4.{mac}", f"{user}.{mac}", f"{user}.3.3.{mac}")
    for bad in (token, *changed):  # another account's or another newsletter's signature does not fit
        assert web.post(f"/unsubscribe/{bad}", content=b"List-Unsubscribe=One-Click").status_code in (400, 404)
        assert web.get(f"/unsubscribe/{bad}").status_code in (400, 404)
    assert _subscribed(engine, people["anna"]) and _subscribed(engine, people["boris"])


def test_a_huge_body_is_refused_before_it_is_read(people: dict[str, int], web: TestClient) -> None:
    url = f"/unsubscribe/{make_token(people['anna'])}"
    assert web.post(url, content=b"x" * 5000).status_code == 413
    chunks = (b"x" * 512 for _ in range(10))  # no Content-Length: the stream is cut at the limit
    assert web.post(url, content=chunks).status_code == 413


def _cookie(engine: Engine, username: str) -> str:
    with session_scope(engine) as session:
        outcome = authenticate(session=session, username=username, password=PASSWORD, ip="127.0.0.1")
    with session_scope(engine) as session:
        token = exchange(session, outcome)
    assert token
    return token


def test_staff_export_the_subscribers_and_customers_cannot(
    engine: Engine, people: dict[str, int], web: TestClient
) -> None:
    with session_scope(engine) as session:
        session.get(Profile, people["anna"]).first_name = "=HYPERLINK(1)"  # type: ignore[union-attr]
    assert web.get("/staff/newsletter/subscribers.csv").status_code == 401
    web.cookies.set(SESSION_COOKIE, _cookie(engine, "anna"))
    assert web.get("/staff/newsletter/subscribers.csv").status_code == 403
    web.cookies.set(SESSION_COOKIE, _cookie(engine, "helper"))
    answer = web.get("/staff/newsletter/subscribers.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["user_id", "username", "name", "email", "language"]
    assert [(r[1], r[4]) for r in rows[1:]] == [("anna", "en"), ("boris", "ru")]
    assert rows[1][2].startswith("'=HYPERLINK")  # a spreadsheet never runs it
    with engine.connect() as conn:
        actions = conn.execute(sa.text("SELECT action FROM audit_events ORDER BY id")).scalars().all()
    assert "newsletter.export" in actions and "access.denied" in actions
