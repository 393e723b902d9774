"""The support console: finding a customer, everything about one customer, and what staff do to
customers and their orders.

Every function refuses a viewer who is not staff first (audited by `access`), then checks its input,
then changes data; a refusal of a valid staff request (a balance that would go negative) is audited
in a transaction of its own so the event survives the rollback. Each action writes an audit event and,
where the customer should know, a notification with its email.
"""

from __future__ import annotations

import ipaddress
import math
import secrets
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.db.search import like_escaped
from introserv_app.db.tables import (
    AuditEvent,
    EmailChange,
    Invoice,
    LedgerEntry,
    Order,
    Profile,
    TariffPlan,
    User,
    UserSession,
)
from introserv_app.db.types import utcnow
from introserv_app.domain.lifecycle import Cause
from introserv_app.domain.money import Money, parse_signed_amount
from introserv_app.domain.order_rules import reason_refusal
from introserv_app.domain.roles import Role
from introserv_app.domain.statuses import OrderStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import clean_search, is_row_id
from introserv_app.i18n.countries import is_country_code
from introserv_app.services import accounts, billing, messaging
from introserv_app.services.accounts import SignInAttempts, sessions_changed, sign_in_attempts
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.scope import MSG_ORDER_NOT_FOUND
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging import TicketRow, customer_tickets
from introserv_app.services.orders import change_status, status_counts

PAGE_SIZE = 25
SEARCH_MAX = 100
ADJUST_MAX_MINOR = 10_000_000  # 100,000.00

MSG_CUSTOMER_NOT_FOUND = N_("Customer not found.")
MSG_ADJUST_AMOUNT = N_(
    "Enter an amount such as 10.00 or -5.50 (one optional sign, at most two decimals): not zero, "
    "at most 100,000.00 either way."
)
MSG_ADJUST_NEGATIVE = N_("This adjustment would make the balance negative ({balance} now); nothing was changed.")
MSG_COUNTRY = N_("Choose a country.")
MSG_COUNTRY_SAME = N_("The customer already has this country.")
MSG_NOT_COMPANY = N_("This customer has an individual profile; there is no company to verify.")
MSG_ALREADY_VERIFIED = N_("The company profile is already verified.")
MSG_NO_EMAIL = N_("The customer has no email address to confirm.")
MSG_EMAIL_CONFIRMED = N_("The email address is already confirmed and no change is waiting.")
MSG_NO_IP_RULES = N_("The customer has no IP restrictions.")
MSG_NO_CODE_WORD = N_("The customer has no code word.")


def _reason(raw: object) -> str:
    """A required one-line reason (spaces folded); refused when empty, too long or with unusable characters."""
    text, refusal = reason_refusal(raw, required=True)
    if refusal is not None:
        raise ServiceError(refusal)
    return text


def _customer(session: Session, user_id: object) -> tuple[User, Profile]:
    user = session.get(User, user_id) if is_row_id(user_id) else None
    profile = session.get(Profile, user_id) if user is not None else None
    if user is None or profile is None or user.role != Role.CUSTOMER.value:
        raise ServiceError(MSG_CUSTOMER_NOT_FOUND)
    return user, profile


# ---- search -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerRow:
    id: int
    username: str
    name: str
    company: str
    email: str
    country: str
    is_active: bool
    orders: int
    created_at: datetime


def _like(text: str) -> str:
    return "%" + like_escaped(text.lower()) + "%"


def search_customers(
    *, session: Session, viewer: Viewer, query: object = "", page: int = 1, ip: str = ""
) -> tuple[list[CustomerRow], int, int, int]:
    """(rows, page, pages, total): customers whose username, name, company, email, order name or an IP
    (order main IP, last login, a session) matches `query`; the newest customers without a query."""
    access.require_staff(session=session, viewer=viewer, target="customers.search", ip=ip)
    q = clean_search(query, SEARCH_MAX)
    stmt = (
        sa.select(User.id)  # type: ignore[call-overload]
        .join(Profile, col(Profile.user_id) == col(User.id))
        .where(col(User.role) == Role.CUSTOMER.value)
    )
    if q:
        try:
            address = str(ipaddress.ip_address(q))
        except ValueError:
            address = ""
        if address:
            stmt = stmt.where(
                sa.or_(  # each IN is one indexed lookup, run once (not an EXISTS per customer)
                    col(User.last_login_ip) == address,
                    col(User.id).in_(sa.select(col(Order.user_id)).where(col(Order.main_ip) == address)),
                    col(User.id).in_(sa.select(col(UserSession.user_id)).where(col(UserSession.ip) == address)),
                )
            )
        else:
            pattern = _like(q)
            fields = (User.username, Profile.email, Profile.first_name, Profile.last_name, Profile.company_name)
            full_name = sa.func.lower(col(Profile.first_name) + " " + col(Profile.last_name))
            stmt = stmt.where(
                sa.or_(
                    *(sa.func.lower(col(f)).like(pattern, escape="\\") for f in fields),
                    full_name.like(pattern, escape="\\"),
                    col(User.id).in_(sa.select(col(Order.user_id)).where(col(Order.service_name) == q.lower())),
                )
            )
    total = int(session.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one())
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    ids = [
        r[0]
        for r in session.execute(stmt.order_by(col(User.id).desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    ]
    order_counts = dict(
        session.execute(
            sa.select(col(Order.user_id), sa.func.count())
            .where(col(Order.user_id).in_(ids))
            .group_by(col(Order.user_id))
        ).all()
    )
    rows = session.execute(
        sa.select(User, Profile).join(Profile, col(Profile.user_id) == col(User.id)).where(col(User.id).in_(ids))
    ).all()
    by_id = {u.id: (u, p) for u, p in rows}
    out = []
    for uid in ids:
        u, p = by_id[uid]
        out.append(
            CustomerRow(
                id=uid,
                username=u.username,
                name=f"{p.first_name} {p.last_name}".strip(),
                company=p.company_name or "" if p.profile_type == "company" else "",
                email=p.email,
                country=p.country,
                is_active=u.is_active,
                orders=int(order_counts.get(uid, 0)),
                created_at=u.created_at,
            )
        )
    return out, page, pages, total


# ---- one customer --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderLine:
    id: int
    service_name: str
    tariff: str
    status: OrderStatus
    paid_until: date | None
    price: Money
    main_ip: str


@dataclass(frozen=True)
class LedgerLine:
    created_at: datetime
    kind: str
    amount: Money
    note: str
    actor: str


@dataclass(frozen=True)
class InvoiceLineView:
    id: int
    number: str
    status: str
    issued_at: datetime
    gross: Money


@dataclass(frozen=True)
class LoginLine:
    at: datetime
    ip: str
    success: bool
    detail: str


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str
    action: str
    success: bool
    ip: str
    details: dict[str, object]


@dataclass(frozen=True)
class CustomerCard:
    id: int
    username: str
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None
    last_login_ip: str
    profile: Profile
    email_pending: str
    balance: Money
    status_counts: dict[OrderStatus, int]
    orders: list[OrderLine]
    orders_total: int
    ledger: list[LedgerLine]
    invoices: list[InvoiceLineView]
    tickets: list[TicketRow]
    logins: list[LoginLine]
    #: Failed and throttled sign-ins of the last 7 days (someone guessing the password shows here).
    sign_in_attempts: SignInAttempts
    audit: list[AuditLine]


def _usernames(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(session.execute(sa.select(col(User.id), col(User.username)).where(col(User.id).in_(wanted))).all())  # type: ignore[arg-type]


def customer_card(
    *, session: Session, viewer: Viewer, user_id: object, ip: str = "", now: datetime | None = None
) -> CustomerCard:
    """Everything support needs about one customer (the latest rows of each list)."""
    now = now or utcnow()
    access.require_staff(session=session, viewer=viewer, target="customers.view", ip=ip)
    user, profile = _customer(session, user_id)
    uid = user.id or 0
    counts = status_counts(session=session, user_id=uid)
    orders = [
        OrderLine(
            o.id or 0,
            o.service_name,
            t,
            OrderStatus(o.status),
            o.paid_until,
            Money(o.price_minor, o.currency),
            o.main_ip or "",
        )
        for o, t in session.execute(
            sa.select(Order, col(TariffPlan.name))
            .join(TariffPlan, col(TariffPlan.id) == col(Order.tariff_id))
            .where(col(Order.user_id) == uid)
            .order_by(col(Order.created_at).desc(), col(Order.id).desc())
            .limit(20)
        ).all()
    ]
    entries = session.exec(
        select(LedgerEntry)
        .where(LedgerEntry.user_id == uid)
        .order_by(col(LedgerEntry.created_at).desc(), col(LedgerEntry.id).desc())
        .limit(20)
    ).all()
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.subject_user_id == uid)
        .order_by(col(AuditEvent.created_at).desc(), col(AuditEvent.id).desc())
        .limit(30)
    ).all()
    logins = session.exec(
        select(AuditEvent)
        .where(AuditEvent.subject_user_id == uid, col(AuditEvent.action).in_(("login", "login.throttled", "logout")))
        .order_by(col(AuditEvent.created_at).desc(), col(AuditEvent.id).desc())
        .limit(15)
    ).all()
    names = _usernames(session, {e.actor_id for e in entries} | {e.actor_id for e in events})
    pending = session.exec(
        select(EmailChange.new_email)
        .where(EmailChange.user_id == uid, col(EmailChange.used_at).is_(None), EmailChange.expires_at > now)
        .order_by(col(EmailChange.created_at).desc())
    ).first()
    invoices = session.exec(
        select(Invoice)
        .where(Invoice.user_id == uid)
        .order_by(col(Invoice.issued_at).desc(), col(Invoice.id).desc())
        .limit(10)
    ).all()
    return CustomerCard(
        id=uid,
        username=user.username,
        is_active=user.is_active,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
        last_login_ip=user.last_login_ip or "",
        profile=profile,
        email_pending=pending or "",
        balance=billing.balance(session=session, user_id=uid),
        status_counts=counts,
        orders=orders,
        orders_total=sum(counts.values()),
        ledger=[
            LedgerLine(e.created_at, e.kind, Money(e.amount_minor, e.currency), e.note, names.get(e.actor_id or 0, ""))
            for e in entries
        ],
        invoices=[
            InvoiceLineView(i.id or 0, i.number, i.status, i.issued_at, Money(i.gross_minor, i.currency))
            for i in invoices
        ],
        tickets=customer_tickets(session=session, user_id=uid, limit=10),
        logins=[
            LoginLine(e.created_at, e.ip or "", e.success, e.action if e.action != "login" else "") for e in logins
        ],
        sign_in_attempts=sign_in_attempts(session=session, username=user.username, now=now),
        audit=[
            AuditLine(
                e.created_at, names.get(e.actor_id or 0, ""), e.action, e.success, e.ip or "", dict(e.details or {})
            )
            for e in events
        ],
    )


# ---- actions on orders ----------------------------------------------------------------------------------


def _order(session: Session, order_id: object) -> Order:
    order = session.get(Order, order_id) if is_row_id(order_id) else None
    if order is None:
        raise ServiceError(MSG_ORDER_NOT_FOUND)
    return order


def _order_status_action(
    *,
    session: Session,
    viewer: Viewer,
    order_id: object,
    reason: object,
    ip: str,
    now: datetime | None,
    new: OrderStatus,
    event: str,
    action: str,
    params: bool = False,
) -> Order:
    """Support moves an order to `new` with a reason: the status machine decides, the timeline keeps the
    reason, the customer is notified (the transition's notification) and the audit log has it."""
    now = now or utcnow()
    access.require_staff(session=session, viewer=viewer, target=action, ip=ip)
    text = _reason(reason)
    order = _order(session, order_id)
    change_status(
        session=session,
        order=order,
        new=new,
        cause=Cause.SUPPORT,
        event=event,
        actor_id=viewer.user_id,
        note=text,
        params={"reason": text} if params else None,
        now=now,
    )
    if new == OrderStatus.CANCELLED:
        order.cancel_mode, order.cancel_requested_at, order.cancel_reason = "immediate", now, text
    audit.record(
        session=session,
        action=action,
        actor_id=viewer.user_id,
        subject_user_id=order.user_id,
        ip=ip,
        details={"order_id": order.id, "reason": text},
        now=now,
    )
    return order


def suspend_for_violation(
    *, session: Session, viewer: Viewer, order_id: object, reason: object, ip: str = "", now: datetime | None = None
) -> Order:
    """A processed order is suspended for a violation (abuse, terms); the customer gets a critical banner and
    an email to the complaints address with the reason."""
    return _order_status_action(
        session=session,
        viewer=viewer,
        order_id=order_id,
        reason=reason,
        ip=ip,
        now=now,
        new=OrderStatus.SUSPENDED_VIOLATION,
        event="suspended_violation",
        action="order.suspend_violation",
        params=True,
    )


def lift_suspension(
    *, session: Session, viewer: Viewer, order_id: object, reason: object, ip: str = "", now: datetime | None = None
) -> Order:
    """A suspension for a violation ends: the order runs again and the banner goes."""
    return _order_status_action(
        session=session,
        viewer=viewer,
        order_id=order_id,
        reason=reason,
        ip=ip,
        now=now,
        new=OrderStatus.PROCESSED,
        event="suspension_lifted",
        action="order.lift_suspension",
    )


def cancel_by_staff(
    *, session: Session, viewer: Viewer, order_id: object, reason: object, ip: str = "", now: datetime | None = None
) -> Order:
    """Support ends an order now (no refund: a refund is a balance adjustment with its own reason)."""
    return _order_status_action(
        session=session,
        viewer=viewer,
        order_id=order_id,
        reason=reason,
        ip=ip,
        now=now,
        new=OrderStatus.CANCELLED,
        event="cancelled",
        action="order.cancel_by_staff",
    )


# ---- actions on the account ----------------------------------------------------------------------------


def new_adjustment_key() -> str:
    """The idempotency key a balance adjustment form carries (a double submit posts once)."""
    return "adj-" + secrets.token_hex(16)


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
            kind="adjustment",
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


def _require_operator(session: Session, viewer: Viewer | None, target: str, ip: str) -> None:
    """Staff only; `None` is the command line (an operator on the server), which needs no check."""
    if viewer is not None:
        access.require_staff(session=session, viewer=viewer, target=target, ip=ip)


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
