"""Payments as their owner (or support) sees them: the page a customer returns to from a checkout, and a
customer's payments with every event for the staff console."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from introserv_app.config import get_settings
from introserv_app.db.tables import Invoice, Payment, PaymentEvent, Profile
from introserv_app.domain.money import Money
from introserv_app.domain.payments import PROVIDER_RULES, providers_for
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.services.billing._gateways import enabled_providers
from introserv_app.services.billing._readers.paylinks import _check
from introserv_app.services.common import access
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

MSG_PAYMENT_NOT_FOUND = N_("Payment not found.")


def customer_of(session: Session, user_id: int) -> tuple[str, str]:
    """The customer's country and e-mail address."""
    row = session.exec(select(Profile.country, Profile.email).where(Profile.user_id == user_id)).first()
    return (row[0], row[1]) if row else ("OTHER", "")


def offered_providers(*, session: Session, user_id: int, currency: str) -> tuple[str, ...]:
    """The providers this customer may pay `currency` through (the rule table of `domain.payments`)."""
    country, _ = customer_of(session, user_id)
    return providers_for(enabled_providers(), currency, country)


def link_providers(*, session: Session, token: str, ip: str) -> tuple[str, ...]:
    """The providers offered to whoever pays through a pay link (the invoice owner's rules)."""
    invoice = _check(session, token, ip, None)
    return offered_providers(session=session, user_id=invoice.user_id, currency=invoice.currency)


@dataclass(frozen=True)
class PaymentView:
    id: int
    state: str
    provider: str
    amount: Money
    purpose: str
    invoice_id: int | None
    invoice_number: str
    invoice_status: str
    created_at: datetime
    failure: str


def _view(session: Session, payment: Payment) -> PaymentView:
    invoice = session.get(Invoice, payment.invoice_id) if payment.invoice_id else None
    assert payment.id is not None
    return PaymentView(
        id=payment.id,
        state=payment.state,
        provider=payment.provider,
        amount=Money(payment.amount_minor, payment.currency),
        purpose=payment.purpose,
        invoice_id=payment.invoice_id,
        invoice_number=invoice.number if invoice else "",
        invoice_status=invoice.status if invoice else "",
        created_at=payment.created_at,
        failure=payment.failure,
    )


def payment_view(*, session: Session, viewer: Viewer, payment_id: object) -> PaymentView:
    """One of the viewer's payments (staff: anyone's)."""
    payment = session.get(Payment, payment_id) if is_row_id(payment_id) else None
    if payment is None or (payment.user_id != viewer.user_id and not viewer.is_staff):
        if payment is not None:
            access.record_denied(session=session, viewer=viewer, target="payment", details={"payment": payment.id})
        raise ServiceError(MSG_PAYMENT_NOT_FOUND)
    return _view(session, payment)


def link_payment_view(*, session: Session, token: str, payment_id: object, ip: str) -> PaymentView:
    """A payment of a pay link's invoice, for whoever holds the link."""
    invoice = _check(session, token, ip, None)
    payment = session.get(Payment, payment_id) if is_row_id(payment_id) else None
    if payment is None or payment.invoice_id != invoice.id:
        raise ServiceError(MSG_PAYMENT_NOT_FOUND)
    return _view(session, payment)


@dataclass(frozen=True)
class PaymentRecord:
    payment: PaymentView
    refunded_minor: int
    provider_ref: str
    events: list[PaymentEvent]


def customer_payments(*, session: Session, viewer: Viewer, user_id: int, limit: int = 20) -> list[PaymentRecord]:
    """A customer's latest payments with their events (support only)."""
    access.require_staff(session=session, viewer=viewer, target="customer.payments")
    payments = session.exec(
        select(Payment).where(Payment.user_id == user_id).order_by(col(Payment.id).desc()).limit(limit)
    ).all()
    ids = [p.id for p in payments]
    events = session.exec(
        select(PaymentEvent).where(col(PaymentEvent.payment_id).in_(ids)).order_by(col(PaymentEvent.id))
    ).all()
    by_payment: dict[int | None, list[PaymentEvent]] = {}
    for event in events:
        by_payment.setdefault(event.payment_id, []).append(event)
    return [
        PaymentRecord(_view(session, p), p.refunded_minor, p.provider_ref or "", by_payment.get(p.id, []))
        for p in payments
    ]


@dataclass(frozen=True)
class ProviderRuleView:
    provider: str
    label: str
    enabled: bool
    currencies: tuple[str, ...]  # empty: any
    countries_excluded: tuple[str, ...]
    webhook_url: str


def provider_rules() -> list[ProviderRuleView]:
    """The rule table of which providers customers are offered, with what is switched on (the admin page)."""
    base, on = get_settings().base_url, enabled_providers()
    return [
        ProviderRuleView(
            provider=r.provider,
            label=r.label,
            enabled=r.provider in on,
            currencies=tuple(sorted(r.currencies or ())),
            countries_excluded=tuple(sorted(r.countries_excluded)),
            webhook_url=f"{base}/webhooks/{r.provider}" if r.provider != "demo" else "",
        )
        for r in PROVIDER_RULES
    ]
