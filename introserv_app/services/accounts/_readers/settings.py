"""The Settings page as read: every profile field, the verification states, the last logins, whether the currency may
change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from introserv_app.db.tables import AuditEvent, EmailChange, Invoice, User
from introserv_app.db.types import utcnow
from introserv_app.domain.money import Money
from introserv_app.domain.statuses import InvoiceStatus
from introserv_app.services import billing
from introserv_app.services.accounts._rules import BOOLEAN_FIELDS, FORM_FIELDS, _profile
from introserv_app.services.billing import missing_required
from introserv_app.services.common.viewer import Viewer


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


def currency_locked(*, session: Session, user_id: int) -> bool:
    if billing.balance(session=session, user_id=user_id).minor != 0:
        return True
    unpaid = session.exec(
        select(Invoice.id).where(Invoice.user_id == user_id, Invoice.status == InvoiceStatus.UNPAID).limit(1)
    ).first()
    return unpaid is not None


LOGIN_HISTORY = 20


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
    # The account's last 20 sign-ins, successful or not (someone guessing the password shows here).
    rows = session.exec(
        select(AuditEvent.created_at, AuditEvent.ip, AuditEvent.success)
        .where(col(AuditEvent.action).in_(("login", "login.throttled")), AuditEvent.subject_user_id == viewer.user_id)
        .order_by(col(AuditEvent.created_at).desc(), col(AuditEvent.id).desc())
        .limit(LOGIN_HISTORY)
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
        # "Display last IP": the sign-in before this one (the current one is no news to the person reading).
        last_login_at=user.previous_login_at if profile.display_last_ip else None,
        last_login_ip=(user.previous_login_ip or "") if profile.display_last_ip else "",
        recent_logins=recent,
    )
