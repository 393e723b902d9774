"""Customers for support: the search (username, name, company, e-mail, order name or IP) and one customer's card."""

from __future__ import annotations

import ipaddress
import math
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
from introserv_app.domain.money import Money
from introserv_app.domain.roles import Role
from introserv_app.domain.statuses import OrderStatus
from introserv_app.domain.validation import clean_search
from introserv_app.services import billing
from introserv_app.services.accounts import (
    PhoneAttempt,
    SignInAttempts,
    has_second_factor,
    phone_attempts,
    sign_in_attempts,
)
from introserv_app.services.common import access
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging import TicketRow, customer_tickets
from introserv_app.services.orders import status_counts
from introserv_app.services.support._rules import SEARCH_MAX, _customer

PAGE_SIZE = 25


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
    #: Sign-in asks this customer for a second factor (support can remove it after a caller check).
    second_factor: bool = False


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
        second_factor=has_second_factor(session, uid),
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


def customer_phone_attempts(*, session: Session, viewer: Viewer, user_id: object, ip: str = "") -> list[PhoneAttempt]:
    """The customer's latest phone code sends with what each gateway answered (why a code never arrived)."""
    access.require_staff(session=session, viewer=viewer, target="customers.view", ip=ip)
    user, _profile = _customer(session, user_id)
    return phone_attempts(session=session, user_id=user.id or 0)
