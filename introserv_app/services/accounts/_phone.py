"""Phone verification's rules, shared by its reader and its writer: limits, the wait before another code, the
attempts (every send, with what the gateway answered) and when the customer may open a support ticket."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.config import get_settings
from introserv_app.db.tables import PhoneVerification, Ticket
from introserv_app.domain.statuses import TicketStatus
from introserv_app.domain.text import N_
from introserv_app.i18n import translate_message

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
#: Codes sent per hour, through both gateways together (failed sends count too).
SENDS_PER_HOUR = 5
CHANNELS = ("sms", "call")
ACCEPTED, FAILED = "accepted", "failed"
#: Attempts to the current number within this window count for "both gateways were tried" and go in the ticket.
TICKET_WINDOW = timedelta(hours=24)
#: The most attempts a screen lists.
ATTEMPTS_SHOWN = 20

MSG_TOO_MANY_SENDS = N_("Too many codes in the last hour; try again in {minutes} min.")
MSG_WAIT = N_("A code was sent just now; you can ask for another one in {seconds} s.")
MSG_TICKET_NOT_YET = N_("Try the other gateway first: a ticket can be opened after both gateways were tried.")
#: The ticket is written in English for support (like the account closure request).
TICKET_SUBJECT = N_("Phone verification failed: {phone}")


def resend_wait() -> timedelta:
    """How long after a sent code "Didn't get it?" opens (INTROSERV_PHONE_RESEND_SECONDS, 60 s by default)."""
    return timedelta(seconds=get_settings().phone_resend_seconds)


def attempts_since(session: Session, user_id: int, since: datetime) -> list[PhoneVerification]:
    """The user's attempts since `since`, newest first."""
    return list(
        session.exec(
            select(PhoneVerification)
            .where(PhoneVerification.user_id == user_id, PhoneVerification.created_at > since)
            .order_by(col(PhoneVerification.created_at).desc(), col(PhoneVerification.id).desc())
        ).all()
    )


@dataclass(frozen=True)
class NextSend:
    """When the next code may be sent (None: now), and whether the hourly limit is what holds it back."""

    at: datetime | None
    limited: bool

    def seconds(self, now: datetime) -> int:
        return 0 if self.at is None else max(0, math.ceil((self.at - now).total_seconds()))


def next_send(last_hour: list[PhoneVerification], now: datetime) -> NextSend:
    """After a code went out the customer waits `resend_wait()` (a failed send may be retried at once, e.g.
    through the other gateway); after SENDS_PER_HOUR sends, until the oldest of them is an hour old."""
    at: datetime | None = None
    limited = False
    if len(last_hour) >= SENDS_PER_HOUR:
        at, limited = last_hour[SENDS_PER_HOUR - 1].created_at + timedelta(hours=1), True
    if last_hour and last_hour[0].outcome == ACCEPTED:
        wait_end = last_hour[0].created_at + resend_wait()
        if wait_end > now and (at is None or wait_end > at):
            at, limited = wait_end, False
    return NextSend(at if at is not None and at > now else None, limited and at is not None and at > now)


def required_gateways(count: int) -> set[int]:
    """The gateways a customer tries before the ticket: both, or the only one configured."""
    return set(range(min(max(count, 1), 2)))


def ticket_subject(phone: str) -> str:
    return translate_message("en", TICKET_SUBJECT, {"phone": phone})


def open_ticket_id(session: Session, user_id: int, phone: str) -> int | None:
    """The customer's ticket about this number that support has not closed yet."""
    return session.exec(
        select(Ticket.id)
        .where(
            Ticket.user_id == user_id,
            Ticket.subject == ticket_subject(phone),
            col(Ticket.status) != TicketStatus.CLOSED,
        )
        .order_by(sa.desc(col(Ticket.id)))
    ).first()
