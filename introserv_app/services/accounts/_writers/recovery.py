"""Forgotten passwords: a reset link by mail (the same answer for known and unknown addresses), used once
within 30 minutes; using it sets the password, ends every session of the account and mails a notice.
Support can send the link from the customer page; nobody but the customer ever chooses the password."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from introserv_app.config import get_settings
from introserv_app.db.tables import Profile, User
from introserv_app.db.types import utcnow
from introserv_app.domain import settings_rules as rules
from introserv_app.domain.settings_rules import FieldError
from introserv_app.domain.text import N_
from introserv_app.i18n import translate_message
from introserv_app.services import messaging
from introserv_app.services.accounts import _tokens
from introserv_app.services.accounts._passwords import hash_password
from introserv_app.services.accounts._rules import SettingsInvalid
from introserv_app.services.accounts._sessions import revoke_sessions
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError

RESET_TTL = timedelta(minutes=30)
RESETS_PER_ADDRESS_HOUR = 3
RESETS_PER_IP_HOUR = 10
#: Accounts that share one address each get their own link (older data; sign-up keeps addresses unique).
ACCOUNTS_PER_ADDRESS = 5

MSG_RESET_SENT = N_(
    "If an account uses this address, we have sent it a link to set a new password. The link works once, "
    "within 30 minutes. Check your spam folder if it does not arrive."
)
MSG_RESET_THROTTLED = N_("Too many reset requests. Please try again in an hour.")
MSG_RESET_LINK_BAD = N_("This reset link is not valid: it was used already, it has expired, or it is incomplete.")
MSG_RESET_DONE = N_("Your new password is set and every session of the account was signed out. Please sign in.")


def _accounts_with(session: Session, address: str) -> list[tuple[int, str, str, str]]:
    """(user id, username, language, address as stored) of the active accounts whose address is `address`
    (compared without case: the link goes to the address the account has)."""
    rows = session.exec(
        select(User.id, User.username, Profile.language, Profile.email)
        .join(Profile, col(Profile.user_id) == col(User.id))
        .where(func.lower(Profile.email) == address.lower(), col(User.is_active).is_(True))
        .order_by(col(User.id))
        .limit(ACCOUNTS_PER_ADDRESS)
    ).all()
    return [(int(uid or 0), name, lang or "en", stored) for uid, name, lang, stored in rows]


def _mail_link(session: Session, *, user_id: int, username: str, lang: str, address: str, now: datetime) -> None:
    _tokens.retire(session=session, purpose="reset", user_id=user_id, now=now)  # only the newest link works
    token = _tokens.issue(session=session, purpose="reset", ttl=RESET_TTL, now=now, user_id=user_id, email=address)
    messaging.queue_email(
        session=session,
        user_id=user_id,
        to_addr=address,
        subject=translate_message(lang, messaging.MAIL_RESET_SUBJECT),
        body_text=translate_message(lang, messaging.MAIL_RESET_BODY, {"username": username, "link": reset_link(token)}),
        now=now,
    )


def reset_link(token: str) -> str:
    return f"{get_settings().base_url}/reset?t={token}"


def request_password_reset(*, session: Session, email: object, ip: str = "", now: datetime | None = None) -> None:
    """Mail a reset link to every account with this address; the caller shows `MSG_RESET_SENT` whether or
    not there is one. Limited per address and per IP (ServiceError `MSG_RESET_THROTTLED`)."""
    now = now or utcnow()
    try:
        address = rules.email(email)
    except FieldError as exc:
        raise SettingsInvalid({"email": exc}) from None
    key = _tokens.address_key(address)
    hour_ago = now - timedelta(hours=1)
    if _tokens.recent_events(
        session=session, action="password.reset_requested", since=hour_ago, subject_key=key
    ) >= RESETS_PER_ADDRESS_HOUR or (
        ip
        and _tokens.recent_events(session=session, action="password.reset_requested", since=hour_ago, ip=ip)
        >= RESETS_PER_IP_HOUR
    ):
        raise ServiceError(MSG_RESET_THROTTLED)
    accounts = _accounts_with(session, address)
    for user_id, username, lang, stored in accounts:
        _mail_link(session, user_id=user_id, username=username, lang=lang, address=stored, now=now)
    audit.record(
        session=session,
        action="password.reset_requested",
        subject_key=key,
        subject_user_id=accounts[0][0] if accounts else None,
        ip=ip,
        details={"accounts": len(accounts)},
        now=now,
    )


def send_reset_link(*, session: Session, user_id: int, actor_id: int, ip: str = "", now: datetime | None = None) -> str:
    """Support's "send a reset link": to the account's own address (never to one staff type in). Returns it."""
    now = now or utcnow()
    row = session.exec(
        select(User.username, Profile.email, Profile.language)
        .join(Profile, col(Profile.user_id) == col(User.id))
        .where(col(User.id) == user_id)
    ).first()
    if row is None or not row[1]:
        raise ServiceError(N_("This customer has no email address to send the link to."))
    username, address, lang = row
    _mail_link(session, user_id=user_id, username=username, lang=lang or "en", address=address, now=now)
    audit.record(
        session=session,
        action="password.reset_sent",
        actor_id=actor_id,
        subject_user_id=user_id,
        ip=ip,
        details={"by": "support"},
        now=now,
    )
    return address


def reset_username(*, session: Session, token: object, now: datetime | None = None) -> str | None:
    """The username a valid reset link is for (the page shows it), or None."""
    row = _tokens.peek(session=session, purpose="reset", token=token, now=now or utcnow())
    if row is None or row.user_id is None:
        return None
    user = session.get(User, row.user_id)
    return user.username if user is not None and user.is_active else None


def reset_password(
    *, session: Session, token: object, new: object, confirm: object, ip: str = "", now: datetime | None = None
) -> str:
    """Set the password through a reset link: once (of concurrent uses exactly one succeeds), every session
    of the account ends, a notice is mailed. Returns the username. A password that breaks the rules leaves
    the link usable."""
    now = now or utcnow()
    row = _tokens.peek(session=session, purpose="reset", token=token, now=now)
    user = session.get(User, row.user_id) if row is not None and row.user_id is not None else None
    if row is None or user is None or not user.is_active:
        raise ServiceError(MSG_RESET_LINK_BAD)
    problem = rules.password_problem(new, confirm, user.username)
    if problem is not None:
        raise SettingsInvalid({"new_password": FieldError(problem)})
    hashed = hash_password(str(new))  # before the write below: no lock is held while argon2 works
    if not _tokens.take(session=session, row=row, now=now):
        raise ServiceError(MSG_RESET_LINK_BAD)
    user.password_hash = hashed
    _tokens.retire(session=session, purpose="reset", user_id=user.id or 0, now=now)
    ended = revoke_sessions(session=session, user_id=user.id or 0, now=now)
    profile = session.get(Profile, user.id)
    lang = profile.language if profile is not None else "en"
    if profile is not None and profile.email:
        messaging.queue_email(
            session=session,
            user_id=user.id,
            to_addr=profile.email,
            subject=translate_message(lang, messaging.MAIL_PASSWORD_RESET_DONE_SUBJECT),
            body_text=translate_message(
                lang, messaging.MAIL_PASSWORD_RESET_DONE_BODY, {"username": user.username, "ip": ip or "?"}
            ),
            now=now,
        )
    audit.record(
        session=session,
        action="password.reset",
        actor_id=user.id,
        subject_user_id=user.id,
        subject_key=user.username,
        ip=ip,
        details={"sessions_ended": int(ended or 0)},
        now=now,
    )
    return user.username
