"""The outbox and the SMTP sender, against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine
from sqlmodel import select

from introserv_app.config import SmtpSettings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import EmailOutbox
from introserv_app.services.messaging import MAX_ATTEMPTS, backoff, deliver_due, queue_email
from tests.support.smtp import Inbox, free_port, settings

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtp_server(smtp_port: int) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield inbox
    controller.stop()


def queue(engine: Engine, n: int, now: datetime = T0) -> None:
    with session_scope(engine) as session:
        for i in range(n):
            queue_email(
                session=session,
                to_addr=f"c{i}@example.com",
                subject=f"Invoice {i}",
                body_text=f"Hello {i}",
                body_html=f"<p>Hello {i}</p>",
                now=now,
            )


def statuses(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return [m.status for m in session.exec(select(EmailOutbox).order_by(EmailOutbox.id))]  # type: ignore[arg-type]


def test_messages_are_delivered_with_text_and_html(engine: Engine, smtp_server: Inbox, smtp_port: int) -> None:
    queue(engine, 3)
    report = deliver_due(engine=engine, smtp=settings(smtp_port), now=T0)
    assert report.sent == 3
    assert statuses(engine) == ["sent"] * 3
    assert sorted(m["To"] for m in smtp_server.messages) == ["c0@example.com", "c1@example.com", "c2@example.com"]
    msg = smtp_server.messages[0]
    assert msg.is_multipart() and {p.get_content_type() for p in msg.walk()} >= {"text/plain", "text/html"}
    # nothing is sent twice
    assert deliver_due(engine=engine, smtp=settings(smtp_port), now=T0 + timedelta(hours=1)).sent == 0
    assert len(smtp_server.messages) == 3


def test_nothing_is_lost_while_the_smtp_server_is_down(engine: Engine, smtp_port: int) -> None:
    queue(engine, 2)
    down = deliver_due(engine=engine, smtp=settings(smtp_port), now=T0)
    assert down.retrying == 2 and down.sent == 0
    with session_scope(engine) as session:
        rows = session.exec(select(EmailOutbox)).all()
        assert all(r.status == "pending" and r.attempts == 1 and r.last_error for r in rows)
        assert all(r.next_attempt_at == T0 + backoff(1) for r in rows)
    # not due yet: nothing is tried
    assert deliver_due(engine=engine, smtp=settings(smtp_port), now=T0 + timedelta(seconds=5)).retrying == 0
    # the server comes back: everything arrives exactly once
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        up = deliver_due(engine=engine, smtp=settings(smtp_port), now=T0 + backoff(1))
    finally:
        controller.stop()
    assert up.sent == 2 and len(inbox.messages) == 2
    assert statuses(engine) == ["sent", "sent"]


def test_backoff_grows_and_a_message_fails_after_the_last_attempt(engine: Engine, smtp_port: int) -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30).total_seconds() == 3600
    queue(engine, 1)
    now = T0
    for _ in range(MAX_ATTEMPTS):
        deliver_due(engine=engine, smtp=settings(smtp_port), now=now)
        now += timedelta(hours=2)
    assert statuses(engine) == ["failed"]


def test_without_smtp_settings_messages_wait_in_the_outbox(engine: Engine) -> None:
    queue(engine, 1)
    unset = SmtpSettings(host="", port=25, username="", password="", starttls=False, sender="x@example.com")
    assert deliver_due(engine=engine, smtp=unset, now=T0).sent == 0
    assert statuses(engine) == ["pending"]


def test_a_dedupe_key_queues_a_message_once(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert queue_email(session=session, to_addr="a@example.com", subject="S", body_text="B", dedupe_key="k1")
    with session_scope(engine) as session:
        assert (
            queue_email(session=session, to_addr="a@example.com", subject="S", body_text="B", dedupe_key="k1") is None
        )
    assert statuses(engine) == ["pending"]


def test_header_injection_in_the_subject_is_neutralised(engine: Engine, smtp_server: Inbox, smtp_port: int) -> None:
    with session_scope(engine) as session:
        queue_email(session=session, to_addr="a@example.com", subject="Hi\r\nBcc: victim@example.com", body_text="B")
    deliver_due(engine=engine, smtp=settings(smtp_port), now=datetime.now(UTC))
    assert smtp_server.messages[0]["Bcc"] is None
