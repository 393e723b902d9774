"""The email service: messages are written to `email_outbox`; `deliver_due` sends them over SMTP.

Nothing is lost when the SMTP server is down: a failed attempt is retried with exponential backoff,
and a message is only marked `sent` after the server accepted it. Several workers may run the
sender at once: each message is claimed with a conditional UPDATE (a lease) before it is sent.
"""

from __future__ import annotations

import email.policy
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from introserv_app.config import SmtpSettings, get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import EmailOutbox
from introserv_app.db.types import utcnow
from introserv_app.domain.statuses import OutboxStatus
from introserv_app.domain.validation import is_row_id
from introserv_app.services.common import access, audit
from introserv_app.services.common.viewer import Viewer

MAX_ATTEMPTS = 12
LEASE = timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt after `attempts` failures: 30 s doubling, at most 1 h."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def queue_email(
    *,
    session: Session,
    to_addr: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    user_id: int | None = None,
    dedupe_key: str | None = None,
    now: datetime | None = None,
    attachment: tuple[str, str] | None = None,
) -> EmailOutbox | None:
    """Add a message to the outbox in the caller's transaction. A repeated `dedupe_key` adds nothing."""
    now = now or utcnow()
    if dedupe_key is not None:
        existing = session.exec(select(EmailOutbox).where(EmailOutbox.dedupe_key == dedupe_key)).first()
        if existing is not None:
            return None
    msg = EmailOutbox(
        user_id=user_id,
        to_addr=to_addr[:254],
        subject=subject.replace("\r", " ").replace("\n", " ")[:255],
        body_text=body_text,
        body_html=body_html,
        dedupe_key=dedupe_key,
        created_at=now,
        next_attempt_at=now,
        attachment_name=attachment[0][:100] if attachment else None,
        attachment_ref=attachment[1][:100] if attachment else None,
    )
    session.add(msg)
    return msg


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


#: Headers are not folded: CPython's folding of encoded words drops the space between two words where
#: it splits a non-ASCII subject ("приостановлен за" arrives as "приостановленза").
_POLICY = email.policy.default.clone(max_line_length=998)


def _build(msg: EmailOutbox, sender: str, session: Session) -> EmailMessage:
    out = EmailMessage(policy=_POLICY)
    out["From"] = sender
    out["To"] = msg.to_addr
    out["Subject"] = msg.subject
    out["Message-ID"] = make_msgid(domain="introserv.local")
    if msg.list_unsubscribe:  # RFC 2369 and RFC 8058: mail clients offer (and POST) a one-click unsubscribe
        out["List-Unsubscribe"] = f"<{msg.list_unsubscribe}>"
        out["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    out.set_content(msg.body_text)
    if msg.body_html:
        out.add_alternative(msg.body_html, subtype="html")
    if msg.attachment_ref and msg.attachment_name:
        kind, _, argument = msg.attachment_ref.partition(":")
        make = _ATTACHMENTS.get(kind)
        if make is None:
            raise LookupError(f"no maker of {kind!r} attachments is registered")
        data = make(argument, session)
        if data is not None:  # None: what it showed is gone; the mail goes without it
            out.add_attachment(data, maintype="application", subtype="pdf", filename=msg.attachment_name)
    return out


#: Who makes an attached file when a message is sent: kind -> maker(argument, session) -> PDF bytes (or None).
_ATTACHMENTS: dict[str, Callable[[str, Session], bytes | None]] = {}


def register_attachment(kind: str, make: Callable[[str, Session], bytes | None]) -> None:
    """Let `queue_email(attachment=(file name, "<kind>:<argument>"))` attach what `make(argument, session)` returns
    at delivery (features above messaging register their documents this way: billing registers invoices)."""
    _ATTACHMENTS[kind] = make


def _due(session: Session, now: datetime, limit: int, *, bulk: bool) -> list[EmailOutbox]:
    if limit <= 0:
        return []
    return list(
        session.exec(
            select(EmailOutbox)
            .where(
                EmailOutbox.status == OutboxStatus.PENDING,
                EmailOutbox.next_attempt_at <= now,  # type: ignore[operator]
                EmailOutbox.bulk == bulk,
            )
            .order_by(EmailOutbox.id)  # type: ignore[arg-type]
            .limit(limit)
        ).all()
    )


def _claim(engine: Engine, now: datetime, limit: int, bulk_limit: int) -> list[EmailOutbox]:
    """Take a lease on up to `limit` due messages, the transactional ones first and at most `bulk_limit` newsletter
    mails after them; rows another worker claimed are skipped."""
    claimed: list[EmailOutbox] = []
    with session_scope(engine) as session:
        due = _due(session, now, limit, bulk=False)
        due += _due(session, now, min(limit - len(due), bulk_limit), bulk=True)
        for msg in due:
            result = session.execute(
                sa.update(EmailOutbox)
                .where(
                    EmailOutbox.id == msg.id,  # type: ignore[arg-type]
                    EmailOutbox.status == OutboxStatus.PENDING,  # type: ignore[arg-type]
                    EmailOutbox.next_attempt_at == msg.next_attempt_at,  # type: ignore[arg-type]
                )
                .values(next_attempt_at=now + LEASE)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(msg)
    return claimed


def deliver_due(
    *,
    engine: Engine,
    smtp: SmtpSettings,
    now: datetime | None = None,
    limit: int = 100,
    bulk_limit: int | None = None,
) -> DeliveryReport:
    """Send the due messages (newsletters throttled to `bulk_limit`, `INTROSERV_NEWSLETTER_PER_RUN`, per run, after
    the transactional ones). Without SMTP settings nothing is sent and messages wait in the outbox."""
    if not smtp.configured:
        return DeliveryReport()
    now = now or utcnow()
    claimed = _claim(engine, now, limit, get_settings().newsletter_per_run if bulk_limit is None else bulk_limit)
    if not claimed:
        return DeliveryReport()
    outcomes: dict[int, str | None] = {}
    built: dict[int, EmailMessage] = {}
    with session_scope(engine) as session:  # made before connecting: attachments may take a moment each
        for msg in claimed:
            try:
                built[msg.id or 0] = _build(msg, smtp.sender, session)
            except Exception as exc:  # noqa: BLE001 - a message that cannot be made is retried; the others go
                outcomes[msg.id or 0] = f"could not make the message: {type(exc).__name__}: {exc}"[:500]
    client: smtplib.SMTP | None = None
    try:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=15)
        if smtp.starttls:
            client.starttls()
        if smtp.username:
            client.login(smtp.username, smtp.password)
        for msg in claimed:
            message = built.get(msg.id or 0)
            if message is None:
                continue
            try:
                client.send_message(message)
                outcomes[msg.id] = None  # type: ignore[index]
            except (smtplib.SMTPException, OSError) as exc:
                outcomes[msg.id] = f"{type(exc).__name__}: {exc}"[:500]  # type: ignore[index]
    except (smtplib.SMTPException, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
        for msg in claimed:
            outcomes.setdefault(msg.id, error)  # type: ignore[arg-type]
    finally:
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                pass
    sent = retrying = failed = 0
    with session_scope(engine) as session:
        for msg in claimed:
            row = session.get(EmailOutbox, msg.id)
            if row is None:
                continue
            outcome = outcomes.get(msg.id or 0)
            if outcome is None:
                row.status, row.sent_at, row.last_error = OutboxStatus.SENT, utcnow(), None
                sent += 1
                continue
            row.attempts += 1
            row.last_error = outcome
            if row.attempts >= MAX_ATTEMPTS:
                row.status = OutboxStatus.FAILED
                failed += 1
            else:
                row.next_attempt_at = now + backoff(row.attempts)
                retrying += 1
    return DeliveryReport(sent=sent, retrying=retrying, failed=failed)


def retry_message(
    *, session: Session, message_id: int, viewer: Viewer, ip: str = "", now: datetime | None = None
) -> bool:
    """Staff: put a failed (or waiting) message back in the queue for immediate delivery."""
    now = now or utcnow()
    access.require_staff(session=session, viewer=viewer, target="email.retry", ip=ip)
    if not is_row_id(message_id):
        return False
    msg = session.get(EmailOutbox, message_id)
    if msg is None or msg.status == OutboxStatus.SENT:
        return False
    msg.status, msg.attempts, msg.next_attempt_at = OutboxStatus.PENDING, 0, now
    audit.record(
        session=session,
        action="email.retry",
        actor_id=viewer.user_id,
        subject_user_id=msg.user_id,
        details={"email_id": message_id},
        now=now,
    )
    return True
