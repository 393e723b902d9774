"""Support and a caller's identity: checking the code word or call password a caller says (the panel answers
only "matches" or "does not match"; 5 checks per customer per hour, each audited), a password-reset link
to the account's own address, and invitations to sign up."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.tables import AuditEvent
from introserv_app.db.types import utcnow
from introserv_app.domain.text import N_
from introserv_app.services import accounts
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.support._rules import _customer

CALLER_CHECKS_PER_HOUR = 5
#: How long a successful check lets support act on what needs it (removing a second factor).
VERIFIED_FOR = timedelta(minutes=15)
SECRETS = ("code_word", "call_password")
SECRET_LABELS = {"code_word": N_("code word"), "call_password": N_("call password")}

MSG_SECRET_KIND = N_("Choose the code word or the call password.")
MSG_SECRET_NOT_SET = N_("The customer has not set this secret, so a caller cannot be checked with it.")
MSG_SAID_EMPTY = N_("Type what the caller says (4 to 64 characters).")
MSG_TOO_MANY_CHECKS = N_("5 checks for this customer in the last hour: wait before checking again.")
MSG_MATCHES = N_("Matches: the caller said the right {secret}.")
MSG_DOES_NOT_MATCH = N_("Does not match.")


def _checks_since(session: Session, user_id: int, since: datetime) -> list[tuple[datetime, bool, int | None]]:
    rows = session.connection().execute(
        sa.select(col(AuditEvent.created_at), col(AuditEvent.success), col(AuditEvent.actor_id))
        .where(
            col(AuditEvent.action) == "support.caller_check",
            col(AuditEvent.subject_user_id) == user_id,
            col(AuditEvent.created_at) >= since,
        )
        .order_by(col(AuditEvent.created_at).desc())
    )
    return [(at, bool(ok), actor) for at, ok, actor in rows]


def verify_caller(
    *, session: Session, viewer: Viewer, user_id: object, secret: object, said: object, ip: str = ""
) -> bool:
    """Whether `said` is the customer's code word or call password (`secret`). The secret is never shown."""
    now = utcnow()
    access.require_staff(session=session, viewer=viewer, target="customer.verify_caller", ip=ip)
    user, profile = _customer(session, user_id)
    if secret not in SECRETS:
        raise ServiceError(MSG_SECRET_KIND)
    stored = {"code_word": profile.code_word_hash, "call_password": profile.call_password_hash}[str(secret)]
    if not stored:
        raise ServiceError(MSG_SECRET_NOT_SET)
    if not isinstance(said, str) or not 4 <= len(said.strip()) <= 64:
        raise ServiceError(MSG_SAID_EMPTY)
    if len(_checks_since(session, user.id or 0, now - timedelta(hours=1))) >= CALLER_CHECKS_PER_HOUR:
        audit.record_apart(session=session, action="support.caller_check_refused", actor_id=viewer.user_id,
                           subject_user_id=user.id, success=False, ip=ip, details={"secret": secret})  # fmt: skip
        raise ServiceError(MSG_TOO_MANY_CHECKS)
    matches = accounts.secret_matches(stored, said.strip())
    audit.record(
        session=session,
        action="support.caller_check",
        actor_id=viewer.user_id,
        subject_user_id=user.id,
        success=matches,
        ip=ip,
        details={"secret": secret},
        now=now,
    )
    return matches


def caller_verified_by(session: Session, *, viewer: Viewer, user_id: int, now: datetime) -> bool:
    """Whether this staff member checked this customer's caller successfully in the last `VERIFIED_FOR`."""
    return any(ok and actor == viewer.user_id for _, ok, actor in _checks_since(session, user_id, now - VERIFIED_FOR))


def send_password_reset(*, session: Session, viewer: Viewer, user_id: object, ip: str = "") -> str:
    """A reset link to the customer's own address (support never sets or sees a password). Returns it."""
    access.require_staff(session=session, viewer=viewer, target="customer.send_reset", ip=ip)
    user, _ = _customer(session, user_id)
    return accounts.send_reset_link(session=session, user_id=user.id or 0, actor_id=viewer.user_id, ip=ip)


def invite_customer(*, session: Session, viewer: Viewer, email: object, ip: str = "") -> str:
    """A 7-day sign-up link mailed to `email` (works while sign-up is closed). Returns the address."""
    access.require_staff(session=session, viewer=viewer, target="customer.invite", ip=ip)
    return accounts.invite(session=session, email=email, actor_id=viewer.user_id, ip=ip)


MSG_VERIFY_CALLER_FIRST = N_(
    "Check the caller first: the second factor can be removed only within 15 minutes of a matching code word "
    "or call password, checked by you."
)


def remove_second_factor(*, session: Session, viewer: Viewer, user_id: object, ip: str = "") -> None:
    """Remove a customer's second factor (the caller lost the phone), only right after this staff member's
    successful caller check; the customer is mailed, the removal audited."""
    now = utcnow()
    access.require_staff(session=session, viewer=viewer, target="customer.remove_second_factor", ip=ip)
    user, _ = _customer(session, user_id)
    if not caller_verified_by(session, viewer=viewer, user_id=user.id or 0, now=now):
        raise ServiceError(MSG_VERIFY_CALLER_FIRST)
    accounts.remove_second_factor(session=session, user_id=user.id or 0, actor_id=viewer.user_id, ip=ip, now=now)


def close_account(*, session: Session, viewer: Viewer, user_id: object, ip: str = "") -> None:
    """Close a customer's account at their request (`accounts.close_account`: sessions end, personal data is
    removed, invoices and the ledger stay)."""
    access.require_staff(session=session, viewer=viewer, target="customer.close_account", ip=ip)
    user, _ = _customer(session, user_id)
    accounts.close_account(session=session, user_id=user.id or 0, actor_id=viewer.user_id, ip=ip)
