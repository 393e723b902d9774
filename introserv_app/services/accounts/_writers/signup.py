"""Sign-up: a customer creates the account; the address is confirmed by a link before the first order,
payment or ticket. The answer is the same whether or not the username or address is taken (the mailbox
learns why, the page does not). Limited per IP and in all; `INTROSERV_SIGNUP=closed` admits only holders
of an invitation that staff sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from introserv_app.config import Settings, get_settings
from introserv_app.db.tables import EmailChange, Profile, User
from introserv_app.db.types import utcnow
from introserv_app.domain import settings_rules as rules
from introserv_app.domain.settings_rules import FieldError
from introserv_app.domain.text import N_
from introserv_app.domain.validation import USERNAME_MAX, clip_for_log, is_valid_new_username, normalize_username
from introserv_app.i18n import SUPPORTED_LANGUAGES, translate_message
from introserv_app.i18n.countries import is_country_code
from introserv_app.services import messaging
from introserv_app.services.accounts import _tokens
from introserv_app.services.accounts._passwords import hash_password
from introserv_app.services.accounts._rules import SettingsInvalid
from introserv_app.services.accounts._writers.email_change import send_confirmation_link
from introserv_app.services.accounts._writers.users import create_user
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

INVITE_TTL = timedelta(days=7)
RESENDS_PER_HOUR = 3

MSG_SIGNUP_SENT = N_(
    "Thank you. We have sent a link to {email}: open it to confirm the address. You can sign in now; orders, "
    "payments and tickets open once the address is confirmed. No mail after a few minutes? Check the spam "
    "folder, or sign up again if the address was mistyped."
)
MSG_SIGNUP_CLOSED = N_("Sign-up is by invitation only. Ask us for an invitation link.")
MSG_INVITE_BAD = N_("This invitation link is not valid: it was used already, it has expired, or it is incomplete.")
MSG_SIGNUP_THROTTLED = N_("Too many sign-ups right now. Please try again in an hour.")
MSG_USERNAME_RULES = N_(
    "2 to 64 characters: letters a-z, digits, dot, underscore or hyphen; start with a letter or digit."
)
MSG_COUNTRY = N_("Choose your country.")
MSG_LANGUAGE = N_("Choose a language.")
MSG_RESEND_LIMIT = N_("The link was sent several times in the last hour. Please wait before asking again.")
MSG_RESENT = N_("We sent a new confirmation link to {email}.")
MSG_ALREADY_CONFIRMED = N_("Your email address is already confirmed.")


@dataclass(frozen=True)
class SignUp:
    username: object
    email: object
    password: object
    confirm: object
    country: object
    language: object
    invitation: object = None


def _checked(form: SignUp) -> tuple[str, str, str, str]:
    """(username, address, country, language) or SettingsInvalid with every field's problem."""
    errors: dict[str, FieldError] = {}
    raw_name = form.username if isinstance(form.username, str) else ""
    username = normalize_username(raw_name[: USERNAME_MAX * 2])
    if not is_valid_new_username(username):
        errors["username"] = FieldError(MSG_USERNAME_RULES)
    address = ""
    try:
        address = rules.email(form.email)
    except FieldError as exc:
        errors["email"] = exc
    problem = rules.password_problem(form.password, form.confirm, username)
    if problem is not None:
        errors["password"] = FieldError(problem)
    country = form.country.upper() if isinstance(form.country, str) else ""
    if not is_country_code(country):
        errors["country"] = FieldError(MSG_COUNTRY)
    language = form.language if isinstance(form.language, str) else ""
    if language not in SUPPORTED_LANGUAGES:
        errors["language"] = FieldError(MSG_LANGUAGE)
    if errors:
        raise SettingsInvalid(errors)
    return username, address, country, language


def sign_up(
    *, session: Session, form: SignUp, ip: str = "", now: datetime | None = None, settings: Settings | None = None
) -> str:
    """Create the account (unconfirmed) and mail the confirmation link, or, when the username or address is
    taken, mail the address why not. Returns the address: the page answers `MSG_SIGNUP_SENT` either way."""
    settings = settings or get_settings()
    now = now or utcnow()
    invitation = None
    if form.invitation:
        invitation = _tokens.peek(session=session, purpose="invite", token=form.invitation, now=now)
        if invitation is None:
            raise ServiceError(MSG_INVITE_BAD)
    elif settings.signup != "open":
        raise ServiceError(MSG_SIGNUP_CLOSED)
    username, address, country, language = _checked(form)
    hour_ago = now - timedelta(hours=1)
    if invitation is None and (
        _tokens.recent_events(session=session, action="signup", since=hour_ago, ip=ip) >= settings.signup_per_ip_hour
        or _tokens.recent_events(session=session, action="signup", since=hour_ago) >= settings.signup_per_hour
    ):
        raise ServiceError(MSG_SIGNUP_THROTTLED)

    def record(outcome: str, user_id: int | None = None) -> None:
        audit.record(
            session=session,
            action="signup",
            success=outcome == "created",
            subject_key=clip_for_log(username),
            subject_user_id=user_id,
            ip=ip,
            details={"outcome": outcome, "invited": invitation is not None},
            now=now,
        )

    # The same argon2 work on every path: the time taken does not tell whether the name or address exists.
    hashed = hash_password(str(form.password))
    holder = session.exec(
        select(Profile.email, Profile.language).where(func.lower(Profile.email) == address.lower()).limit(1)
    ).first()
    if holder is not None:  # told at the address the account has (the same mailbox, as the account wrote it)
        values: dict[str, object] = {"forgot_link": f"{settings.base_url}/forgot"}
        subject, body = messaging.MAIL_SIGNUP_TAKEN_SUBJECT, messaging.MAIL_SIGNUP_TAKEN_BODY
        _mail(session, holder[0], holder[1] or "en", subject, body, values, now)
        record("email_taken")
        return address
    user = _create(
        session, username=username, hashed=hashed, address=address, country=country, language=language, now=now
    )
    if user is None:
        values = {"username": username, "signup_link": f"{settings.base_url}/signup"}
        subject, body = messaging.MAIL_SIGNUP_NAME_TAKEN_SUBJECT, messaging.MAIL_SIGNUP_NAME_TAKEN_BODY
        _mail(session, address, language, subject, body, values, now)
        record("username_taken")
        return address
    if invitation is not None:
        if not _tokens.take(session=session, row=invitation, now=now):
            raise ServiceError(MSG_INVITE_BAD)
    send_confirmation_link(
        session=session, user_id=user.id or 0, username=username, address=address, lang=language, now=now
    )
    record("created", user.id)
    return address


def _create(
    session: Session, *, username: str, hashed: str, address: str, country: str, language: str, now: datetime
) -> User | None:
    """The new user, or None when the username is taken (also by a concurrent sign-up)."""
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        return None
    try:
        with session.begin_nested():
            user = create_user(
                session=session,
                username=username,
                password="",
                password_hash=hashed,
                email_addr=address,
                country=country,
                language=language,
                currency="RUB" if country == "RU" else "EUR",
                now=now,
                send_welcome=False,
            )
            user.email_unconfirmed = True
            session.flush()
    except (IntegrityError, ServiceError):
        return None
    return user


def _mail(
    session: Session, to: str, lang: str, subject: str, body: str, values: dict[str, object], now: datetime
) -> None:
    messaging.queue_email(
        session=session,
        to_addr=to,
        subject=translate_message(lang, subject),
        body_text=translate_message(lang, body, values),
        now=now,
    )


def invite(*, session: Session, email: object, actor_id: int, ip: str = "", now: datetime | None = None) -> str:
    """Staff's invitation: a 7-day sign-up link mailed to `email` (works also while sign-up is closed)."""
    now = now or utcnow()
    try:
        address = rules.email(email)
    except FieldError:
        raise ServiceError(rules.MSG_EMAIL) from None
    token = _tokens.issue(
        session=session, purpose="invite", ttl=INVITE_TTL, now=now, email=address, created_by=actor_id
    )
    lang = "en"
    messaging.queue_email(
        session=session,
        to_addr=address,
        subject=translate_message(lang, messaging.MAIL_INVITE_SUBJECT),
        body_text=translate_message(
            lang, messaging.MAIL_INVITE_BODY, {"link": f"{get_settings().base_url}/signup?invite={token}"}
        ),
        now=now,
    )
    audit.record(session=session, action="signup.invite", actor_id=actor_id, ip=ip, details={"email": address}, now=now)
    return address


def resend_confirmation(*, session: Session, viewer: Viewer, ip: str = "", now: datetime | None = None) -> str:
    """Send the confirmation link again (at most `RESENDS_PER_HOUR`); returns the address."""
    now = now or utcnow()
    user = session.get(User, viewer.user_id)
    profile = session.get(Profile, viewer.user_id)
    if user is None or profile is None or not user.email_unconfirmed or not profile.email:
        raise ServiceError(MSG_ALREADY_CONFIRMED)
    sent = session.exec(
        select(func.count())
        .select_from(EmailChange)
        .where(col(EmailChange.user_id) == viewer.user_id, col(EmailChange.created_at) >= now - timedelta(hours=1))
    ).one()
    if sent >= RESENDS_PER_HOUR:
        raise ServiceError(MSG_RESEND_LIMIT)
    send_confirmation_link(
        session=session, user_id=viewer.user_id, username=user.username, address=profile.email,
        lang=profile.language, now=now,
    )  # fmt: skip
    audit.record(session=session, action="signup.resend", actor_id=viewer.user_id, subject_user_id=viewer.user_id,
                 ip=ip, now=now)  # fmt: skip
    return profile.email
