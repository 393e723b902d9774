"""The ledger as read: a customer's balance (the sum of their entries), their currency, one entry by its key."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

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


LEDGER_PAGE = 50


@dataclass(frozen=True)
class LedgerLine:
    id: int
    kind: str
    amount: Money
    invoice_id: int | None
    note: str
    created_at: datetime


def ledger_entries(*, session: Session, user_id: int, page: int = 1) -> tuple[list[LedgerLine], int, int]:
    """(entries, page, pages): a customer's ledger, newest first, 50 a page (a page past the end: the last)."""
    scoped = sa.select(sa.func.count()).select_from(LedgerEntry).where(col(LedgerEntry.user_id) == user_id)
    total = int(session.connection().execute(scoped).scalar_one())
    pages = max(1, math.ceil(total / LEDGER_PAGE))
    page = min(max(1, page), pages)
    rows = (
        session.connection()
        .execute(
            sa.select(
                col(LedgerEntry.id),
                col(LedgerEntry.kind),
                col(LedgerEntry.amount_minor),
                col(LedgerEntry.currency),
                col(LedgerEntry.invoice_id),
                col(LedgerEntry.note),
                col(LedgerEntry.created_at),
            )
            .where(col(LedgerEntry.user_id) == user_id)
            .order_by(col(LedgerEntry.created_at).desc(), col(LedgerEntry.id).desc())
            .offset((page - 1) * LEDGER_PAGE)
            .limit(LEDGER_PAGE)
        )
        .all()
    )
    return [LedgerLine(r[0] or 0, r[1], Money(int(r[2]), r[3]), r[4], r[5], r[6]) for r in rows], page, pages
