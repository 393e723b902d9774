"""Support acts on a customer: a balance adjustment with a reason, the country, the company's verification, the IP
list, the code word, a new confirmation link (each audited; the customer is told)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from introserv_app.db.tables import (
    EmailChange,
)
from introserv_app.db.types import utcnow
from introserv_app.domain.keys import new_idem_key
from introserv_app.domain.money import Money, parse_signed_amount
from introserv_app.domain.statuses import LedgerKind
from introserv_app.i18n.countries import is_country_code
from introserv_app.services import accounts, billing, messaging
from introserv_app.services.accounts import sessions_changed
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.support._rules import (
    ADJUST_MAX_MINOR,
    MSG_ADJUST_AMOUNT,
    MSG_ADJUST_NEGATIVE,
    MSG_ALREADY_VERIFIED,
    MSG_COUNTRY,
    MSG_COUNTRY_SAME,
    MSG_EMAIL_CONFIRMED,
    MSG_NO_CODE_WORD,
    MSG_NO_EMAIL,
    MSG_NO_IP_RULES,
    MSG_NOT_COMPANY,
    _customer,
    _reason,
    _require_operator,
)


def new_adjustment_key() -> str:
    """The idempotency key a balance adjustment form carries (a double submit posts once)."""
    return new_idem_key("adj")


def adjust_balance(
    *,
    session: Session,
    viewer: Viewer,
    user_id: object,
    amount: object,
    reason: object,
    idem_key: str,
    ip: str = "",
    now: datetime | None = None,
) -> Money:
    """Credit (positive) or debit (negative) the customer's balance in the account currency with a ledger
    entry carrying the reason; never below zero. Returns the new balance."""
    now = now or utcnow()
    access.require_staff(session=session, viewer=viewer, target="customer.adjust_balance", ip=ip)
    user, profile = _customer(session, user_id)
    text = _reason(reason)
    delta = parse_signed_amount(amount, profile.currency)
    if delta is None or delta.minor == 0 or abs(delta.minor) > ADJUST_MAX_MINOR:
        raise ServiceError(MSG_ADJUST_AMOUNT)
    uid = user.id or 0
    try:
        billing.post(
            session=session,
            user_id=uid,
            kind=LedgerKind.ADJUSTMENT,
            amount=delta,
            idem_key=billing.check_idem_key(idem_key),
            note=text,
            actor_id=viewer.user_id,
            now=now,
        )
    except billing.InsufficientFunds:
        current = billing.balance(session=session, user_id=uid)
        session.rollback()
        audit.record_apart(
            session=session,
            action="customer.adjust_balance",
            actor_id=viewer.user_id,
            subject_user_id=uid,
            success=False,
            ip=ip,
            details={"amount": delta.minor, "reason": text, "refused": "negative"},
        )
        raise ServiceError(MSG_ADJUST_NEGATIVE, balance=current) from None
    new_balance = billing.balance(session=session, user_id=uid)
    messaging.notify(
        session=session,
        user_id=uid,
        kind="balance_adjusted",
        params={
            "amount": {"minor": delta.minor, "currency": delta.currency},
            "balance": {"minor": new_balance.minor, "currency": new_balance.currency},
            "reason": text,
        },
        dedupe_key=f"adjust:{idem_key}",
        now=now,
    )
    audit.record(
        session=session,
        action="customer.adjust_balance",
        actor_id=viewer.user_id,
        subject_user_id=uid,
        ip=ip,
        details={"amount": delta.minor, "currency": delta.currency, "reason": text, "balance": new_balance.minor},
        now=now,
    )
    return new_balance


def verify_company(
    *, session: Session, viewer: Viewer | None, user_id: object, ip: str = "", now: datetime | None = None
) -> None:
    """A pending company profile becomes verified: its invoices can be paid (`viewer` None: the CLI)."""
    _require_operator(session, viewer, "customer.verify_company", ip)
    user, profile = _customer(session, user_id)
    if profile.profile_type != "company":
        raise ServiceError(MSG_NOT_COMPANY)
    if profile.company_verification == "verified":
        raise ServiceError(MSG_ALREADY_VERIFIED)
    old, profile.company_verification = profile.company_verification, "verified"
    audit.record(
        session=session,
        action="settings.company_verification",
        actor_id=viewer.user_id if viewer else None,
        subject_user_id=user.id,
        ip=ip,
        details={"old": old, "new": profile.company_verification},
    )
    messaging.notify(
        session=session,
        user_id=user.id or 0,
        kind="company_verified",
        params={"company": profile.company_name or ""},
        now=now,
    )


def change_country(
    *,
    session: Session,
    viewer: Viewer,
    user_id: object,
    country: object,
    reason: object,
    ip: str = "",
    now: datetime | None = None,
) -> None:
    """The customer's country (read-only for them: it decides VAT) changes as they asked in a ticket."""
    access.require_staff(session=session, viewer=viewer, target="customer.change_country", ip=ip)
    user, profile = _customer(session, user_id)
    code = country.strip().upper() if isinstance(country, str) else ""
    if not is_country_code(code):
        raise ServiceError(MSG_COUNTRY)
    if code == profile.country:
        raise ServiceError(MSG_COUNTRY_SAME)
    text = _reason(reason)
    old, profile.country = profile.country, code
    messaging.notify(
        session=session, user_id=user.id or 0, kind="country_changed", params={"country": code, "reason": text}, now=now
    )
    audit.record(
        session=session,
        action="customer.change_country",
        actor_id=viewer.user_id,
        subject_user_id=user.id,
        ip=ip,
        details={"old": old, "new": code, "reason": text},
        now=now,
    )


def clear_ip_restrictions(
    *, session: Session, viewer: Viewer | None, user_id: object, ip: str = "", now: datetime | None = None
) -> None:
    """A customer locked out by their own IP list can sign in again (`viewer` None: the CLI)."""
    _require_operator(session, viewer, "customer.clear_ip", ip)
    user, profile = _customer(session, user_id)
    if not profile.ip_restrictions.strip():
        raise ServiceError(MSG_NO_IP_RULES)
    old, profile.ip_restrictions = profile.ip_restrictions, ""
    sessions_changed()
    audit.record(
        session=session,
        action="settings.ip_cleared",
        actor_id=viewer.user_id if viewer else None,
        subject_user_id=user.id,
        ip=ip,
        details={"old": old},
    )
    messaging.notify(session=session, user_id=user.id or 0, kind="ip_restrictions_cleared", now=now)


def reset_code_word(
    *, session: Session, viewer: Viewer | None, user_id: object, ip: str = "", now: datetime | None = None
) -> None:
    """After checking the caller's identity, support clears the code word so a new one can be set (`viewer`
    None: the CLI)."""
    _require_operator(session, viewer, "customer.reset_code_word", ip)
    user, profile = _customer(session, user_id)
    if not profile.code_word_hash:
        raise ServiceError(MSG_NO_CODE_WORD)
    profile.code_word_hash = None
    audit.record(
        session=session,
        action="settings.code_word_reset",
        actor_id=viewer.user_id if viewer else None,
        subject_user_id=user.id,
        ip=ip,
        details={"code_word": "reset"},
    )
    messaging.notify(session=session, user_id=user.id or 0, kind="code_word_reset", now=now)


def resend_email_confirmation(
    *, session: Session, viewer: Viewer, user_id: object, ip: str = "", now: datetime | None = None
) -> str:
    """A new confirmation link to the address waiting for confirmation (a pending change, else the
    unconfirmed main address). Returns the address."""
    now = now or utcnow()
    access.require_staff(session=session, viewer=viewer, target="customer.resend_confirmation", ip=ip)
    user, profile = _customer(session, user_id)
    pending = session.exec(
        select(EmailChange.new_email)
        .where(EmailChange.user_id == user.id, col(EmailChange.used_at).is_(None))
        .order_by(col(EmailChange.created_at).desc())
    ).first()
    if pending and pending != profile.email:
        address = pending
    elif not profile.email:
        raise ServiceError(MSG_NO_EMAIL)
    elif profile.email_confirmed:
        raise ServiceError(MSG_EMAIL_CONFIRMED)
    else:
        address = profile.email
    accounts.send_confirmation_link(
        session=session, user_id=user.id or 0, username=user.username, address=address, lang=profile.language, now=now
    )
    audit.record(
        session=session,
        action="customer.resend_confirmation",
        actor_id=viewer.user_id,
        subject_user_id=user.id,
        ip=ip,
        details={"address": address},
        now=now,
    )
    return address
