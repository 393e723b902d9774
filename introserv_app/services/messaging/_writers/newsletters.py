"""Newsletters: staff write one in English and Russian, send it once to the subscribers (each in their language,
through the outbox, throttled), and anyone unsubscribes with the one-click link of a newsletter mail."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.db.tables import EmailOutbox, Newsletter, Profile
from introserv_app.db.types import utcnow
from introserv_app.domain.statuses import OutboxStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.i18n import translate_message
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.unsubscribe_token import link_of, unsubscribe_url
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging._readers.newsletters import subscribers

SUBJECT_MAX, BODY_MAX = 200, 20_000
MSG_SUBJECT = N_("Write a subject of at most 200 characters in English and in Russian.")
MSG_BODY = N_("Write the text in English and in Russian (at most 20,000 characters each).")
MSG_NOT_FOUND = N_("Newsletter not found.")
MSG_ALREADY_SENT = N_("This newsletter has already been sent.")
MSG_BAD_LINK = N_("This unsubscribe link is not valid. Turn the newsletter off in Settings instead.")
MSG_FOOTER = N_(
    "You receive this newsletter because you subscribed to it in the INTROSERV panel. Unsubscribe with one click: {url}"
)
BATCH = 1000


def _text(raw: object, maximum: int) -> str | None:
    if not isinstance(raw, str):
        return None
    text = raw.replace("\r\n", "\n").strip()
    if not text or len(text) > maximum or any(ord(c) < 32 and c not in "\n\t" for c in text):
        return None
    return text


def save_newsletter(
    *,
    session: Session,
    viewer: Viewer,
    subject_en: object,
    subject_ru: object,
    body_en: object,
    body_ru: object,
    newsletter_id: int | None = None,
    ip: str = "",
) -> Newsletter:
    """A new draft, or the changed texts of a draft (support and admins)."""
    access.require_staff(session=session, viewer=viewer, target="newsletter.save", ip=ip)
    subjects = [_text(s, SUBJECT_MAX) for s in (subject_en, subject_ru)]
    bodies = [_text(b, BODY_MAX) for b in (body_en, body_ru)]
    if None in subjects or any("\n" in s for s in subjects if s):
        raise ServiceError(MSG_SUBJECT)
    if None in bodies:
        raise ServiceError(MSG_BODY)
    if newsletter_id is None:
        letter = Newsletter(created_by=viewer.user_id, subject_en="", subject_ru="", body_en="", body_ru="")
        session.add(letter)
    else:
        found = session.get(Newsletter, newsletter_id) if is_row_id(newsletter_id) else None
        if found is None:
            raise ServiceError(MSG_NOT_FOUND)
        if found.state != "draft":
            raise ServiceError(MSG_ALREADY_SENT)
        letter = found
    letter.subject_en, letter.subject_ru = subjects  # type: ignore[assignment]
    letter.body_en, letter.body_ru = bodies  # type: ignore[assignment]
    session.flush()
    audit.record(
        session=session,
        action="newsletter.save",
        actor_id=viewer.user_id,
        ip=ip,
        details={"newsletter": letter.id, "subject": letter.subject_en[:100]},
    )
    return letter


def mail_text(letter: Newsletter, lang: str, user_id: int) -> tuple[str, str]:
    """The subject and text a subscriber gets (their language; the one-click link at the end)."""
    subject, body = (letter.subject_ru, letter.body_ru) if lang == "ru" else (letter.subject_en, letter.body_en)
    footer = translate_message(lang, MSG_FOOTER, {"url": unsubscribe_url(user_id, letter.id)})
    return subject, f"{body}\n\n--\n{footer}\n"


def send_newsletter(
    *, session: Session, viewer: Viewer, newsletter_id: int, ip: str = "", now: datetime | None = None
) -> int:
    """Queue the newsletter for every subscriber, once: a second send (another tab, another staff member, a double
    click) is refused. The mails go out after the transactional ones, `INTROSERV_NEWSLETTER_PER_RUN` a run."""
    now = now or utcnow()
    access.require_staff(session=session, viewer=viewer, target="newsletter.send", ip=ip)
    if not is_row_id(newsletter_id) or session.get(Newsletter, newsletter_id) is None:
        raise ServiceError(MSG_NOT_FOUND)
    claimed = session.execute(
        sa.update(Newsletter)
        .where(col(Newsletter.id) == newsletter_id, col(Newsletter.state) == "draft")
        .values(state="sent", sent_by=viewer.user_id, sent_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise ServiceError(MSG_ALREADY_SENT)
    letter = session.exec(select(Newsletter).where(col(Newsletter.id) == newsletter_id)).one()
    session.refresh(letter)
    count, rows = 0, []
    for user_id, address, lang in subscribers(session=session):
        subject, body = mail_text(letter, lang, user_id)
        rows.append(
            {
                "user_id": user_id,
                "to_addr": address[:254],
                "subject": subject.replace("\n", " ")[:255],
                "body_text": body,
                "status": OutboxStatus.PENDING.value,
                "attempts": 0,
                "dedupe_key": f"newsletter:{newsletter_id}:{user_id}",
                "created_at": now,
                "next_attempt_at": now,
                "bulk": True,
                "list_unsubscribe": unsubscribe_url(user_id, newsletter_id),
            }
        )
        if len(rows) == BATCH:
            session.execute(sa.insert(EmailOutbox), rows)
            count, rows = count + len(rows), []
    if rows:
        session.execute(sa.insert(EmailOutbox), rows)
        count += len(rows)
    letter.recipients = count
    audit.record(
        session=session,
        action="newsletter.send",
        actor_id=viewer.user_id,
        ip=ip,
        details={"newsletter": newsletter_id, "recipients": count},
    )
    return count


def unsubscribe(*, session: Session, token: str, via: str, ip: str = "") -> str:
    """Turn the newsletter off for the account a newsletter mail's link names (no sign-in: the link is the proof).
    Returns the account's language, for the answer. Repeating it changes nothing and is not audited again."""
    link = link_of(token)
    profile = session.get(Profile, link.user_id) if link is not None else None
    if link is None or profile is None:
        raise ServiceError(MSG_BAD_LINK)
    if profile.newsletter:
        profile.newsletter = False
        audit.record(
            session=session,
            action="newsletter.unsubscribe",
            actor_id=profile.user_id,
            subject_user_id=profile.user_id,
            ip=ip,
            details={"via": via[:40], "newsletter": link.newsletter_id},
        )
    return profile.language or "en"
