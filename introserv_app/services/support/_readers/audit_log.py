"""The audit log for staff: every staff action and security event, filtered, paged and exported to CSV.

Filters: the actor's username, the customer's username (the event's subject), the action (exact, or
a prefix ending in "." such as "order."), and a UTC date range (inclusive days). Newest first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.search import like_escaped
from introserv_app.db.tables import AuditEvent, User, table_of
from introserv_app.domain.csvcells import neutralize_formulas
from introserv_app.domain.text import N_
from introserv_app.domain.validation import clean_search, parse_date
from introserv_app.services.common import access
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

PAGE_SIZE = 50
CSV_CHUNK = 5_000
CSV_COLUMNS = ("id", "created_at", "actor", "customer", "action", "success", "ip", "details")

MSG_UNKNOWN_USER = N_("No user named {username}.")
MSG_BAD_DATE = N_("A date must look like 2025-09-03.")
MSG_REVERSED = N_("The date range ends before it starts.")


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    customer: str = ""
    action: str = ""
    date_from: str = ""
    date_to: str = ""

    def query(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def clean_filters(raw: Mapping[str, object]) -> AuditFilters:
    def text(key: str, limit: int) -> str:
        return clean_search(raw.get(key), limit)

    return AuditFilters(
        actor=text("actor", 64).lower(),
        customer=text("customer", 64).lower(),
        action=text("action", 64),
        date_from=text("from", 10) or text("date_from", 10),
        date_to=text("to", 10) or text("date_to", 10),
    )


def _day(value: str) -> date | None:
    if not value:
        return None
    day = parse_date(value)
    if day is None:
        raise ServiceError(MSG_BAD_DATE)
    return day


def _user_id(session: Session, username: str) -> int:
    uid = session.execute(sa.select(col(User.id)).where(col(User.username) == username)).scalar()
    if uid is None:
        raise ServiceError(MSG_UNKNOWN_USER, username=username)
    return int(uid)


def _statement(session: Session, filters: AuditFilters) -> sa.Select:  # type: ignore[type-arg]
    actor = table_of(User).alias("actor")
    subject = table_of(User).alias("subject")
    stmt = (
        sa.select(
            col(AuditEvent.id),
            col(AuditEvent.created_at),
            actor.c.username,
            subject.c.username,
            col(AuditEvent.action),
            col(AuditEvent.success),
            col(AuditEvent.ip),
            col(AuditEvent.details),
        )
        .outerjoin(actor, actor.c.id == col(AuditEvent.actor_id))
        .outerjoin(subject, subject.c.id == col(AuditEvent.subject_user_id))
    )
    if filters.actor:
        stmt = stmt.where(col(AuditEvent.actor_id) == _user_id(session, filters.actor))
    if filters.customer:
        stmt = stmt.where(col(AuditEvent.subject_user_id) == _user_id(session, filters.customer))
    if filters.action.endswith("."):
        stmt = stmt.where(col(AuditEvent.action).like(like_escaped(filters.action) + "%", escape="\\"))
    elif filters.action:
        stmt = stmt.where(col(AuditEvent.action) == filters.action)
    start, end = _day(filters.date_from), _day(filters.date_to)
    if start and end and end < start:
        raise ServiceError(MSG_REVERSED)
    if start:
        stmt = stmt.where(col(AuditEvent.created_at) >= datetime.combine(start, time(), UTC))
    if end:
        stmt = stmt.where(col(AuditEvent.created_at) < datetime.combine(end + timedelta(days=1), time(), UTC))
    return stmt


@dataclass(frozen=True)
class AuditRow:
    id: int
    created_at: datetime
    actor: str
    customer: str
    action: str
    success: bool
    ip: str
    details: dict[str, object]


def _rows(result: object) -> list[AuditRow]:
    return [
        AuditRow(int(r[0]), r[1], r[2] or "", r[3] or "", r[4], bool(r[5]), r[6] or "", dict(r[7] or {}))
        for r in result  # type: ignore[attr-defined]
    ]


def audit_page(
    *, session: Session, viewer: Viewer, filters: AuditFilters, page: int = 1, ip: str = ""
) -> tuple[list[AuditRow], int, bool]:
    """(rows, page, has_next): one page, newest first. Pages by offset with one extra row to know whether
    a next page exists (a count over millions of events would cost more than the page)."""
    access.require_staff(session=session, viewer=viewer, target="audit.view", ip=ip)
    stmt = _statement(session, filters)
    page = max(1, min(page, 100_000))
    result = session.execute(
        stmt.order_by(col(AuditEvent.created_at).desc(), col(AuditEvent.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    rows = _rows(result)
    return rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE


def check_export(*, session: Session, viewer: Viewer, filters: AuditFilters, ip: str = "") -> None:
    """Refuse (audited) a viewer who is not staff; check the filters before the download starts."""
    access.require_staff(session=session, viewer=viewer, target="audit.export", ip=ip)
    _statement(session, filters)


def iter_audit_csv(*, session: Session, filters: AuditFilters) -> Iterator[str]:
    """The filtered events as CSV (UTF-8, header first), newest first, a chunk at a time. Keyset paging
    on (created_at, id) keeps each chunk's query cheap however far the export has got."""
    yield pd.DataFrame(columns=list(CSV_COLUMNS)).to_csv(index=False, lineterminator="\r\n")
    base = _statement(session, filters)
    after: tuple[datetime, int] | None = None
    while True:
        stmt = base
        if after is not None:
            stmt = stmt.where(
                sa.or_(
                    col(AuditEvent.created_at) < after[0],
                    sa.and_(col(AuditEvent.created_at) == after[0], col(AuditEvent.id) < after[1]),
                )
            )
        rows = _rows(
            session.execute(
                stmt.order_by(col(AuditEvent.created_at).desc(), col(AuditEvent.id).desc()).limit(CSV_CHUNK)
            ).all()
        )
        if not rows:
            return
        frame = pd.DataFrame(
            {
                "id": [r.id for r in rows],
                "created_at": [r.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for r in rows],
                "actor": neutralize_formulas([r.actor for r in rows]),
                "customer": neutralize_formulas([r.customer for r in rows]),
                "action": [r.action for r in rows],
                "success": ["true" if r.success else "false" for r in rows],
                "ip": neutralize_formulas([r.ip for r in rows]),
                "details": neutralize_formulas(
                    [json.dumps(r.details, ensure_ascii=False, sort_keys=True, default=str) for r in rows]
                ),
            }
        )
        yield frame.to_csv(index=False, header=False, lineterminator="\r\n")
        if len(rows) < CSV_CHUNK:
            return
        after = (rows[-1].created_at, rows[-1].id)
