"""Staff selector for the email outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.db.tables import EmailOutbox
from introserv_app.domain.statuses import OUTBOX_STATUS_LABELS, OutboxStatus
from introserv_app.services.common import access
from introserv_app.services.common.viewer import Viewer

#: Outbox statuses and their labels.
OUTBOX_STATUSES = tuple(OUTBOX_STATUS_LABELS)
PAGE_SIZE = 50


@dataclass(frozen=True)
class OutboxRow:
    id: int
    to_addr: str
    subject: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class OutboxPage:
    rows: list[OutboxRow]
    counts: dict[str, int]


def outbox_page(*, session: Session, viewer: Viewer, status: str | None = None, ip: str = "") -> OutboxPage:
    """The latest messages (waiting and failed first when no status is given). Staff only."""
    access.require_staff(session=session, viewer=viewer, target="email.outbox", ip=ip)
    counts = dict.fromkeys(OUTBOX_STATUSES, 0)
    for st, n in session.exec(select(EmailOutbox.status, sa.func.count()).group_by(EmailOutbox.status)).all():
        counts[st] = int(n)
    q = select(EmailOutbox)
    if status in OUTBOX_STATUSES:
        q = q.where(EmailOutbox.status == status)
    q = q.order_by(
        sa.case((col(EmailOutbox.status) == OutboxStatus.SENT, 1), else_=0), col(EmailOutbox.id).desc()
    ).limit(PAGE_SIZE)
    rows = [
        OutboxRow(
            id=m.id or 0,
            to_addr=m.to_addr,
            subject=m.subject,
            status=m.status,
            attempts=m.attempts,
            last_error=m.last_error or "",
            created_at=m.created_at,
            next_attempt_at=m.next_attempt_at,
            sent_at=m.sent_at,
        )
        for m in session.exec(q).all()
    ]
    return OutboxPage(rows=rows, counts=counts)
