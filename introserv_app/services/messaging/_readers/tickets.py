"""Tickets as lists and threads: the customer's own, the staff queue with its filters, counts by age."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.tables import Order, Ticket, TicketMessage, User, table_of
from introserv_app.db.types import utcnow
from introserv_app.domain.roles import Role
from introserv_app.domain.statuses import TICKET_STATUS_LABELS, TicketStatus
from introserv_app.domain.validation import is_row_id
from introserv_app.services.common import access
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging._rules import (
    ACTIVE_STATUSES,
    AGES,
    CATEGORIES,
    MSG_TICKET_NOT_FOUND,
    PAGE_SIZE,
)


@dataclass(frozen=True)
class TicketRow:
    id: int
    subject: str
    category: str
    status: str
    order_id: int | None
    order_name: str
    customer: str
    created_at: datetime
    updated_at: datetime
    messages: int
    assigned: str = ""


@dataclass(frozen=True)
class TicketMessageView:
    author: str
    is_staff: bool
    body: str
    created_at: datetime


@dataclass(frozen=True)
class TicketThread:
    ticket: TicketRow
    messages: list[TicketMessageView]


def _base(owner_id: int | None) -> sa.Select:  # type: ignore[type-arg]
    """Ticket rows with their order, customer, message count and assignee; one customer's (None: all)."""
    messages = (
        sa.select(sa.func.count())
        .where(col(TicketMessage.ticket_id) == col(Ticket.id))
        .correlate(Ticket)
        .scalar_subquery()
    )
    assignee = table_of(User).alias("assignee")
    stmt = (
        sa.select(
            col(Ticket.id),
            col(Ticket.subject),
            col(Ticket.category),
            col(Ticket.status),
            col(Ticket.order_id),
            col(Order.service_name),
            col(User.username),
            col(Ticket.created_at),
            col(Ticket.updated_at),
            messages,
            assignee.c.username,
        )
        .join(User, col(User.id) == col(Ticket.user_id))
        .outerjoin(Order, col(Order.id) == col(Ticket.order_id))
        .outerjoin(assignee, assignee.c.id == col(Ticket.assigned_to))
    )
    if owner_id is not None:
        stmt = stmt.where(col(Ticket.user_id) == owner_id)
    return stmt


def _scope(viewer: Viewer) -> int | None:
    """Whose tickets the viewer sees: their own, or (staff) everyone's."""
    return None if viewer.is_staff else viewer.user_id


def _row(r: sa.Row, staff: bool) -> TicketRow:  # type: ignore[type-arg]
    return TicketRow(
        id=int(r[0]),
        subject=r[1],
        category=r[2],
        status=r[3],
        order_id=r[4],
        order_name=r[5] or "",
        customer=r[6] if staff else "",
        created_at=r[7],
        updated_at=r[8],
        messages=int(r[9]),
        assigned=(r[10] or "") if staff else "",
    )


def tickets_page(
    *, session: Session, viewer: Viewer, order_id: int | None = None, page: int = 1
) -> tuple[list[TicketRow], int, int]:
    """(rows, page, pages): the viewer's tickets (staff: all), most recently updated first."""
    stmt = _base(_scope(viewer))
    if order_id is not None:
        stmt = stmt.where(col(Ticket.order_id) == order_id)
    total = int(session.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one())
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = session.execute(
        stmt.order_by(col(Ticket.updated_at).desc(), col(Ticket.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return [_row(r, viewer.is_staff) for r in rows], page, pages


def _visible(session: Session, viewer: Viewer, ticket_id: int, target: str) -> Ticket:
    ticket = session.get(Ticket, ticket_id) if is_row_id(ticket_id) else None
    if ticket is None or (ticket.user_id != viewer.user_id and not viewer.is_staff):
        access.record_denied(session=session, viewer=viewer, target=target, details={"ticket_id": str(ticket_id)[:20]})
        raise ServiceError(MSG_TICKET_NOT_FOUND)
    return ticket


def ticket_thread(*, session: Session, viewer: Viewer, ticket_id: int) -> TicketThread:
    _visible(session, viewer, ticket_id, "ticket.view")
    row = session.execute(_base(_scope(viewer)).where(col(Ticket.id) == ticket_id)).one()
    messages = session.execute(
        sa.select(
            col(User.username), col(TicketMessage.is_staff), col(TicketMessage.body), col(TicketMessage.created_at)
        )
        .outerjoin(User, col(User.id) == col(TicketMessage.author_id))
        .where(col(TicketMessage.ticket_id) == ticket_id)
        .order_by(col(TicketMessage.created_at), col(TicketMessage.id))
    ).all()
    return TicketThread(
        ticket=_row(row, viewer.is_staff),
        messages=[TicketMessageView(m[0] or "", bool(m[1]), m[2], m[3]) for m in messages],
    )


def customer_tickets(*, session: Session, user_id: int, limit: int = 10) -> list[TicketRow]:
    """A customer's latest tickets, for the support console."""
    rows = session.execute(
        _base(user_id)
        .where(col(Ticket.user_id) == user_id)
        .order_by(col(Ticket.updated_at).desc(), col(Ticket.id).desc())
        .limit(limit)
    ).all()
    return [_row(r, True) for r in rows]


def staff_members(*, session: Session, viewer: Viewer, ip: str = "") -> list[tuple[int, str]]:
    """(id, username) of the active staff, for assigning tickets."""
    access.require_staff(session=session, viewer=viewer, target="ticket.staff_list", ip=ip)
    rows = session.execute(
        sa.select(col(User.id), col(User.username))
        .where(col(User.role).in_((Role.SUPPORT.value, Role.ADMIN.value)), col(User.is_active).is_(True))
        .order_by(col(User.username))
    ).all()
    return [(int(i), str(n)) for i, n in rows]


@dataclass(frozen=True)
class QueueFilters:
    status: str = "active"  # a TICKET_STATUS_LABELS key, "active" (open or waiting for support) or "all"
    category: str = ""  # a CATEGORIES key or "" (any)
    age: str = ""  # an AGES key or "" (any)
    assigned: str = ""  # "me", "none" or "" (anyone)


def clean_filters(raw: dict[str, object]) -> QueueFilters:
    """Filters from a URL or a form; unknown values fall back to the default."""

    def pick(key: str, allowed: object, default: str) -> str:
        value = raw.get(key)
        return value if isinstance(value, str) and value in allowed else default  # type: ignore[operator]

    return QueueFilters(
        status=pick("status", (*TICKET_STATUS_LABELS, "active", "all"), "active"),
        category=pick("category", CATEGORIES, ""),
        age=pick("age", AGES, ""),
        assigned=pick("assigned", ("me", "none"), ""),
    )


def _aged(stmt: Any, age: str, now: datetime) -> Any:
    """`stmt` limited to tickets whose last message is in the AGES bucket `age`."""
    low, high = AGES[age]
    if low is not None:
        stmt = stmt.where(col(Ticket.updated_at) <= now - timedelta(days=low))
    if high is not None:
        stmt = stmt.where(col(Ticket.updated_at) > now - timedelta(days=high))
    return stmt


def staff_queue(
    *, session: Session, viewer: Viewer, filters: QueueFilters, page: int = 1, ip: str = "", now: datetime | None = None
) -> tuple[list[TicketRow], int, int, int]:
    """(rows, page, pages, total): every customer's tickets by filter, the longest waiting first."""
    now = now or utcnow()
    access.require_staff(session=session, viewer=viewer, target="tickets.queue", ip=ip)
    stmt = _base(None)
    if filters.status == "active":
        stmt = stmt.where(col(Ticket.status).in_(ACTIVE_STATUSES))
    elif filters.status in TICKET_STATUS_LABELS:
        stmt = stmt.where(col(Ticket.status) == filters.status)
    if filters.category:
        stmt = stmt.where(col(Ticket.category) == filters.category)
    if filters.age:
        stmt = _aged(stmt, filters.age, now)
    if filters.assigned == "me":
        stmt = stmt.where(col(Ticket.assigned_to) == viewer.user_id)
    elif filters.assigned == "none":
        stmt = stmt.where(col(Ticket.assigned_to).is_(None))
    total = int(session.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one())
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    oldest_first = filters.status in ("active", TicketStatus.OPEN, TicketStatus.WAITING_STAFF)
    order = col(Ticket.updated_at).asc() if oldest_first else col(Ticket.updated_at).desc()
    rows = session.execute(stmt.order_by(order, col(Ticket.id)).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return [_row(r, True) for r in rows], page, pages, total


def open_by_age(*, session: Session, now: datetime | None = None) -> dict[str, int]:
    """Open tickets (open or waiting for support) by time since their last message, for the dashboard."""
    now = now or utcnow()
    out = {}
    for key in AGES:
        stmt = sa.select(sa.func.count()).select_from(Ticket).where(col(Ticket.status).in_(ACTIVE_STATUSES))
        out[key] = int(session.execute(_aged(stmt, key, now)).scalar_one())
    return out
