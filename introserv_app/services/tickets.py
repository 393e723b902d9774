"""Support tickets: a customer opens one (optionally about an order) and replies; staff answer.

Scope: a customer sees and writes only their own tickets; staff see all. Any other ticket or order id
is refused and audited. Messages are plain text (shown escaped).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.config import get_settings
from introserv_app.db.tables import Order, Profile, Ticket, TicketMessage, User, table_of
from introserv_app.db.types import utcnow
from introserv_app.domain.roles import Role
from introserv_app.domain.text import N_
from introserv_app.domain.validation import TextError, check_text, is_row_id
from introserv_app.services import access, audit, notifications
from introserv_app.services.auth import Viewer
from introserv_app.services.email import queue_email
from introserv_app.services.errors import ServiceError
from introserv_app.services.orders import own_order

CATEGORIES: dict[str, str] = {
    "billing": N_("Billing"),
    "technical": N_("Technical"),
    "abuse": N_("Abuse"),
    "complaint": N_("Complaint"),
}
STATUSES: dict[str, str] = {
    "open": N_("Open"),
    "waiting_staff": N_("Waiting for support"),
    "answered": N_("Answered"),
    "closed": N_("Closed"),
}
SUBJECT_MAX, MESSAGE_MAX = 200, 10_000
PAGE_SIZE = 25

MSG_SUBJECT = N_("Enter a subject of at most 200 characters.")
MSG_MESSAGE = N_("Enter a message of at most 10,000 characters.")
MSG_SUBJECT_CHARACTERS = N_("The subject contains characters that cannot be used (invisible control characters).")
MSG_MESSAGE_CHARACTERS = N_("The message contains characters that cannot be used (invisible control characters).")
MSG_CATEGORY = N_("Choose a category.")
MSG_TICKET_NOT_FOUND = N_("Ticket not found.")
MSG_TICKET_CLOSED = N_("This ticket is closed; open a new one.")
MSG_ALREADY_CLOSED = N_("This ticket is already closed.")
MSG_ASSIGNEE = N_("Choose a support staff member.")
#: Queue filters: how long since the last message.
AGES: dict[str, tuple[float | None, float | None]] = {
    "lt1d": (None, 1),
    "1to3d": (1, 3),
    "3to7d": (3, 7),
    "gt7d": (7, None),
}
AGE_LABELS: dict[str, str] = {
    "lt1d": N_("Less than a day"),
    "1to3d": N_("1 to 3 days"),
    "3to7d": N_("3 to 7 days"),
    "gt7d": N_("More than 7 days"),
}
ACTIVE_STATUSES = ("open", "waiting_staff")
MAIL_DESK_SUBJECT = "[#{ticket}] {subject}"
MAIL_DESK_BODY = "{who} wrote on ticket #{ticket} ({category}):\n\n{body}\n\n{link}\n"


def _clean(text: object, limit: int, *, multiline: bool, refusal: str, characters: str) -> str:
    """Trimmed text (line breaks kept when `multiline`); refused when empty, too long or with unusable
    characters (NUL and other controls, lone surrogates)."""
    try:
        value = check_text(text, max_len=limit, multiline=multiline)
    except TextError as exc:
        raise ServiceError(characters if exc.problem == "characters" else refusal) from None
    if not value:
        raise ServiceError(refusal)
    return value


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


def create_ticket(
    *,
    session: Session,
    viewer: Viewer,
    subject: str,
    category: str,
    message: str,
    order_id: int | None = None,
    ip: str = "",
    now: datetime | None = None,
) -> int:
    """A new ticket with its first message; returns its id. Nothing is saved when any field is wrong."""
    now = now or utcnow()
    if order_id is not None:
        own_order(session=session, viewer=viewer, order_id=order_id, target="ticket.create")
    clean_subject = _clean(
        subject, SUBJECT_MAX, multiline=False, refusal=MSG_SUBJECT, characters=MSG_SUBJECT_CHARACTERS
    )
    if not isinstance(category, str) or category not in CATEGORIES:
        raise ServiceError(MSG_CATEGORY)
    body = _clean(message, MESSAGE_MAX, multiline=True, refusal=MSG_MESSAGE, characters=MSG_MESSAGE_CHARACTERS)
    ticket = Ticket(
        user_id=viewer.user_id,
        order_id=order_id,
        subject=clean_subject,
        category=category,
        status="open",
        created_at=now,
        updated_at=now,
    )
    session.add(ticket)
    session.flush()
    session.add(
        TicketMessage(ticket_id=ticket.id or 0, author_id=viewer.user_id, is_staff=False, body=body, created_at=now)
    )
    audit.record(
        session=session,
        action="ticket.create",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"ticket": ticket.id, "order_id": order_id, "category": category},
    )
    session.flush()
    _mail_staff(session, ticket, viewer.username, body, now)
    return ticket.id or 0


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


def reply(
    *, session: Session, viewer: Viewer, ticket_id: int, message: str, ip: str = "", now: datetime | None = None
) -> None:
    """Add a message: a customer's puts the ticket to support, a staff member's marks it answered."""
    now = now or utcnow()
    ticket = _visible(session, viewer, ticket_id, "ticket.reply")
    body = _clean(message, MESSAGE_MAX, multiline=True, refusal=MSG_MESSAGE, characters=MSG_MESSAGE_CHARACTERS)
    if ticket.status == "closed":
        access.record_denied(
            session=session, viewer=viewer, target="ticket.reply_closed", ip=ip, details={"ticket_id": ticket_id}
        )
        raise ServiceError(MSG_TICKET_CLOSED)
    staff = viewer.is_staff and ticket.user_id != viewer.user_id
    session.add(TicketMessage(ticket_id=ticket_id, author_id=viewer.user_id, is_staff=staff, body=body, created_at=now))
    ticket.status = "answered" if staff else "waiting_staff"
    ticket.updated_at = now
    if staff:
        if ticket.assigned_to is None:
            ticket.assigned_to = viewer.user_id
        notifications.notify(
            session=session,
            user_id=ticket.user_id,
            kind="complaint_answered" if ticket.category == "complaint" else "ticket_answered",
            params={"ticket": ticket_id, "subject": ticket.subject},
            body=body[:2000],
            now=now,
        )
    else:
        _mail_staff(session, ticket, viewer.username, body, now)
    audit.record(
        session=session,
        action="ticket.reply",
        actor_id=viewer.user_id,
        subject_user_id=ticket.user_id,
        ip=ip,
        details={"ticket": ticket_id},
    )
    session.flush()


def order_ticket_count(*, session: Session, viewer: Viewer, order_id: int) -> int:
    stmt = select(sa.func.count()).select_from(Ticket).where(Ticket.order_id == order_id)
    if not viewer.is_staff:
        stmt = stmt.where(Ticket.user_id == viewer.user_id)
    return int(session.exec(stmt).one())


def open_system_ticket(
    *,
    session: Session,
    user_id: int,
    subject: str,
    message: str,
    category: str = "technical",
    order_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """A ticket support opens for a customer (e.g. to confirm an order was accepted); the first message
    is from support, so the ticket starts as answered."""
    now = now or utcnow()
    ticket = Ticket(
        user_id=user_id,
        order_id=order_id,
        subject=subject[:SUBJECT_MAX],
        category=category if category in CATEGORIES else "technical",
        status="answered",
        created_at=now,
        updated_at=now,
    )
    session.add(ticket)
    session.flush()
    session.add(
        TicketMessage(
            ticket_id=ticket.id or 0, author_id=None, is_staff=True, body=message[:MESSAGE_MAX], created_at=now
        )
    )
    return ticket.id or 0


def customer_tickets(*, session: Session, user_id: int, limit: int = 10) -> list[TicketRow]:
    """A customer's latest tickets, for the support console."""
    rows = session.execute(
        _base(user_id)
        .where(col(Ticket.user_id) == user_id)
        .order_by(col(Ticket.updated_at).desc(), col(Ticket.id).desc())
        .limit(limit)
    ).all()
    return [_row(r, True) for r in rows]


def _mail_staff(session: Session, ticket: Ticket, who: str, body: str, now: datetime) -> None:
    """A customer's new ticket or reply goes to the assigned staff member's address, else the desk."""
    address = ""
    if ticket.assigned_to is not None:
        address = session.exec(select(Profile.email).where(Profile.user_id == ticket.assigned_to)).first() or ""
    settings = get_settings()
    values = {
        "ticket": ticket.id,
        "subject": ticket.subject,
        "who": who,
        "category": ticket.category,
        "body": body,
        "link": f"{settings.base_url}/tickets/{ticket.id}",
    }
    queue_email(
        session=session,
        to_addr=address or settings.support_email,
        subject=MAIL_DESK_SUBJECT.format(**values),
        body_text=MAIL_DESK_BODY.format(**values),
        now=now,
    )


def close_ticket(
    *, session: Session, viewer: Viewer, ticket_id: int, ip: str = "", now: datetime | None = None
) -> None:
    """The customer (own ticket) or staff close a ticket; a closed ticket takes no more replies."""
    now = now or utcnow()
    ticket = _visible(session, viewer, ticket_id, "ticket.close")
    if ticket.status == "closed":
        raise ServiceError(MSG_ALREADY_CLOSED)
    ticket.status, ticket.updated_at = "closed", now
    audit.record(
        session=session,
        action="ticket.close",
        actor_id=viewer.user_id,
        subject_user_id=ticket.user_id,
        ip=ip,
        details={"ticket": ticket_id},
        now=now,
    )


def staff_members(*, session: Session, viewer: Viewer, ip: str = "") -> list[tuple[int, str]]:
    """(id, username) of the active staff, for assigning tickets."""
    access.require_staff(session=session, viewer=viewer, target="ticket.staff_list", ip=ip)
    rows = session.execute(
        sa.select(col(User.id), col(User.username))
        .where(col(User.role).in_((Role.SUPPORT.value, Role.ADMIN.value)), col(User.is_active).is_(True))
        .order_by(col(User.username))
    ).all()
    return [(int(i), str(n)) for i, n in rows]


def assign_ticket(
    *,
    session: Session,
    viewer: Viewer,
    ticket_id: int,
    assignee_id: int | None,
    ip: str = "",
    now: datetime | None = None,
) -> None:
    """Staff give a ticket to a staff member (None: back to the queue)."""
    access.require_staff(session=session, viewer=viewer, target="ticket.assign", ip=ip)
    ticket = _visible(session, viewer, ticket_id, "ticket.assign")
    if assignee_id is not None and assignee_id not in dict(staff_members(session=session, viewer=viewer, ip=ip)):
        raise ServiceError(MSG_ASSIGNEE)
    old, ticket.assigned_to = ticket.assigned_to, assignee_id
    audit.record(
        session=session,
        action="ticket.assign",
        actor_id=viewer.user_id,
        subject_user_id=ticket.user_id,
        ip=ip,
        details={"ticket": ticket_id, "old": old, "new": assignee_id},
        now=now,
    )


@dataclass(frozen=True)
class QueueFilters:
    status: str = "active"  # a STATUSES key, "active" (open or waiting for support) or "all"
    category: str = ""  # a CATEGORIES key or "" (any)
    age: str = ""  # an AGES key or "" (any)
    assigned: str = ""  # "me", "none" or "" (anyone)


def clean_filters(raw: dict[str, object]) -> QueueFilters:
    """Filters from a URL or a form; unknown values fall back to the default."""

    def pick(key: str, allowed: object, default: str) -> str:
        value = raw.get(key)
        return value if isinstance(value, str) and value in allowed else default  # type: ignore[operator]

    return QueueFilters(
        status=pick("status", (*STATUSES, "active", "all"), "active"),
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
    elif filters.status in STATUSES:
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
    oldest_first = filters.status in ("active", "open", "waiting_staff")
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
