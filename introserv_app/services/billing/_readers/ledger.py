"""The ledger as read: a customer's balance (the sum of their entries), their currency, one entry by its key."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.db.tables import LedgerEntry, Profile
from introserv_app.domain.money import Money


def account_currency(*, session: Session, user_id: int) -> str:
    return session.exec(select(Profile.currency).where(Profile.user_id == user_id)).first() or "EUR"


#: The account currency (EUR without a profile) and the balance in it, in one statement built once: it
#: runs on every page load (the top bar).
_ACCOUNT_CURRENCY = sa.func.coalesce(
    sa.select(col(Profile.currency)).where(col(Profile.user_id) == sa.bindparam("user_id")).limit(1).scalar_subquery(),
    "EUR",
)


_BALANCE = sa.select(sa.func.coalesce(sa.func.sum(col(LedgerEntry.amount_minor)), 0), _ACCOUNT_CURRENCY).where(
    col(LedgerEntry.user_id) == sa.bindparam("user_id"), col(LedgerEntry.currency) == _ACCOUNT_CURRENCY
)


def balance(*, session: Session, user_id: int) -> Money:
    """The sum of the user's entries in the account currency."""
    total, currency = session.connection().execute(_BALANCE, {"user_id": user_id}).one()
    return Money(int(total), str(currency))


def find_entry(*, session: Session, idem_key: str) -> LedgerEntry | None:
    return session.exec(select(LedgerEntry).where(LedgerEntry.idem_key == idem_key)).first()
