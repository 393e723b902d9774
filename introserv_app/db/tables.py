"""SQLModel tables. Table names are fixed: tools and reports rely on them.

Money is integer minor units plus an ISO 4217 code. Timestamps are aware UTC (`UTCDateTime`).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from introserv_app.db.account_tables import (
    AccountToken,
    EmailChange,
    Passkey,
    PhoneVerification,
    RecoveryCode,
    TotpFactor,
    UserSession,
)
from introserv_app.db.api_tables import ApiKey
from introserv_app.db.incident_tables import Incident, IncidentCustomer, IncidentUpdate
from introserv_app.db.newsletter_tables import Newsletter
from introserv_app.db.payment_tables import CreditNote, CreditNoteCounter, DemoCheckout, Payment, PaymentEvent, Refund
from introserv_app.db.server_tables import ServerActionRecord, ServerConsole, ServerController
from introserv_app.db.types import UTCDateTime, utcnow
from introserv_app.db.vat_tables import VatRate
from introserv_app.domain.roles import Role
from introserv_app.domain.statuses import OrderStatus


def _in(values: object) -> str:
    return ", ".join(f"'{v}'" for v in values)  # type: ignore[attr-defined]


def _ts(nullable: bool = False, index: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(UTCDateTime(), nullable=nullable, index=index)


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint(f"role IN ({_in(Role)})", name="ck_users_role"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, sa_column_kwargs={"unique": True, "nullable": False})
    role: str = Field(default=Role.CUSTOMER.value, max_length=16)
    password_hash: str = Field(max_length=255)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    last_login_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    last_login_ip: str | None = Field(default=None, max_length=45)
    #: The sign-in before the last one ("Display last IP" shows it: the current one the user knows).
    previous_login_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    previous_login_ip: str | None = Field(default=None, max_length=45)
    #: Set by sign-up until the address is confirmed: no order, payment or ticket before that.
    email_unconfirmed: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    #: Sign-in with a passkey alone (no password) is allowed: the customer chose it in Settings.
    passwordless: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class Profile(SQLModel, table=True):
    """Every field of the Profile/Settings document, one row per user."""

    __tablename__ = "profiles"

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    profile_type: str = Field(default="individual", max_length=16)  # individual | company
    company_name: str | None = Field(default=None, max_length=255)
    company_reg_number: str | None = Field(default=None, max_length=64)
    vat_number: str | None = Field(default=None, max_length=32)
    #: The last VIES answer for vat_number: True valid, False invalid, None not checked / VIES unavailable.
    vat_valid: bool | None = Field(default=None)
    vat_checked_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    company_verification: str = Field(default="none", max_length=16)  # none | pending | verified
    country: str = Field(default="OTHER", max_length=8)
    last_name: str = Field(default="", max_length=100)
    first_name: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    email_confirmed: bool = Field(default=False)
    phone: str | None = Field(default=None, max_length=20)  # E.164
    phone_verified_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    call_password_hash: str | None = Field(default=None, max_length=255)
    region: str | None = Field(default=None, max_length=100)
    city: str = Field(default="", max_length=100)
    address: str = Field(default="", max_length=255)
    postal_code: str | None = Field(default=None, max_length=20)
    newsletter: bool = Field(default=False)
    low_balance_threshold_minor: int | None = Field(default=None)
    email_invoices: str | None = Field(default=None, max_length=254)
    email_support: str | None = Field(default=None, max_length=254)
    email_complaints: str | None = Field(default=None, max_length=254)
    auto_renew: bool = Field(default=False)
    currency: str = Field(default="EUR", max_length=3)
    pay_without_auth: bool = Field(default=False)
    language: str = Field(default="en", max_length=8)
    code_word_hash: str | None = Field(default=None, max_length=255)
    ip_restrictions: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))
    display_last_ip: bool = Field(default=False)
    #: A low-balance notification went out and the balance has not risen above the threshold since.
    low_balance_alerted: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class UserPreference(SQLModel, table=True):
    """Per-user UI preferences (e.g. grid columns), one JSON value per key."""

    __tablename__ = "user_preferences"

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class TariffPlan(SQLModel, table=True):
    __tablename__ = "tariff_plans"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, sa_column_kwargs={"unique": True, "nullable": False})
    name: str = Field(max_length=100)
    product_type: str = Field(max_length=32)  # dedicated | vps | storage | ...
    currency: str = Field(max_length=3)
    #: {"1": 400, "3": 1140, ...}: price in minor units per renewal period in months.
    prices_minor: dict[str, int] = Field(sa_column=sa.Column(sa.JSON(), nullable=False))
    is_active: bool = Field(default=True)


class Order(SQLModel, table=True):
    __tablename__ = "orders"
    __table_args__ = (
        sa.CheckConstraint(f"status IN ({_in(OrderStatus)})", name="ck_orders_status"),
        sa.Index("ix_orders_user_status", "user_id", "status"),
        sa.Index("ix_orders_user_paid_until", "user_id", "paid_until"),
        sa.Index("ix_orders_user_created_at", "user_id", "created_at"),
        sa.Index("ix_orders_status_paid_until", "status", "paid_until"),
        sa.Index("ix_orders_paid_until", "paid_until"),
        sa.Index("ix_orders_created_at", "created_at"),
        sa.Index("ix_orders_status_created_at", "status", "created_at"),
        sa.Index("ix_orders_tariff_id", "tariff_id"),
        sa.Index("ix_orders_main_ip", "main_ip"),
        sa.Index("ix_orders_user_service_name", "user_id", "service_name"),
        sa.Index("ix_orders_user_main_ip", "user_id", "main_ip"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    service_name: str = Field(max_length=32, sa_column_kwargs={"unique": True, "nullable": False})
    tariff_id: int = Field(foreign_key="tariff_plans.id")
    main_ip: str | None = Field(default=None, max_length=45)
    status: str = Field(default=OrderStatus.NOT_PROCESSED.value, max_length=24)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    paid_until: date | None = Field(default=None)
    price_minor: int
    currency: str = Field(max_length=3)
    period_months: int = Field(default=1)
    comment: str = Field(default="", max_length=255)
    cancel_mode: str | None = Field(default=None, max_length=16)  # immediate | period_end
    cancel_requested_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    cancel_reason: str | None = Field(default=None, max_length=500)
    cancelled_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class OrderStatusChange(SQLModel, table=True):
    """Every status change of an order (the timeline of the order page)."""

    __tablename__ = "order_status_history"
    __table_args__ = (sa.Index("ix_order_status_history_order_at", "order_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id")
    old_status: str | None = Field(default=None, max_length=24)
    new_status: str = Field(max_length=24)
    event: str = Field(max_length=32)  # created | paid | renewed | cancelled | cancel_scheduled | ...
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    note: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class InvoiceCounter(SQLModel, table=True):
    """The last invoice sequence number used per year (continuous numbering without gaps)."""

    __tablename__ = "invoice_counters"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_seq: int = Field(default=0)


class Invoice(SQLModel, table=True):
    __tablename__ = "invoices"
    __table_args__ = (
        sa.UniqueConstraint("year", "seq", name="uq_invoices_year_seq"),
        sa.Index("ix_invoices_user_issued_at", "user_id", "issued_at"),
        sa.Index("ix_invoices_user_status", "user_id", "status"),
        sa.Index("ix_invoices_idem_key", "idem_key", unique=True),
        sa.Index("ix_invoices_status_paid_at", "status", "paid_at", "currency", "net_minor"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=16, sa_column_kwargs={"unique": True, "nullable": False})
    year: int
    seq: int
    user_id: int = Field(foreign_key="users.id")
    status: str = Field(default="unpaid", max_length=16)  # unpaid | paid | cancelled
    currency: str = Field(max_length=3)
    net_minor: int
    vat_rate: str = Field(default="0", max_length=8)  # percent as a decimal string, e.g. "21" or "25.5"
    vat_minor: int = Field(default=0)
    gross_minor: int
    reverse_charge: bool = Field(default=False)
    customer_country: str = Field(default="OTHER", max_length=8)
    customer_vat_number: str | None = Field(default=None, max_length=32)
    #: The bill-to as it was when the invoice was issued (None: issued before it was kept; the profile is used).
    customer_name: str | None = Field(default=None, max_length=255)
    customer_address: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    seller_vat_number: str | None = Field(default=None, max_length=32)
    issued_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    due_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    paid_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    #: The idempotency key of the dialog that created it (a retry finds this invoice instead of a new one).
    idem_key: str | None = Field(default=None, max_length=64)


class InvoiceLine(SQLModel, table=True):
    __tablename__ = "invoice_lines"

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoices.id", index=True)
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    description: str = Field(max_length=255)
    period_months: int | None = Field(default=None)
    quantity: int = Field(default=1)
    unit_minor: int
    net_minor: int


class LedgerEntry(SQLModel, table=True):
    """Append-only money movements; a balance is the sum of a user's entries."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('topup', 'charge', 'refund', 'adjustment')", name="ck_ledger_kind"),
        sa.Index("ix_ledger_user_created_at", "user_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    kind: str = Field(max_length=16)
    amount_minor: int  # signed: top-ups and refunds positive, charges negative
    currency: str = Field(max_length=3)
    invoice_id: int | None = Field(default=None, foreign_key="invoices.id")
    idem_key: str | None = Field(default=None, max_length=64, sa_column_kwargs={"unique": True})
    note: str = Field(default="", max_length=255)
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Ticket(SQLModel, table=True):
    __tablename__ = "tickets"
    __table_args__ = (
        sa.Index("ix_tickets_user_status", "user_id", "status"),
        sa.Index("ix_tickets_status_updated", "status", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    subject: str = Field(max_length=200)
    category: str = Field(max_length=16)  # billing | technical | abuse | complaint
    status: str = Field(default="open", max_length=24)  # open | waiting_staff | answered | closed
    assigned_to: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class TicketMessage(SQLModel, table=True):
    __tablename__ = "ticket_messages"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="users.id")
    is_staff: bool = Field(default=False)
    body: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Notification(SQLModel, table=True):
    """A message to one customer: a banner (Orders tab, dashboard), a row of /notifications and an email.

    The text is rendered when it is shown or mailed, in the reader's language, from `kind` and `params`
    (services.mail_templates); `body` holds free text a staff member wrote (a notice).
    """

    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_user_created_at", "user_id", "created_at"),
        sa.Index("ix_notifications_email_state", "email_state", "id"),
        sa.Index("ix_notifications_order_kind", "order_id", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    order_id: int | None = Field(default=None, foreign_key="orders.id")
    severity: str = Field(default="info", max_length=16)  # info | warning | critical
    kind: str = Field(max_length=48)
    title: str = Field(max_length=200)
    body: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))
    params: dict[str, object] = Field(
        default_factory=dict, sa_column=sa.Column(sa.JSON(), nullable=False, server_default="{}")
    )
    #: pending: its email is still to be written to the outbox; queued: it was; none: no email.
    email_state: str = Field(default="pending", max_length=8, sa_column_kwargs={"server_default": "pending"})
    dedupe_key: str | None = Field(default=None, max_length=128, sa_column_kwargs={"unique": True})
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    dismissed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    resolved_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class JobLock(SQLModel, table=True):
    """A lease that lets one process at a time run a job (SQLite; PostgreSQL uses an advisory lock)."""

    __tablename__ = "job_locks"

    name: str = Field(max_length=32, primary_key=True)
    holder: str = Field(max_length=64)
    expires_at: datetime = Field(sa_column=_ts())


class EmailOutbox(SQLModel, table=True):
    """Every email goes here first; the sender delivers it over SMTP with retry and backoff."""

    __tablename__ = "email_outbox"
    __table_args__ = (sa.Index("ix_email_outbox_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    to_addr: str = Field(max_length=254)
    subject: str = Field(max_length=255)
    body_text: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    body_html: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    status: str = Field(default="pending", max_length=16)  # pending | sent | failed
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=500)
    dedupe_key: str | None = Field(default=None, max_length=128, sa_column_kwargs={"unique": True})
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    sent_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    #: One attached file, made when the message is sent (an invoice's PDF shows the invoice as it is then):
    #: its file name and what makes it, `<kind>:<argument>` (`messaging.register_attachment`).
    attachment_name: str | None = Field(default=None, max_length=100)
    attachment_ref: str | None = Field(default=None, max_length=100)
    #: A newsletter: sent after the transactional mails, a few per run; `list_unsubscribe` is its one-click link.
    bulk: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    list_unsubscribe: str | None = Field(default=None, max_length=300)


class CurrencyRate(SQLModel, table=True):
    """Units of `currency` per 1 EUR, maintained by staff; prices in another currency convert through it."""

    __tablename__ = "currency_rates"

    currency: str = Field(max_length=3, primary_key=True)
    per_eur: str = Field(max_length=24)  # a decimal string, e.g. "1.0842"
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_by: int | None = Field(default=None, foreign_key="users.id")


class AppSetting(SQLModel, table=True):
    """Settings an admin changes in the panel (the seller's VAT details); the environment gives defaults."""

    __tablename__ = "app_settings"

    key: str = Field(max_length=64, primary_key=True)
    value: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_by: int | None = Field(default=None, foreign_key="users.id")


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_action_ip_created", "action", "ip", "created_at"),
        sa.Index("ix_audit_action_key_created", "action", "subject_key", "created_at"),
        sa.Index("ix_audit_subject_user_created", "subject_user_id", "created_at"),
        sa.Index("ix_audit_actor_created", "actor_id", "created_at"),
        sa.Index("ix_audit_created", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    subject_user_id: int | None = Field(default=None, foreign_key="users.id")
    #: A normalised key the event is about (e.g. the username tried at login), for throttling.
    subject_key: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=64)
    success: bool = Field(default=True)
    ip: str | None = Field(default=None, max_length=45)
    details: dict[str, object] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON(), nullable=False))


__all__ = [  # the account, payment, incident and VAT tables live in their own modules; all import them from here
    "AccountToken",
    "ApiKey",
    "CreditNote",
    "CreditNoteCounter",
    "DemoCheckout",
    "EmailChange",
    "Incident",
    "IncidentCustomer",
    "IncidentUpdate",
    "Newsletter",
    "Passkey",
    "Payment",
    "PaymentEvent",
    "PhoneVerification",
    "RecoveryCode",
    "Refund",
    "ServerActionRecord",
    "ServerConsole",
    "ServerController",
    "TotpFactor",
    "UserSession",
    "VatRate",
]

ALL_TABLES = SQLModel.metadata


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table of a model (for set-based statements that bypass the ORM)."""
    return model.__table__  # type: ignore[attr-defined,no-any-return]
