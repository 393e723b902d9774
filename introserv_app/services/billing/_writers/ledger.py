"""The ledger as written: append-only entries under the account lock, once per idempotency key."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.db.tables import LedgerEntry, User
from introserv_app.db.types import utcnow
from introserv_app.domain.keys import IDEM_KEY_MAX
from introserv_app.domain.money import Money
from introserv_app.domain.statuses import LedgerKind
from introserv_app.domain.text import N_
from introserv_app.services.billing._readers.ledger import balance, find_entry
from introserv_app.services.common.errors import ServiceError

KINDS = tuple(LedgerKind)


TOPUP_MIN_MINOR, TOPUP_MAX_MINOR = 100, 1_000_000  # 1.00 .. 10,000.00 in the account currency


MSG_INSUFFICIENT = N_("The balance is not enough for this payment.")


MSG_BAD_KEY = N_("This form has expired; open it again.")


MSG_BAD_TOPUP = N_("Enter an amount between 1.00 and 10,000.00.")


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
    allow_negative: bool = False,
) -> LedgerEntry:
    """Append one entry under the account lock (taken here); a repeated key returns the first entry.
    `allow_negative`: money that has already left (a refund the provider made) is booked even when the
    balance no longer holds it."""
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
    if current.minor + amount.minor < 0 and not allow_negative:
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
