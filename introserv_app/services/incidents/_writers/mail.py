"""An incident's mails: one outbox message per affected customer and event (opened, update, resolved), in the
customer's language, to their support notification address (Settings; the main address when it is empty: the rule
of `messaging.recipient_of`). Written set-based, `INSERT ... SELECT` per language and batch of customers, in the
caller's transaction; `messaging.deliver_due` sends them like every other message."""

from __future__ import annotations

import html
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from introserv_app.config import get_settings
from introserv_app.db.sql import key_expr, timestamp_literal
from introserv_app.db.tables import EmailOutbox, Incident, IncidentCustomer, Profile, User, table_of
from introserv_app.domain.incidents import SEVERITIES
from introserv_app.domain.statuses import OutboxStatus
from introserv_app.domain.text import N_
from introserv_app.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, gettext
from introserv_app.services.incidents._rules import pick, title_of

#: Customers per INSERT ... SELECT (each batch is one statement per language).
MAIL_BATCH = 5000

MAIL_GREETING = N_("Hello {name},")
MAIL_SIGNATURE = N_("INTROSERV billing")
MAIL_OPENED_SUBJECT = N_("Incident: {title}")
MAIL_UPDATE_SUBJECT = N_("Update: {title}")
MAIL_RESOLVED_SUBJECT = N_("Resolved: {title}")
MAIL_FOLLOW = N_("Follow the incident in your INTROSERV panel: {link}")
MAIL_SEVERITY = N_("Severity: {severity}")

_NAME = "\x00name\x00"  # where the customer's name goes (filled in SQL)


def _texts(lang: str, subject_id: str, title: str, lines: list[str], link: str) -> tuple[str, str, str]:
    """(subject, plain text, HTML) in `lang` with `_NAME` where the name goes."""
    greeting = gettext(lang, MAIL_GREETING).format(name=_NAME)
    follow = gettext(lang, MAIL_FOLLOW)
    signature = gettext(lang, MAIL_SIGNATURE)
    text = "\n\n".join([greeting, title, *lines, follow.format(link=link), f"— {signature}"]) + "\n"
    e = html.escape
    body = "".join(f'<p style="margin:0 0 8px">{e(line)}</p>' for block in lines for line in block.splitlines() if line)
    anchor = f'<a href="{e(link)}">{e(link)}</a>'
    page = (
        '<!doctype html><html><body style="font-family:sans-serif;color:#1c2024">'
        f"<p>{e(greeting)}</p><h3>{e(title)}</h3>{body}"
        f'<p style="margin-top:24px">{e(follow).format(link=anchor)}</p><p>— {e(signature)}</p></body></html>'
    )
    subject = gettext(lang, subject_id).format(title=title).replace("\r", " ").replace("\n", " ")[:255]
    return subject, text, page


def _with_name(template: str, name: Any) -> Any:
    """The template as a SQL string expression, the name put in where `_NAME` stands."""
    parts = template.split(_NAME)
    expr: Any = sa.literal(parts[0])
    for part in parts[1:]:
        expr = expr + name + sa.literal(part)
    return expr


def _escaped(value: Any) -> Any:
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        value = sa.func.replace(value, raw, entity)
    return value


def queue_mails(session: Session, incident: Incident, event: str, now: Any, texts: dict[str, tuple[str, ...]]) -> int:
    """Queue the mail of `event` ("open", "u<update id>", "resolved") for every customer `incident` affects.
    `texts[lang]` = (subject msgid, text, text, ...) in that language. Returns the messages written."""
    ic, p, u = table_of(IncidentCustomer).c, table_of(Profile).c, table_of(User).c
    out = table_of(EmailOutbox)
    link = f"{get_settings().base_url}/incidents/{incident.id}"
    address = sa.func.coalesce(sa.func.nullif(p.email_support, ""), sa.func.nullif(p.email, ""))
    name = sa.func.coalesce(sa.func.nullif(p.first_name, ""), u.username)
    others = [lang for lang in SUPPORTED_LANGUAGES if lang != DEFAULT_LANGUAGE]
    prepared = {}
    for lang in SUPPORTED_LANGUAGES:
        subject_id, *lines = texts[lang]
        subject, text, page = _texts(lang, subject_id, title_of(incident, lang), lines, link)
        speaks = (
            p.language == lang if lang != DEFAULT_LANGUAGE else sa.or_(p.language.is_(None), p.language.notin_(others))
        )
        prepared[lang] = (subject, _with_name(text, name), _with_name(page, _escaped(name)), speaks)
    written, last = 0, 0
    mine = ic.incident_id == incident.id
    while True:
        window = sa.select(ic.user_id).where(mine, ic.user_id > last).order_by(ic.user_id).limit(MAIL_BATCH).subquery()
        upto = session.execute(sa.select(sa.func.max(window.c.user_id))).scalar()
        if upto is None:
            return written
        for subject, text, page, speaks in prepared.values():
            rows = (
                sa.select(
                    ic.user_id, address, sa.literal(subject), text, page, sa.literal(OutboxStatus.PENDING.value),
                    sa.literal(0), key_expr(f"incident:{incident.id}:{event}", ic.user_id), timestamp_literal(now),
                    timestamp_literal(now),
                )
                .select_from(sa.join(table_of(IncidentCustomer), table_of(Profile), p.user_id == ic.user_id)
                             .join(table_of(User), u.id == ic.user_id))
                .where(mine, ic.user_id > last, ic.user_id <= upto, address.is_not(None), speaks)
            )  # fmt: skip
            columns = ("user_id", "to_addr", "subject", "body_text", "body_html", "status", "attempts", "dedupe_key",
                       "created_at", "next_attempt_at")  # fmt: skip
            result = session.execute(sa.insert(out).from_select(columns, rows))
            written += int(result.rowcount or 0)  # type: ignore[attr-defined]
        last = int(upto)


def event_texts(incident: Incident, event: str, text: tuple[str | None, str | None] = (None, None)) -> dict[str, Any]:
    """What each language's mail says for `event`: the opening (severity and text), an update or the resolution."""
    out: dict[str, tuple[str, ...]] = {}
    for lang in SUPPORTED_LANGUAGES:
        if event == "open":
            severity = gettext(lang, MAIL_SEVERITY).format(severity=gettext(lang, SEVERITIES[incident.severity]))
            out[lang] = (MAIL_OPENED_SUBJECT, severity, pick(lang, incident.body_en, incident.body_ru))
        elif event == "resolved":
            out[lang] = (MAIL_RESOLVED_SUBJECT, pick(lang, incident.resolution_en, incident.resolution_ru))
        else:
            out[lang] = (MAIL_UPDATE_SUBJECT, pick(lang, *text))
    return out
