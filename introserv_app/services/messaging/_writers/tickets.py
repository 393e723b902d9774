"""Tickets: opened by customers, staff or the system (an order accepted), answered, closed, assigned; every message is
mailed to the other side."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from introserv_app.config import get_settings
from introserv_app.db.tables import Profile, Ticket, TicketMessage
from introserv_app.db.types import utcnow
from introserv_app.domain.statuses import TicketStatus
from introserv_app.services.common import access, audit
from introserv_app.services.common.access import require_confirmed_email
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.scope import own_order
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging._readers.tickets import _visible, staff_members
from introserv_app.services.messaging._rules import (
    CATEGORIES,
    MAIL_DESK_BODY,
    MAIL_DESK_SUBJECT,
    MESSAGE_MAX,
    MSG_ALREADY_CLOSED,
    MSG_ASSIGNEE,
    MSG_CATEGORY,
    MSG_MESSAGE,
    MSG_MESSAGE_CHARACTERS,
    MSG_SUBJECT,
    MSG_SUBJECT_CHARACTERS,
    MSG_TICKET_CLOSED,
    SUBJECT_MAX,
    clean_ticket_text,
)
from introserv_app.services.messaging._writers.email import queue_email
from introserv_app.services.messaging._writers.notifications import notify


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
    require_confirmed_email(session=session, viewer=viewer)
    if order_id is not None:
        own_order(session=session, viewer=viewer, order_id=order_id, target="ticket.create")
    clean_subject = clean_ticket_text(
        subject, SUBJECT_MAX, multiline=False, refusal=MSG_SUBJECT, characters=MSG_SUBJECT_CHARACTERS
    )
    if not isinstance(category, str) or category not in CATEGORIES:
        raise ServiceError(MSG_CATEGORY)
    body = clean_ticket_text(
        message, MESSAGE_MAX, multiline=True, refusal=MSG_MESSAGE, characters=MSG_MESSAGE_CHARACTERS
    )
    return _open_ticket(session, viewer, clean_subject, category, body, order_id=order_id, ip=ip, now=now)


def request_about_account(
    *, session: Session, viewer: Viewer, subject: str, message: str, ip: str = "", now: datetime | None = None
) -> tuple[int, bool]:
    """A customer's request about the account itself (closing it): a billing ticket to support that, unlike
    `create_ticket`, does not wait for a confirmed address; one at a time. Returns (ticket id, created): the
    open one with this subject, if there is one, is not opened again."""
    now = now or utcnow()
    waiting = session.exec(
        select(Ticket.id).where(
            Ticket.user_id == viewer.user_id, Ticket.subject == subject, Ticket.status != TicketStatus.CLOSED
        )
    ).first()
    if waiting is not None:
        return waiting, False
    return _open_ticket(session, viewer, subject[:SUBJECT_MAX], "billing", message[:MESSAGE_MAX], ip=ip, now=now), True


def _open_ticket(
    session: Session,
    viewer: Viewer,
    subject: str,
    category: str,
    body: str,
    *,
    order_id: int | None = None,
    ip: str,
    now: datetime,
) -> int:
    """A customer's new ticket with its first message, audited and mailed to the desk; returns its id."""
    ticket = Ticket(
        user_id=viewer.user_id,
        order_id=order_id,
        subject=subject,
        category=category,
        status=TicketStatus.OPEN,
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


def reply(
    *, session: Session, viewer: Viewer, ticket_id: int, message: str, ip: str = "", now: datetime | None = None
) -> None:
    """Add a message: a customer's puts the ticket to support, a staff member's marks it answered."""
    now = now or utcnow()
    ticket = _visible(session, viewer, ticket_id, "ticket.reply")
    body = clean_ticket_text(
        message, MESSAGE_MAX, multiline=True, refusal=MSG_MESSAGE, characters=MSG_MESSAGE_CHARACTERS
    )
    if ticket.status == TicketStatus.CLOSED:
        access.record_denied(
            session=session, viewer=viewer, target="ticket.reply_closed", ip=ip, details={"ticket_id": ticket_id}
        )
        raise ServiceError(MSG_TICKET_CLOSED)
    staff = viewer.is_staff and ticket.user_id != viewer.user_id
    session.add(TicketMessage(ticket_id=ticket_id, author_id=viewer.user_id, is_staff=staff, body=body, created_at=now))
    ticket.status = TicketStatus.ANSWERED if staff else TicketStatus.WAITING_STAFF
    ticket.updated_at = now
    if staff:
        if ticket.assigned_to is None:
            ticket.assigned_to = viewer.user_id
        notify(
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
        status=TicketStatus.ANSWERED,
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
    if ticket.status == TicketStatus.CLOSED:
        raise ServiceError(MSG_ALREADY_CLOSED)
    ticket.status, ticket.updated_at = TicketStatus.CLOSED, now
    audit.record(
        session=session,
        action="ticket.close",
        actor_id=viewer.user_id,
        subject_user_id=ticket.user_id,
        ip=ip,
        details={"ticket": ticket_id},
        now=now,
    )


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
