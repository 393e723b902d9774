"""Phone verification as read: the customer's "Didn't get it?" state (the wait, the attempts, whether a ticket may
be opened) and, for support, a customer's attempts with what each gateway answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from introserv_app.db.tables import PhoneVerification, Profile
from introserv_app.db.types import utcnow
from introserv_app.services.accounts._phone import (
    ACCEPTED,
    ATTEMPTS_SHOWN,
    MAX_ATTEMPTS,
    TICKET_WINDOW,
    attempts_since,
    next_send,
    open_ticket_id,
    required_gateways,
)
from introserv_app.services.common.viewer import Viewer


@dataclass(frozen=True)
class PhoneAttempt:
    """One send: when, to which number, by which gateway (0 or 1, and its name) and channel, and the outcome."""

    at: datetime
    phone: str
    channel: str
    gateway: int
    gateway_name: str
    outcome: str
    error: str


def _attempt(row: PhoneVerification) -> PhoneAttempt:
    return PhoneAttempt(
        at=row.created_at,
        phone=row.phone,
        channel=row.channel,
        gateway=row.gateway,
        gateway_name=row.gateway_name,
        outcome=row.outcome,
        error=row.error,
    )


@dataclass(frozen=True)
class PhoneStatus:
    phone: str
    verified: bool
    #: Attempts to the current number in the last 24 hours, newest first.
    attempts: list[PhoneAttempt]
    #: Seconds until another code may be sent (0: now) and whether the hourly limit is the reason.
    wait_seconds: int
    limited: bool
    #: The latest attempt's channel and gateway ("" and 0 before the first one).
    last_channel: str
    last_gateway: int
    #: A code went out and can still be entered.
    code_pending: bool
    #: Every gateway was tried for this number: the customer may open a ticket.
    ticket_ready: bool
    #: The customer's ticket about this number, while support has not closed it.
    ticket_id: int | None


def phone_status(*, session: Session, viewer: Viewer, gateways: int = 2, now: datetime | None = None) -> PhoneStatus:
    """The viewer's own phone verification state (`gateways`: how many are configured)."""
    now = now or utcnow()
    profile = session.get(Profile, viewer.user_id)
    phone = (profile.phone or "") if profile is not None else ""
    recent = attempts_since(session, viewer.user_id, now - max(TICKET_WINDOW, timedelta(hours=1)))
    last_hour = [r for r in recent if r.created_at > now - timedelta(hours=1)]
    window = next_send(last_hour, now)
    mine = [r for r in recent if r.phone == phone and r.created_at > now - TICKET_WINDOW]
    latest_code = next((r for r in recent if r.outcome == ACCEPTED), None)
    pending = (
        latest_code is not None
        and latest_code.phone == phone
        and latest_code.verified_at is None
        and latest_code.expires_at > now
        and latest_code.attempts < MAX_ATTEMPTS
    )
    verified = profile is not None and profile.phone_verified_at is not None
    return PhoneStatus(
        phone=phone,
        verified=verified,
        attempts=[_attempt(r) for r in mine[:ATTEMPTS_SHOWN]],
        wait_seconds=window.seconds(now),
        limited=window.limited,
        last_channel=recent[0].channel if recent else "",
        last_gateway=recent[0].gateway if recent else 0,
        code_pending=pending,
        ticket_ready=bool(phone) and not verified and required_gateways(gateways) <= {r.gateway for r in mine},
        ticket_id=open_ticket_id(session, viewer.user_id, phone) if phone else None,
    )


def phone_attempts(*, session: Session, user_id: int, limit: int = ATTEMPTS_SHOWN) -> list[PhoneAttempt]:
    """A customer's latest attempts, newest first, for support (the caller checks the viewer is staff)."""
    rows = session.exec(
        select(PhoneVerification)
        .where(PhoneVerification.user_id == user_id)
        .order_by(col(PhoneVerification.created_at).desc(), col(PhoneVerification.id).desc())
        .limit(limit)
    ).all()
    return [_attempt(r) for r in rows]
