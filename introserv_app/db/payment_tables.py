"""The tables of payments through providers: one row per payment with its state, every notification and state
change as an event, and the bundled demo provider's own checkouts. Re-exported by `db.tables`."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from introserv_app.db.types import UTCDateTime, utcnow
from introserv_app.domain.payments import PaymentPurpose, PaymentState


def _ts(nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(UTCDateTime(), nullable=nullable)


def _in(values: object) -> str:
    return ", ".join(f"'{v}'" for v in values)  # type: ignore[attr-defined]


class Payment(SQLModel, table=True):
    """Money a customer pays through a provider: for an invoice or a top-up of the balance."""

    __tablename__ = "payments"
    __table_args__ = (
        sa.CheckConstraint(f"state IN ({_in(PaymentState)})", name="ck_payments_state"),
        sa.CheckConstraint(f"purpose IN ({_in(PaymentPurpose)})", name="ck_payments_purpose"),
        sa.CheckConstraint("amount_minor > 0 AND refunded_minor >= 0", name="ck_payments_amounts"),
        sa.UniqueConstraint("provider", "provider_ref", name="uq_payments_provider_ref"),
        sa.Index("ix_payments_state_created", "state", "created_at"),
        sa.Index("ix_payments_user_created", "user_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    invoice_id: int | None = Field(default=None, foreign_key="invoices.id", index=True)
    purpose: str = Field(max_length=10)
    provider: str = Field(max_length=20)
    #: The provider's id of the checkout (Stripe: the Checkout Session; YooKassa: the payment); None until made.
    provider_ref: str | None = Field(default=None, max_length=255)
    #: The provider's id of the money movement once known (Stripe: the PaymentIntent), which refunds name.
    provider_payment_ref: str | None = Field(default=None, max_length=255, index=True)
    method: str = Field(default="", max_length=20)
    amount_minor: int
    currency: str = Field(max_length=3)
    state: str = Field(default=PaymentState.CREATED.value, max_length=10)
    refunded_minor: int = Field(default=0)
    #: The confirmed money paid the invoice (False: it went to the balance, e.g. the invoice was paid another way).
    paid_invoice: bool = Field(default=False)
    checkout_url: str = Field(default="", max_length=2000)
    #: The request that created it: a repeated click makes no second payment.
    idem_key: str = Field(max_length=64, sa_column_kwargs={"unique": True, "nullable": False})
    failure: str = Field(default="", max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    settled_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class PaymentEvent(SQLModel, table=True):
    """What happened to a payment: a notification received (even a duplicate or a refused one), a state change,
    a reconciliation, a refund."""

    __tablename__ = "payment_events"
    __table_args__ = (
        sa.Index("ix_payment_events_payment", "payment_id", "at"),
        sa.Index("ix_payment_events_provider_event", "provider", "event_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int | None = Field(default=None, foreign_key="payments.id")
    provider: str = Field(max_length=20)
    source: str = Field(max_length=12)  # checkout | webhook | reconcile | return | staff
    event_id: str = Field(default="", max_length=255)
    event_type: str = Field(default="", max_length=80)
    outcome: str = Field(max_length=20)  # applied | duplicate | ignored | refused | state
    state_from: str = Field(default="", max_length=10)
    state_to: str = Field(default="", max_length=10)
    detail: str = Field(default="", max_length=255)
    at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class DemoCheckout(SQLModel, table=True):
    """The bundled demo provider's side of a payment (what a real provider keeps on its servers)."""

    __tablename__ = "demo_checkouts"

    ref: str = Field(primary_key=True, max_length=64)
    amount_minor: int
    currency: str = Field(max_length=3)
    description: str = Field(default="", max_length=255)
    payment_id: int
    state: str = Field(default="open", max_length=10)  # open | paid | declined | left
    refunded_minor: int = Field(default=0)
    return_url: str = Field(max_length=2000)
    cancel_url: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Refund(SQLModel, table=True):
    """Money given back through the provider of a payment, in full or in part, by staff."""

    __tablename__ = "refunds"
    __table_args__ = (
        sa.CheckConstraint("amount_minor > 0", name="ck_refunds_amount"),
        sa.CheckConstraint("state IN ('requested', 'succeeded', 'failed')", name="ck_refunds_state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payments.id", index=True)
    amount_minor: int
    currency: str = Field(max_length=3)
    reason: str = Field(max_length=500)
    state: str = Field(default="requested", max_length=10)
    #: The staff dialog's key: the same refund clicked twice is one refund.
    idem_key: str = Field(max_length=64, sa_column_kwargs={"unique": True, "nullable": False})
    provider_ref: str = Field(default="", max_length=255)
    failure: str = Field(default="", max_length=255)
    actor_id: int = Field(foreign_key="users.id")
    credit_note_id: int | None = Field(default=None, foreign_key="credit_notes.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class CreditNote(SQLModel, table=True):
    """A credit note: part or all of an invoice given back, with its VAT reversed. Numbered without gaps per
    year in its own series (`CN-2026-000001`)."""

    __tablename__ = "credit_notes"
    __table_args__ = (sa.UniqueConstraint("year", "seq", name="uq_credit_notes_year_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, sa_column_kwargs={"unique": True, "nullable": False})
    year: int
    seq: int
    user_id: int = Field(foreign_key="users.id", index=True)
    invoice_id: int = Field(foreign_key="invoices.id", index=True)
    currency: str = Field(max_length=3)
    net_minor: int
    vat_rate: str = Field(max_length=8)
    vat_minor: int
    gross_minor: int
    reason: str = Field(max_length=500)
    issued_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class CreditNoteCounter(SQLModel, table=True):
    __tablename__ = "credit_note_counters"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_seq: int = Field(default=0)
