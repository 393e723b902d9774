"""Notifications: created by the features (`notify`), resolved when their cause ends, dismissed by the customer, mailed
in batches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import EmailOutbox, Notification, Order, Profile, User, table_of
from introserv_app.db.types import utcnow
from introserv_app.domain.statuses import OutboxStatus
from introserv_app.domain.validation import TextError, check_text, is_row_id
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.paylink_token import pay_url
from introserv_app.services.common.scope import MSG_ORDER_NOT_FOUND
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging._readers.notifications import _open
from introserv_app.services.messaging._rules import (
    MSG_BAD_SEVERITY,
    MSG_CRITICAL,
    MSG_NOT_FOUND,
    MSG_NOTICE_CHARACTERS,
    MSG_NOTICE_EMPTY,
    MSG_NOTICE_LONG,
    NOTICE_MAX,
    ORDER_ATTENTION_KINDS,
    SEVERITIES,
    STICKY_KINDS,
)
from introserv_app.services.messaging._templates import (
    ADDRESS_COMPLAINTS,
    ADDRESS_SUPPORT,
    TEMPLATES,
    email_texts,
    render,
)

DISPATCH_BATCH = 2000


def notify(
    *,
    session: Session,
    user_id: int,
    kind: str,
    params: dict[str, object] | None = None,
    order_id: int | None = None,
    severity: str | None = None,
    body: str = "",
    dedupe_key: str | None = None,
    email_now: bool = True,
    now: datetime | None = None,
    mailed_apart: bool = False,
) -> Notification | None:
    """Store one notification (a repeated `dedupe_key` stores nothing and returns None); with `email_now`
    its email goes to the outbox in the same transaction; `mailed_apart`: its own mail was sent by the caller
    (an issued invoice with its PDF), so none is made from it."""
    now = now or utcnow()
    if dedupe_key is not None:
        exists = session.exec(select(Notification.id).where(Notification.dedupe_key == dedupe_key)).first()
        if exists is not None:
            return None
    template = TEMPLATES[kind]
    row = Notification(
        user_id=user_id,
        order_id=order_id,
        severity=severity or template.severity,
        kind=kind,
        title=template.title[:200],
        body=body,
        params=dict(params or {}),
        dedupe_key=dedupe_key,
        email_state="queued" if mailed_apart else "pending",
        created_at=now,
    )
    session.add(row)
    session.flush()
    if email_now and not mailed_apart:
        _queue(session, [row], now)
    return row


def resolve(
    *, session: Session, order_ids: int | Any, kinds: Sequence[str] = ORDER_ATTENTION_KINDS, now: datetime
) -> None:
    """The open notifications of these kinds about an order (an id) or orders (a SELECT of ids) are
    resolved: their banners go."""
    n = table_of(Notification).c
    about = n.order_id == order_ids if isinstance(order_ids, int) else n.order_id.in_(order_ids)
    session.execute(
        sa.update(table_of(Notification))
        .where(about, n.kind.in_(kinds), n.resolved_at.is_(None))
        .values(resolved_at=now)
    )


@dataclass(frozen=True)
class _Recipient:
    name: str
    lang: str
    addresses: dict[str, str]
    #: Pays without signing in: mails carry pay links (`Profile.pay_without_auth`).
    pay_links: bool = False


def _recipients(session: Session, user_ids: Iterable[int]) -> dict[int, _Recipient]:
    ids = sorted(set(user_ids))
    out: dict[int, _Recipient] = {}
    for chunk in range(0, len(ids), 500):
        rows = session.exec(
            select(  # type: ignore[call-overload]
                col(Profile.user_id),
                col(User.username),
                col(Profile.first_name),
                col(Profile.language),
                col(Profile.email),
                col(Profile.email_invoices),
                col(Profile.email_support),
                col(Profile.email_complaints),
                col(Profile.pay_without_auth),
            )
            .join(User, col(User.id) == col(Profile.user_id))
            .where(col(Profile.user_id).in_(ids[chunk : chunk + 500]))
        ).all()
        for uid, username, first, lang, main, invoices, support, complaints, links in rows:
            out[uid] = _Recipient(
                name=first or username,
                lang=lang or "en",
                addresses={
                    "invoices": invoices or main or "",
                    ADDRESS_SUPPORT: support or main or "",
                    ADDRESS_COMPLAINTS: complaints or main or "",
                },
                pay_links=bool(links),
            )
    return out


def recipient_of(session: Session, user_id: int) -> _Recipient | None:
    """Whom a customer's mails go to: name, language, addresses by purpose, whether mails carry pay links."""
    return _recipients(session, [user_id]).get(user_id)


def _with_pay(params: dict[str, Any], user_id: int, who: _Recipient, now: datetime) -> dict[str, Any]:
    """A mail about an unpaid invoice says where to pay it (`paylink_token.pay_url`: the pay link when allowed)."""
    invoice_id, number = params.get("invoice_id"), params.get("invoice")
    if isinstance(invoice_id, int) and isinstance(number, str) and number:
        url = pay_url(invoice_id=invoice_id, user_id=user_id, number=number, links_allowed=who.pay_links, now=now)
        return {**params, "pay": url}
    return params


def _queue(session: Session, rows: Sequence[Any], now: datetime) -> int:
    """Write the emails of `rows` (notifications, or rows with their id, user_id, kind, params, body and
    created_at) one per customer and address, and mark the rows queued."""
    recipients = _recipients(session, (r.user_id for r in rows))
    link = f"{get_settings().base_url}/notifications"
    groups: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for row in rows:
        who = recipients.get(row.user_id)
        template = TEMPLATES.get(row.kind)
        address = who.addresses.get(template.address if template else "invoices", "") if who else ""
        if address:
            groups[(row.user_id, address)].append(row)
    outbox = []
    for (user_id, address), items in groups.items():
        who = recipients[user_id]
        rendered = [
            render(n.kind, _with_pay(n.params or {}, user_id, who, now), n.body, who.lang,
                   n.created_at.date() if n.created_at else None)
            for n in items
        ]  # fmt: skip
        subject, text, body_html = email_texts(items=rendered, name=who.name, lang=who.lang, link=link)
        ids = [n.id for n in items]
        outbox.append(
            {
                "user_id": user_id,
                "to_addr": address[:254],
                "subject": subject.replace("\r", " ").replace("\n", " ")[:255],
                "body_text": text,
                "body_html": body_html,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "dedupe_key": f"notif:{ids[0]}:{ids[-1]}:{len(ids)}"[:128],
                "created_at": now,
                "next_attempt_at": now,
            }
        )
    if outbox:
        session.connection().execute(sa.insert(table_of(EmailOutbox)), outbox)
    ids = [r.id for r in rows]
    for chunk in range(0, len(ids), 900):
        session.execute(
            sa.update(Notification)
            .execution_options(synchronize_session=False)
            .where(col(Notification.id).in_(ids[chunk : chunk + 900]))
            .values(email_state="queued")
        )
    return len(outbox)


def dispatch_emails(*, engine: Engine, now: datetime | None = None, batch: int | None = None) -> int:
    """Write the emails of every notification still pending, batch by batch; returns emails written."""
    now = now or utcnow()
    batch = batch or DISPATCH_BATCH
    written = 0
    last_id = 0
    while True:
        with session_scope(engine) as session:
            t = table_of(Notification).c
            rows = list(
                session.connection()
                .execute(
                    sa.select(t.id, t.user_id, t.kind, t.params, t.body, t.created_at)
                    .where(t.email_state == "pending", t.id > last_id)
                    .order_by(t.id)
                    .limit(batch)
                )
                .all()
            )
            if not rows:
                return written
            last_id = rows[-1].id or last_id
            written += _queue(session, rows, now)


def dismiss(*, session: Session, viewer: Viewer, notification_id: int, now: datetime | None = None) -> None:
    """Hide one of the viewer's banners; a suspension notice stays until resolved."""
    now = now or utcnow()
    row = session.get(Notification, notification_id) if is_row_id(notification_id) else None
    if row is None or row.user_id != viewer.user_id:
        access.record_denied(
            session=session, viewer=viewer, target="notification.dismiss", details={"id": str(notification_id)[:40]}
        )
        raise ServiceError(MSG_NOT_FOUND)
    if row.kind in STICKY_KINDS and row.resolved_at is None:
        raise ServiceError(MSG_CRITICAL)
    if row.dismissed_at is None:
        row.dismissed_at = now


def dismiss_all(*, session: Session, viewer: Viewer, now: datetime | None = None) -> int:
    """Hide every open banner of the viewer that may be hidden; returns how many."""
    now = now or utcnow()
    result = session.execute(
        sa.update(Notification)
        .execution_options(synchronize_session=False)
        .where(*_open(viewer.user_id), col(Notification.kind).notin_(STICKY_KINDS))
        .values(dismissed_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def post_notice(
    *,
    session: Session,
    viewer: Viewer,
    order_id: int,
    message: object,
    severity: object = "warning",
    ip: str = "",
    now: datetime | None = None,
) -> Notification:
    """Support tells the owner of an order something (e.g. a server error): banner and email."""
    now = now or utcnow()
    access.require_staff(session=session, viewer=viewer, target="order.notice", ip=ip)
    try:
        text = check_text(message, max_len=NOTICE_MAX, multiline=True)
    except TextError as exc:
        raise ServiceError(MSG_NOTICE_CHARACTERS if exc.problem == "characters" else MSG_NOTICE_LONG) from None
    if not text:
        raise ServiceError(MSG_NOTICE_EMPTY)
    if severity not in SEVERITIES:
        raise ServiceError(MSG_BAD_SEVERITY)
    order = session.get(Order, order_id) if is_row_id(order_id) else None
    if order is None:
        raise ServiceError(MSG_ORDER_NOT_FOUND)
    row = notify(
        session=session,
        user_id=order.user_id,
        kind="notice",
        params={"order": order.service_name},
        order_id=order.id,
        severity=str(severity),
        body=text,
        now=now,
    )
    assert row is not None
    audit.record(
        session=session,
        action="order.notice",
        actor_id=viewer.user_id,
        subject_user_id=order.user_id,
        ip=ip,
        details={"order_id": order.id, "severity": severity, "notice": text[:200]},
        now=now,
    )
    return row
