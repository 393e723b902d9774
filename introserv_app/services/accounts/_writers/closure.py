"""Closing an account: the customer asks (a ticket to support, nothing is closed by one click); staff close
it: every session ends, personal fields are anonymised, second factors and secrets go, the account cannot
sign in; orders, invoices and ledger entries stay (accounting law); audited."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.db.tables import AccountToken, EmailChange, Profile, User
from introserv_app.db.types import utcnow
from introserv_app.domain.text import N_
from introserv_app.domain.validation import check_text
from introserv_app.i18n import translate_message
from introserv_app.services import messaging
from introserv_app.services.accounts import _second_factor as factors
from introserv_app.services.accounts._sessions import revoke_sessions, sessions_changed
from introserv_app.services.accounts._writers.secrets import _check_password
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

CLOSURE_SUBJECT = N_("Please close my account")
CLOSURE_BODY = N_(
    "I ask you to close my account {username}. I understand that invoices and payments are kept as the law "
    "requires and that my personal data is removed.\n\nReason: {reason}"
)
MSG_CLOSURE_OPEN = N_("Your request to close the account is already with support (ticket #{ticket}).")
MSG_REASON = N_("The reason can have at most 1,000 characters.")
MSG_ALREADY_CLOSED = N_("This account is already closed.")


def request_closure(
    *, session: Session, viewer: Viewer, password: object, reason: object, ip: str = "", now: datetime | None = None
) -> int:
    """The customer's "Close my account": a ticket to support (once while it is open). Returns its id."""
    now = now or utcnow()
    try:
        why = check_text(reason, max_len=1000, multiline=True)
    except ValueError:
        raise ServiceError(MSG_REASON) from None
    _check_password(session, viewer, password)
    body = translate_message("en", CLOSURE_BODY, {"username": viewer.username, "reason": why or "-"})
    ticket, created = messaging.request_about_account(
        session=session, viewer=viewer, subject=translate_message("en", CLOSURE_SUBJECT), message=body, ip=ip, now=now
    )
    if not created:
        raise ServiceError(MSG_CLOSURE_OPEN, ticket=ticket)
    audit.record(
        session=session,
        action="account.closure_requested",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"ticket": ticket},
        now=now,
    )
    return ticket


def close_account(*, session: Session, user_id: int, actor_id: int, ip: str = "", now: datetime | None = None) -> None:
    """Staff close the account (support checks who asks first; `support.close_account`)."""
    now = now or utcnow()
    user, profile = session.get(User, user_id), session.get(Profile, user_id)
    if user is None or profile is None:
        raise ServiceError(MSG_ALREADY_CLOSED)
    if not user.is_active and user.username.startswith("closed-"):
        raise ServiceError(MSG_ALREADY_CLOSED)
    revoke_sessions(session=session, user_id=user_id, now=now)
    conn = session.connection()
    factors.remove_second_factors(session, user_id)
    conn.execute(sa.delete(AccountToken).where(col(AccountToken.user_id) == user_id))
    conn.execute(sa.delete(EmailChange).where(col(EmailChange.user_id) == user_id))
    old_name = user.username
    user.username, user.is_active, user.password_hash = f"closed-{user_id}", False, "!closed"
    user.last_login_ip = user.previous_login_ip = None
    for name in (
        "company_name",
        "company_reg_number",
        "phone",
        "call_password_hash",
        "region",
        "postal_code",
        "email_invoices",
        "email_support",
        "email_complaints",
        "code_word_hash",
        "phone_verified_at",
    ):
        setattr(profile, name, None)
    profile.first_name, profile.last_name, profile.email, profile.city, profile.address = "", "", "", "", ""
    profile.email_confirmed, profile.newsletter, profile.ip_restrictions = False, False, ""
    sessions_changed()
    audit.record(
        session=session,
        action="account.closed",
        actor_id=actor_id,
        subject_user_id=user_id,
        ip=ip,
        details={"username": old_name},
        now=now,
    )
