"""The ledger as written: append-only entries under the account lock, once per idempotency key; top-ups through the
payment provider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.db.tables import LedgerEntry, User
from introserv_app.db.types import utcnow
from introserv_app.domain.keys import IDEM_KEY_MAX
from introserv_app.domain.money import Money
from introserv_app.domain.statuses import LedgerKind
from introserv_app.domain.text import N_
from introserv_app.services.billing._providers import PaymentProvider
from introserv_app.services.billing._readers.ledger import account_currency, balance, find_entry
from introserv_app.services.billing._readers.payability import require_payable
from introserv_app.services.common import audit
from introserv_app.services.common.access import require_confirmed_email
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

KINDS = tuple(LedgerKind)


TOPUP_MIN_MINOR, TOPUP_MAX_MINOR = 100, 1_000_000  # 1.00 .. 10,000.00 in the account currency


MSG_INSUFFICIENT = N_("The balance is not enough for this payment.")


MSG_BAD_KEY = N_("This form has expired; open it again.")


MSG_BAD_TOPUP = N_("Enter an amount between 1.00 and 10,000.00.")


MSG_PAYMENT_FAILED = N_("The payment was declined: {reason}")  # shown by the page for TopUp.error


class InsufficientFunds(ServiceError):
    def __init__(self) -> None:
        super().__init__(MSG_INSUFFICIENT)


def lock_account(*, session: Session, user_id: int) -> None:
    """Serialise this transaction's money movements for `user_id` against every other transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(col(User.id)).where(col(User.id) == user_id).with_for_update())
    else:
        # a write first: SQLite's write lock is taken now, so the balance read next is the latest one.
        # Not to the primary key: rewriting users.id makes SQLite check every table that refers to it.
        session.execute(sa.update(User).where(col(User.id) == user_id).values(is_active=col(User.is_active)))


def check_idem_key(key: str) -> str:
    if not isinstance(key, str) or not 16 <= len(key) <= IDEM_KEY_MAX or not key.replace("-", "").isalnum():
        raise ServiceError(MSG_BAD_KEY)
    return key


def post(
    *,
    session: Session,
    user_id: int,
    kind: str,
    amount: Money,
    idem_key: str,
    invoice_id: int | None = None,
    note: str = "",
    actor_id: int | None = None,
    now: datetime | None = None,
) -> LedgerEntry:
    """Append one entry under the account lock (taken here); a repeated key returns the first entry."""
    if kind not in KINDS:
        raise ValueError(f"unknown ledger kind {kind!r}")
    check_idem_key(idem_key)
    lock_account(session=session, user_id=user_id)
    existing = find_entry(session=session, idem_key=idem_key)
    if existing is not None:
        if existing.user_id != user_id:
            raise ServiceError(MSG_BAD_KEY)
        return existing
    current = balance(session=session, user_id=user_id)
    if amount.currency != current.currency:
        raise ValueError("ledger entries are in the account currency")
    if current.minor + amount.minor < 0:
        raise InsufficientFunds()
    entry = LedgerEntry(
        user_id=user_id,
        kind=kind,
        amount_minor=amount.minor,
        currency=amount.currency,
        invoice_id=invoice_id,
        idem_key=idem_key,
        note=note[:255],
        actor_id=actor_id,
        created_at=now or utcnow(),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class TopUp:
    entry: LedgerEntry | None  # None: declined (the decline is audited; nothing else was written)
    error: str = ""


def top_up(
    *,
    session: Session,
    viewer: Viewer,
    amount_minor: int,
    idem_key: str,
    provider: PaymentProvider,
    method: str = "card",
    ip: str = "",
    now: datetime | None = None,
) -> TopUp:
    """Add funds to the viewer's balance: charge the provider once, then one `topup` entry.

    A decline is returned, not raised, so that its audit event is committed with the caller's transaction.
    """
    check_idem_key(idem_key)
    require_confirmed_email(session=session, viewer=viewer)
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise ServiceError(MSG_BAD_TOPUP)
    if not TOPUP_MIN_MINOR <= amount_minor <= TOPUP_MAX_MINOR:
        raise ServiceError(MSG_BAD_TOPUP)
    require_payable(session=session, user_id=viewer.user_id)
    lock_account(session=session, user_id=viewer.user_id)
    existing = find_entry(session=session, idem_key=idem_key)
    if existing is not None and existing.user_id == viewer.user_id:
        return TopUp(existing)  # a retry of a top-up that went through: the card is not charged twice
    amount = Money(amount_minor, account_currency(session=session, user_id=viewer.user_id))
    result = provider.charge(amount=amount, reference=idem_key, method=method)
    if not result.ok:
        audit.record(
            session=session,
            action="balance.topup",
            actor_id=viewer.user_id,
            subject_user_id=viewer.user_id,
            success=False,
            ip=ip,
            details={"amount_minor": amount_minor, "provider": provider.name, "error": result.error[:200]},
        )
        return TopUp(None, result.error)
    entry = post(
        session=session,
        user_id=viewer.user_id,
        kind=LedgerKind.TOPUP,
        amount=amount,
        idem_key=idem_key,
        note=f"{provider.name}:{result.reference}"[:255],
        actor_id=viewer.user_id,
        now=now,
    )
    audit.record(
        session=session,
        action="balance.topup",
        actor_id=viewer.user_id,
        subject_user_id=viewer.user_id,
        ip=ip,
        details={"amount_minor": amount_minor, "provider": provider.name, "reference": result.reference},
    )
    return TopUp(entry)
