"""Verifying the mobile phone: a code by SMS, or a call whose calling number ends in the code.

Codes are stored hashed, expire after 10 minutes and allow 5 attempts; at most 5 codes are sent per hour through
both gateways together. Every send is kept with what the gateway answered (accepted, or failed with its error) so
support can see it. A code may be asked for again ("Didn't get it?": the same way, the other channel or the other
gateway) once `resend_wait()` has passed, or at once after a failed send; only the latest code counts. When both
gateways were tried for the number, the customer may open one support ticket listing the attempts.
Gateways sit behind `PhoneGateway`; the bundled console gateway writes the code to the server log
(and, in demo mode only, the page shows it). A real provider plugs in by configuration.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.config import get_settings
from introserv_app.db.tables import PhoneVerification, Profile, User
from introserv_app.db.types import utcnow
from introserv_app.domain.text import N_
from introserv_app.domain.validation import strip_unusable
from introserv_app.i18n import translate_message
from introserv_app.services import messaging
from introserv_app.services.accounts._phone import (
    ACCEPTED,
    CHANNELS,
    CODE_TTL,
    FAILED,
    MAX_ATTEMPTS,
    MSG_TICKET_NOT_YET,
    MSG_TOO_MANY_SENDS,
    MSG_WAIT,
    TICKET_WINDOW,
    attempts_since,
    next_send,
    required_gateways,
    ticket_subject,
)
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

log = logging.getLogger("introserv.phone")

MSG_NO_PHONE = N_("Save a mobile phone number first.")
MSG_ALREADY = N_("This number is already verified.")
MSG_GATEWAY_FAILED = N_("The gateway could not reach your number.")
MSG_NO_CODE = N_("Ask for a code first.")
MSG_EXPIRED = N_("The code has expired; ask for a new one.")
MSG_WRONG_CODE = N_("The code is not correct.")
MSG_LOCKED = N_("Too many wrong codes; ask for a new one.")
MSG_SMS_TEXT = N_("INTROSERV verification code: {code}")
#: What support reads in the ticket (English, like the account closure request); one line per attempt.
TICKET_BODY = N_(
    "The customer could not verify the mobile phone {phone} and asks for help. Attempts in the last 24 hours "
    "(time UTC · gateway · channel · outcome):\n{attempts}"
)
#: A gateway that answers "no" without saying why.
GATEWAY_REFUSED = "the gateway reported a failure"
ERROR_MAX = 200


class PhoneGateway(Protocol):
    name: str

    def send_sms(self, phone: str, text: str) -> bool: ...

    def call(self, phone: str, caller_last4: str) -> bool: ...


class ConsoleGateway:
    """The demo gateway: the message is written to the server log; it never fails."""

    def __init__(self, name: str = "console") -> None:
        self.name = name

    def send_sms(self, phone: str, text: str) -> bool:
        log.warning("SMS to %s via %s: %s", phone, self.name, text)
        return True

    def call(self, phone: str, caller_last4: str) -> bool:
        log.warning("Call to %s via %s from a number ending in %s", phone, self.name, caller_last4)
        return True


def gateways_from_settings() -> list[PhoneGateway]:
    """INTROSERV_PHONE_GATEWAYS: two comma-separated `console` or `package.module:ClassName` entries."""
    specs = [s.strip() for s in get_settings().phone_gateways.split(",") if s.strip()] or ["console", "console"]
    out: list[PhoneGateway] = []
    for index, spec in enumerate(specs[:2]):
        if spec == "console":
            out.append(ConsoleGateway(f"console-{index + 1}"))
        else:
            module, _, name = spec.partition(":")
            out.append(getattr(importlib.import_module(module), name)())
    return out


def _hash(user_id: int, code: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"phone:{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SentCode:
    sent: bool
    channel: str
    gateway: int
    #: Only in demo mode (the console gateway): the code, for the page to show.
    demo_code: str = ""


def _profile_to_verify(session: Session, viewer: Viewer) -> Profile:
    profile = session.get(Profile, viewer.user_id)
    if profile is None or not profile.phone:
        raise ServiceError(MSG_NO_PHONE)
    if profile.phone_verified_at is not None:
        raise ServiceError(MSG_ALREADY)
    return profile


def _deliver(gw: PhoneGateway, channel: str, phone: str, language: str, code: str) -> str:
    """Hand the code to the gateway: "" when it accepted it, else what went wrong (for support)."""
    try:
        if channel == "sms":
            ok = gw.send_sms(phone, translate_message(language, MSG_SMS_TEXT, {"code": code}))
        else:
            ok = gw.call(phone, code)
    except Exception as exc:  # a gateway failing is the customer's cue to try the other one
        log.exception("phone gateway %s failed", gw.name)
        return " ".join(strip_unusable(f"{type(exc).__name__}: {exc}", ERROR_MAX).split()) or "error"
    return "" if ok else GATEWAY_REFUSED


def _one_at_a_time(session: Session, user_id: int) -> None:
    """Serialise this account's code sends and checks (several tabs or sockets firing at once): the limits and the
    5-guess cap are read after the lock, and the attempt is written before it is released."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(col(User.id)).where(col(User.id) == user_id).with_for_update())
    else:  # a write first takes SQLite's write lock now
        session.execute(sa.update(User).where(col(User.id) == user_id).values(is_active=col(User.is_active)))


def send_code(
    *,
    session: Session,
    viewer: Viewer,
    channel: str,
    gateway: int,
    gateways: list[PhoneGateway],
    ip: str = "",
    now: datetime | None = None,
) -> SentCode:
    """Send a code to the profile's phone through gateway 0 or 1. A failed send is recorded and returned, not
    raised; asking again before the wait or over the hourly limit is refused with when to try again."""
    now = now or utcnow()
    if channel not in CHANNELS or gateway not in (0, 1) or gateway >= len(gateways):
        raise ServiceError(MSG_GATEWAY_FAILED)
    profile = _profile_to_verify(session, viewer)
    _one_at_a_time(session, viewer.user_id)
    window = next_send(attempts_since(session, viewer.user_id, now - timedelta(hours=1)), now)
    if window.at is not None:
        if window.limited:
            raise ServiceError(MSG_TOO_MANY_SENDS, minutes=max(1, -(-window.seconds(now) // 60)))
        raise ServiceError(MSG_WAIT, seconds=window.seconds(now))
    phone = profile.phone or ""
    code = f"{secrets.randbelow(10**6):06d}" if channel == "sms" else f"{secrets.randbelow(10**4):04d}"
    gw = gateways[gateway]
    name = strip_unusable(str(getattr(gw, "name", "") or f"gateway-{gateway + 1}"), 40)
    error = _deliver(gw, channel, phone, profile.language, code)
    ok = not error
    session.add(
        PhoneVerification(
            user_id=viewer.user_id,
            phone=phone,
            channel=channel,
            gateway=gateway,
            gateway_name=name,
            outcome=ACCEPTED if ok else FAILED,
            error=error,
            code_hash=_hash(viewer.user_id, code) if ok else "",
            created_at=now,
            expires_at=now + CODE_TTL,
            attempts=0 if ok else MAX_ATTEMPTS,
        )
    )
    audit.record(
        session=session,
        action="settings.phone_code",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        success=ok,
        ip=ip,
        details={"channel": channel, "gateway": name, **({"error": error} if error else {})},
        now=now,
    )
    demo = code if ok and get_settings().demo_mode and isinstance(gw, ConsoleGateway) else ""
    return SentCode(sent=ok, channel=channel, gateway=gateway, demo_code=demo)


def open_phone_ticket(
    *, session: Session, viewer: Viewer, gateways: int = 2, ip: str = "", now: datetime | None = None
) -> tuple[int, bool]:
    """After every gateway was tried for the number (in the last 24 hours): one support ticket that lists the
    attempts. Returns (ticket id, created); while support has not closed it, asking again returns the same one."""
    now = now or utcnow()
    profile = _profile_to_verify(session, viewer)
    phone = profile.phone or ""
    mine = [r for r in attempts_since(session, viewer.user_id, now - TICKET_WINDOW) if r.phone == phone]
    if not required_gateways(gateways) <= {r.gateway for r in mine}:
        raise ServiceError(MSG_TICKET_NOT_YET)
    lines = "\n".join(
        " · ".join(
            (
                r.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                f"{r.gateway + 1} ({r.gateway_name})" if r.gateway_name else str(r.gateway + 1),
                "SMS" if r.channel == "sms" else "call",
                r.outcome,  # the gateway's own error text is for support (the customer page), not the customer
            )
        )
        for r in reversed(mine)
    )
    body = translate_message("en", TICKET_BODY, {"phone": phone, "attempts": lines})
    ticket, created = messaging.request_about_account(
        session=session, viewer=viewer, subject=ticket_subject(phone), message=body, ip=ip, now=now
    )
    audit.record(
        session=session,
        action="settings.phone_ticket",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"ticket": ticket, "created": created, "attempts": len(mine)},
        now=now,
    )
    return ticket, created


def check_code(*, session: Session, viewer: Viewer, code: object, ip: str = "", now: datetime | None = None) -> None:
    """Check the latest code; a right one marks the phone verified."""
    now = now or utcnow()
    profile = session.get(Profile, viewer.user_id)
    if profile is None or not profile.phone:
        raise ServiceError(MSG_NO_PHONE)
    _one_at_a_time(session, viewer.user_id)
    row = session.exec(
        select(PhoneVerification)
        .where(PhoneVerification.user_id == viewer.user_id, PhoneVerification.code_hash != "")
        .order_by(col(PhoneVerification.created_at).desc(), col(PhoneVerification.id).desc())
    ).first()
    if row is None or row.phone != profile.phone or row.verified_at is not None:
        raise ServiceError(MSG_NO_CODE)
    if row.expires_at <= now:
        raise ServiceError(MSG_EXPIRED)
    if row.attempts >= MAX_ATTEMPTS:
        raise ServiceError(MSG_LOCKED)
    value = code.strip() if isinstance(code, str) else ""
    row.attempts += 1
    well_formed = value.isascii() and value.isdigit() and len(value) <= 6
    if not (well_formed and hmac.compare_digest(row.code_hash, _hash(viewer.user_id, value))):
        session.commit()  # the attempt counts even though the check fails
        raise ServiceError(MSG_WRONG_CODE)
    row.verified_at = now
    profile.phone_verified_at = now
    audit.record(
        session=session,
        action="settings.phone_verified",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"phone": profile.phone, "channel": row.channel},
        now=now,
    )
