"""Creating users (customers and staff)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from introserv_app.db.tables import Profile, User
from introserv_app.db.types import utcnow
from introserv_app.domain.money import CURRENCIES
from introserv_app.domain.roles import Role
from introserv_app.domain.settings_rules import MSG_PASSWORD_CHARACTERS
from introserv_app.domain.text import N_
from introserv_app.domain.validation import has_unusable_characters, is_valid_new_username, normalize_username
from introserv_app.i18n import SUPPORTED_LANGUAGES, gettext
from introserv_app.services import messaging
from introserv_app.services.accounts._passwords import hash_password
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError

PASSWORD_MIN = 12
PASSWORD_MAX = 128


def create_user(
    *,
    session: Session,
    username: str,
    password: str,
    role: Role = Role.CUSTOMER,
    email_addr: str = "",
    first_name: str = "",
    last_name: str = "",
    country: str = "OTHER",
    language: str = "en",
    currency: str = "EUR",
    actor_id: int | None = None,
    now: datetime | None = None,
    send_welcome: bool = True,
    password_hash: str | None = None,
) -> User:
    """Create a user with an empty profile; queue a welcome email when an address is given.
    `password_hash`: the password already checked and hashed by the caller (sign-up), instead of `password`."""
    now = now or utcnow()
    name = normalize_username(username)
    if not is_valid_new_username(name):
        raise ServiceError(N_("Username: 2-64 characters: letters a-z, digits, dot, underscore or hyphen."))
    if password_hash is None:
        if not isinstance(password, str) or not (PASSWORD_MIN <= len(password) <= PASSWORD_MAX):
            raise ServiceError(N_("Password: between 12 and 128 characters."))
        if has_unusable_characters(password):
            raise ServiceError(MSG_PASSWORD_CHARACTERS)
    if language not in SUPPORTED_LANGUAGES:
        raise ServiceError(N_("Unknown language."))
    if currency not in CURRENCIES:
        raise ServiceError(N_("Unknown currency."))
    if session.exec(select(User.id).where(User.username == name)).first() is not None:
        raise ServiceError(N_("This username is taken."))
    user = User(username=name, role=role.value, password_hash=password_hash or hash_password(password), created_at=now)
    session.add(user)
    session.flush()
    session.add(
        Profile(
            user_id=user.id,  # type: ignore[arg-type]
            email=email_addr,
            first_name=first_name,
            last_name=last_name,
            country=country,
            language=language,
            currency=currency,
        )
    )
    audit.record(
        session=session,
        action="user.create",
        actor_id=actor_id,
        subject_user_id=user.id,
        subject_key=name,
        details={"role": role.value},
        now=now,
    )
    if email_addr and send_welcome:
        messaging.queue_email(
            session=session,
            to_addr=email_addr,
            subject=gettext(language, messaging.MAIL_WELCOME_SUBJECT),
            body_text=gettext(language, messaging.MAIL_WELCOME_BODY).format(username=name),
            user_id=user.id,
            dedupe_key=f"welcome:{user.id}",
            now=now,
        )
    return user
