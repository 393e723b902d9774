"""The Settings page's use cases: one save for the form, and the flows that need more than a field.

`save_settings` checks every field first and writes nothing when any is wrong (the errors come back
per field). Every change is audited with old and new values; secrets only as "set". Email, password,
code word and IP restrictions need the current password again.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.config import get_settings
from introserv_app.db.tables import AuditEvent, EmailChange, Invoice, Profile, User, UserSession
from introserv_app.db.types import utcnow
from introserv_app.domain import settings_rules as rules
from introserv_app.domain.money import CURRENCIES, Money, parse_amount
from introserv_app.domain.settings_rules import FieldError
from introserv_app.domain.text import N_
from introserv_app.domain.vat import parse_vat_number
from introserv_app.i18n import SUPPORTED_LANGUAGES, translate_message
from introserv_app.services import billing
from introserv_app.services.auth import sessions_changed
from introserv_app.services.billing import VatChecker, check_profile_vat, checker_from_settings, missing_required
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging import queue_email
from introserv_app.services.passwords import hash_password, verify_password

MSG_WRONG_PASSWORD = N_("The current password is not correct.")
MSG_PASSWORD_NEEDED = N_("Enter your current password to change this.")
MSG_CURRENCY_LOCKED = N_("The currency can change only while the balance is zero and no invoice is unpaid.")
MSG_CHOICE = N_("Choose one of the options.")
MSG_AMOUNT = N_("Enter an amount from 0 to 1,000,000.00, or leave it empty.")
MSG_VAT = N_("Enter a VAT number with its country prefix, e.g. DE123456789.")
MSG_COMPANY_NAME = N_("A company profile needs the company name.")
MSG_CODE_WORD_SET = N_("The code word is already set; support can reset it after checking your identity.")
MSG_EMAIL_SAME = N_("This is already your email address.")
MSG_LINK_BAD = N_("This confirmation link is not valid or has expired.")
MSG_FIX_FIELDS = N_("Some fields need attention; nothing was saved.")

MAIL_CONFIRM_SUBJECT = N_("Confirm your email address")
MAIL_CONFIRM_BODY = N_(
    "Hello {username},\n\nplease confirm {new_email} as the email address of your INTROSERV account by "
    "opening this link within 24 hours:\n\n{link}\n\nIf you did not ask for this, ignore this message."
)
MAIL_NOTICE_SUBJECT = N_("Your email address is being changed")
MAIL_NOTICE_BODY = N_(
    "Hello {username},\n\nsomeone signed in to your INTROSERV account asked to change its email address "
    "to {new_email}. The change happens once the new address is confirmed. If this was not you, change "
    "your password and contact support."
)
EMAIL_LINK_TTL = timedelta(hours=24)
THRESHOLD_MAX_MINOR = 100_000_000
#: Form fields saved by `save_settings` (the rest of the page has its own flows).
FORM_FIELDS = (
    "profile_type",
    "company_name",
    "company_reg_number",
    "vat_number",
    "last_name",
    "first_name",
    "phone",
    "region",
    "city",
    "address",
    "postal_code",
    "newsletter",
    "low_balance_threshold",
    "email_invoices",
    "email_support",
    "email_complaints",
    "auto_renew",
    "currency",
    "pay_without_auth",
    "language",
    "display_last_ip",
    "ip_restrictions",
)
BOOLEAN_FIELDS = ("newsletter", "auto_renew", "pay_without_auth", "display_last_ip")


class SettingsInvalid(ServiceError):
    """Field errors: {field name: FieldError}; nothing was saved."""

    def __init__(self, errors: dict[str, FieldError]) -> None:
        super().__init__(MSG_FIX_FIELDS)
        self.errors = errors


@dataclass(frozen=True)
class LoginRecord:
    at: datetime
    ip: str
    ok: bool


@dataclass
class SettingsView:
    username: str
    profile: dict[str, str]
    email: str
    email_confirmed: bool
    pending_email: str
    phone_verified: bool
    call_password_set: bool
    code_word_set: bool
    company_verification: str
    country: str
    currency: str
    currency_locked: bool
    missing: list[str]
    last_login_at: datetime | None
    last_login_ip: str
    recent_logins: list[LoginRecord] = field(default_factory=list)


def _profile(session: Session, user_id: int) -> Profile:
    profile = session.get(Profile, user_id)
    if profile is None:
        profile = Profile(user_id=user_id)
        session.add(profile)
        session.flush()
    return profile


def currency_locked(*, session: Session, user_id: int) -> bool:
    if billing.balance(session=session, user_id=user_id).minor != 0:
        return True
    unpaid = session.exec(
        select(Invoice.id).where(Invoice.user_id == user_id, Invoice.status == "unpaid").limit(1)
    ).first()
    return unpaid is not None


def settings_view(*, session: Session, viewer: Viewer) -> SettingsView:
    profile = _profile(session, viewer.user_id)
    user = session.get(User, viewer.user_id)
    assert user is not None
    pending = session.exec(
        select(EmailChange.new_email)
        .where(EmailChange.user_id == viewer.user_id, col(EmailChange.used_at).is_(None))
        .where(EmailChange.expires_at > utcnow())
        .order_by(col(EmailChange.id).desc())
    ).first()
    threshold = profile.low_balance_threshold_minor
    values = {name: getattr(profile, name, None) for name in FORM_FIELDS if name != "low_balance_threshold"}
    form = {k: ("1" if v else "") if k in BOOLEAN_FIELDS else (v or "") for k, v in values.items()}
    form["low_balance_threshold"] = str(Money(threshold, profile.currency).amount) if threshold is not None else ""
    recent: list[LoginRecord] = []
    if profile.display_last_ip:
        rows = session.exec(
            select(AuditEvent.created_at, AuditEvent.ip, AuditEvent.success)
            .where(AuditEvent.action == "login", AuditEvent.subject_user_id == viewer.user_id)
            .order_by(col(AuditEvent.created_at).desc())
            .limit(10)
        ).all()
        recent = [LoginRecord(at, ip or "", bool(ok)) for at, ip, ok in rows]
    return SettingsView(
        username=user.username,
        profile={k: str(v) for k, v in form.items()},
        email=profile.email,
        email_confirmed=profile.email_confirmed,
        pending_email=pending or "",
        phone_verified=profile.phone_verified_at is not None and bool(profile.phone),
        call_password_set=profile.call_password_hash is not None,
        code_word_set=profile.code_word_hash is not None,
        company_verification=profile.company_verification,
        country=profile.country,
        currency=profile.currency,
        currency_locked=currency_locked(session=session, user_id=viewer.user_id),
        missing=missing_required(profile),
        last_login_at=user.last_login_at if profile.display_last_ip else None,
        last_login_ip=(user.last_login_ip or "") if profile.display_last_ip else "",
        recent_logins=recent,
    )


@dataclass(frozen=True)
class SaveOutcome:
    changed: list[str]
    #: The new IP list would lock out the address in use: nothing saved, ask to confirm.
    confirm_ip_lockout: bool = False


def _flag(raw: object) -> bool:
    return raw in (True, "1", "on", "true", "yes")


def _check(form: Mapping[str, object], profile: Profile) -> tuple[dict[str, object], dict[str, FieldError]]:
    """Every form field checked; (values to store, errors)."""
    values: dict[str, object] = {}
    errors: dict[str, FieldError] = {}

    def put(name: str, check) -> None:  # type: ignore[no-untyped-def]
        try:
            values[name] = check(form.get(name, ""))
        except FieldError as exc:
            errors[name] = exc

    def choice(allowed: tuple[str, ...]):  # type: ignore[no-untyped-def]
        def check(raw: object) -> str:
            if raw not in allowed:
                raise FieldError(MSG_CHOICE)
            return str(raw)

        return check

    put("profile_type", choice(("individual", "company")))
    put("last_name", lambda v: rules.text(v, max_len=100, required=True))
    put("first_name", lambda v: rules.text(v, max_len=100, required=True))
    put("phone", lambda v: rules.phone(v, region=profile.country))
    put("region", lambda v: rules.text(v, max_len=100))
    put("city", lambda v: rules.text(v, max_len=100, required=True))
    put("address", lambda v: rules.text(v, max_len=255, required=True))
    put("postal_code", rules.postal_code)
    put("company_name", lambda v: rules.text(v, max_len=255))
    put("company_reg_number", lambda v: rules.text(v, max_len=64))

    def vat(raw: object) -> str:
        value = rules.text(raw, max_len=32)
        if value and parse_vat_number(value) is None:
            raise FieldError(MSG_VAT)
        parsed = parse_vat_number(value) if value else None
        return parsed.number if parsed else ""

    put("vat_number", vat)
    if values.get("profile_type") == "company" and not values.get("company_name") and "company_name" not in errors:
        errors["company_name"] = FieldError(MSG_COMPANY_NAME)
    for name in ("email_invoices", "email_support", "email_complaints"):
        put(name, lambda v: rules.email(v, required=False))

    def threshold(raw: object) -> int | None:
        value = raw.strip() if isinstance(raw, str) else ""
        if not value:
            return None
        money = parse_amount(value, profile.currency) if len(value) <= 20 else None
        if money is None or not 0 <= money.minor <= THRESHOLD_MAX_MINOR:
            raise FieldError(MSG_AMOUNT)
        return money.minor

    put("low_balance_threshold", threshold)
    put("currency", choice(CURRENCIES))
    put("language", choice(SUPPORTED_LANGUAGES))
    for name in BOOLEAN_FIELDS:
        values[name] = _flag(form.get(name))

    def ips(raw: object) -> str:
        stored, _ = rules.parse_ip_rules(raw)
        return stored

    put("ip_restrictions", ips)
    return values, errors


def save_settings(
    *,
    session: Session,
    viewer: Viewer,
    form: Mapping[str, object],
    ip: str,
    confirm_ip_lockout: bool = False,
    vat_checker: VatChecker | None = None,
    now: datetime | None = None,
) -> SaveOutcome:
    """Save the form (every field of FORM_FIELDS) or nothing; raises SettingsInvalid with per-field errors."""
    now = now or utcnow()
    profile = _profile(session, viewer.user_id)
    values, errors = _check(form, profile)
    user = session.get(User, viewer.user_id)
    assert user is not None
    if "ip_restrictions" in values and values["ip_restrictions"] != profile.ip_restrictions:
        password = form.get("current_password", "")
        if not isinstance(password, str) or not password:
            errors["current_password"] = FieldError(MSG_PASSWORD_NEEDED)
        elif not verify_password(user.password_hash, password[:1024]):
            errors["current_password"] = FieldError(MSG_WRONG_PASSWORD)
    if values.get("currency") not in (None, profile.currency) and currency_locked(
        session=session, user_id=viewer.user_id
    ):
        errors["currency"] = FieldError(MSG_CURRENCY_LOCKED)
    if errors:
        raise SettingsInvalid(errors)
    new_ips = str(values["ip_restrictions"])
    ips_changed = new_ips != profile.ip_restrictions
    if ips_changed:
        sessions_changed()
    if ips_changed and new_ips and not rules.ip_allowed(new_ips, ip) and not confirm_ip_lockout:
        return SaveOutcome(changed=[], confirm_ip_lockout=True)

    if values.get("language", profile.language) != profile.language:
        sessions_changed()  # the viewer carries the language
    stored = {
        **values,
        "low_balance_threshold_minor": values["low_balance_threshold"],
        "company_name": values["company_name"] or None,
        "company_reg_number": values["company_reg_number"] or None,
        "vat_number": values["vat_number"] or None,
        "region": values["region"] or None,
        "postal_code": values["postal_code"] or None,
        "email_invoices": values["email_invoices"] or None,
        "email_support": values["email_support"] or None,
        "email_complaints": values["email_complaints"] or None,
    }
    stored.pop("low_balance_threshold")
    changes: dict[str, list[object]] = {}
    for name, new in stored.items():
        old = getattr(profile, name)
        if old != new:
            changes[name] = [old, new]
            setattr(profile, name, new)
    if "phone" in changes:
        profile.phone_verified_at = None
    company_fields = {"profile_type", "company_name", "company_reg_number", "vat_number"}
    if profile.profile_type == "company" and company_fields & set(changes):
        profile.company_verification = "pending"
        changes.setdefault("company_verification", [None, "pending"])
    elif profile.profile_type == "individual" and "profile_type" in changes:
        profile.company_verification = "none"
    if "vat_number" in changes or ("profile_type" in changes and profile.vat_number):
        check_profile_vat(
            session=session, user_id=viewer.user_id, checker=vat_checker or checker_from_settings(), now=now
        )
    if changes:
        audit.record(
            session=session,
            action="settings.update",
            actor_id=viewer.user_id,
            subject_user_id=viewer.user_id,
            ip=ip,
            details={"changes": {k: [_shown(v[0]), _shown(v[1])] for k, v in changes.items()}},
            now=now,
        )
    session.flush()
    return SaveOutcome(changed=sorted(changes))


def _shown(value: object) -> object:
    return value if value is None or isinstance(value, bool | int) else str(value)[:500]


def _check_password(session: Session, viewer: Viewer, password: object) -> User:
    user = session.get(User, viewer.user_id)
    assert user is not None
    if not isinstance(password, str) or not password:
        raise SettingsInvalid({"current_password": FieldError(MSG_PASSWORD_NEEDED)})
    if not verify_password(user.password_hash, password[:1024]):
        audit.record(
            session=session,
            action="settings.password_check",
            actor_id=viewer.user_id,
            subject_user_id=viewer.user_id,
            success=False,
        )
        raise SettingsInvalid({"current_password": FieldError(MSG_WRONG_PASSWORD)})
    return user


def change_password(
    *,
    session: Session,
    viewer: Viewer,
    current: object,
    new: object,
    confirm: object,
    ip: str = "",
    now: datetime | None = None,
) -> int:
    """Set a new password; every other session of the user ends. Returns how many sessions ended."""
    now = now or utcnow()
    problem = rules.password_problem(new, confirm, viewer.username)
    if problem is not None:
        raise SettingsInvalid({"new_password": FieldError(problem)})
    user = _check_password(session, viewer, current)
    user.password_hash = hash_password(str(new))
    ended = session.execute(  # type: ignore[attr-defined]
        sa.update(UserSession)
        .where(
            col(UserSession.user_id) == viewer.user_id,
            col(UserSession.id) != viewer.session_id,
            col(UserSession.revoked_at).is_(None),
        )
        .values(revoked_at=now)
    ).rowcount
    sessions_changed()
    audit.record(
        session=session,
        action="settings.password",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"password": "changed", "sessions_ended": int(ended or 0)},
        now=now,
    )
    return int(ended or 0)


def set_code_word(*, session: Session, viewer: Viewer, word: object, password: object, ip: str = "") -> None:
    """The code word for support calls: set once, never shown or changed by the customer."""
    profile = _profile(session, viewer.user_id)
    if profile.code_word_hash is not None:
        raise ServiceError(MSG_CODE_WORD_SET)
    try:
        value = rules.secret(word)
    except FieldError as exc:
        raise SettingsInvalid({"code_word": exc}) from None
    _check_password(session, viewer, password)
    profile.code_word_hash = hash_password(value)
    audit.record(
        session=session,
        action="settings.code_word",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"code_word": "set"},
    )


def set_call_password(*, session: Session, viewer: Viewer, word: object, ip: str = "") -> None:
    """The secret word asked on phone calls (stored hashed; can be replaced)."""
    try:
        value = rules.secret(word)
    except FieldError as exc:
        raise SettingsInvalid({"call_password": exc}) from None
    profile = _profile(session, viewer.user_id)
    was_set = profile.call_password_hash is not None
    profile.call_password_hash = hash_password(value)
    audit.record(
        session=session,
        action="settings.call_password",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"call_password": "replaced" if was_set else "set"},
    )


# ---- email confirmation -------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_email_change(
    *, session: Session, viewer: Viewer, new_email: object, password: object, ip: str = "", now: datetime | None = None
) -> str:
    """Send a single-use, 24-hour confirmation link to the new address (or to the current one, to confirm
    it) and tell the old address. Returns the address the link went to."""
    now = now or utcnow()
    try:
        address = rules.email(new_email)
    except FieldError as exc:
        raise SettingsInvalid({"new_email": exc}) from None
    profile = _profile(session, viewer.user_id)
    confirming_current = address == profile.email
    if confirming_current and profile.email_confirmed:
        raise SettingsInvalid({"new_email": FieldError(MSG_EMAIL_SAME)})
    if not confirming_current:
        _check_password(session, viewer, password)
    lang = profile.language
    values = send_confirmation_link(
        session=session, user_id=viewer.user_id, username=viewer.username, address=address, lang=lang, now=now
    )
    if not confirming_current and profile.email:
        queue_email(
            session=session,
            user_id=viewer.user_id,
            to_addr=profile.email,
            subject=translate_message(lang, MAIL_NOTICE_SUBJECT),
            body_text=translate_message(lang, MAIL_NOTICE_BODY, values),
            now=now,
        )
    audit.record(
        session=session,
        action="settings.email_requested",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"old": profile.email, "new": address},
        now=now,
    )
    return address


def send_confirmation_link(
    *, session: Session, user_id: int, username: str, address: str, lang: str, now: datetime
) -> dict[str, object]:
    """Store a single-use 24-hour link confirming `address` and mail it there; returns the mail's values."""
    token = secrets.token_urlsafe(32)
    session.add(
        EmailChange(
            user_id=user_id, new_email=address, token_hash=_hash(token), created_at=now, expires_at=now + EMAIL_LINK_TTL
        )
    )
    link = f"{get_settings().base_url}/settings/confirm-email?t={token}"
    values: dict[str, object] = {"username": username, "link": link, "new_email": address}
    queue_email(
        session=session,
        user_id=user_id,
        to_addr=address,
        subject=translate_message(lang, MAIL_CONFIRM_SUBJECT),
        body_text=translate_message(lang, MAIL_CONFIRM_BODY, values),
        now=now,
    )
    return values


def confirm_email(*, session: Session, token: object, ip: str = "", now: datetime | None = None) -> str:
    """Use a confirmation link: the address becomes the account's email, confirmed. Returns it."""
    now = now or utcnow()
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise ServiceError(MSG_LINK_BAD)
    row = session.exec(select(EmailChange).where(EmailChange.token_hash == _hash(token))).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise ServiceError(MSG_LINK_BAD)
    row.used_at = now
    profile = _profile(session, row.user_id)
    old = profile.email
    profile.email, profile.email_confirmed = row.new_email, True
    audit.record(
        session=session,
        action="settings.email",
        actor_id=row.user_id,
        subject_user_id=row.user_id,
        ip=ip,
        details={"old": old, "new": row.new_email},
        now=now,
    )
    return row.new_email


# ---- staff --------------------------------------------------------------------------------------
