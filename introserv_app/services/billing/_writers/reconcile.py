"""Reconciliation: payments pending longer than `INTROSERV_PAYMENT_RECONCILE_MINUTES` are asked about at their
provider and settled, failed or expired from its answer, so a lost notification never loses a payment. Each
provider call runs with no transaction open; each answer is booked in its own short transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import Payment
from introserv_app.db.types import utcnow
from introserv_app.domain.payments import OPEN_STATES, PaymentState
from introserv_app.services.billing._gateways import enabled_providers, gateway
from introserv_app.services.billing._gateways.base import ProviderUnavailable, RemotePayment
from introserv_app.services.billing._writers.payment_events import record_event
from introserv_app.services.billing._writers.settlement import apply_remote

BATCH = 200
#: A checkout the provider still calls open after this long is given up (Stripe's sessions end after 24 hours).
GIVE_UP_AFTER = timedelta(hours=25)
#: A payment whose checkout was never made (the provider failed and the page closed) ends after this long.
NEVER_SENT_AFTER = timedelta(hours=1)


@dataclass
class ReconcileReport:
    asked: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    unreachable: int = 0


def reconcile(*, engine: Engine | None = None, now: datetime | None = None) -> ReconcileReport:
    now = now or utcnow()
    report = ReconcileReport()
    older = now - timedelta(minutes=get_settings().payment_reconcile_minutes)
    open_states = [s.value for s in OPEN_STATES]
    with session_scope(engine) as session:
        rows = session.exec(
            select(Payment.id, Payment.provider, Payment.provider_ref, Payment.created_at)
            .where(col(Payment.state).in_(open_states), col(Payment.created_at) < older)
            .order_by(col(Payment.created_at))
            .limit(BATCH)
        ).all()
    for payment_id, provider, ref, created_at in rows:
        assert payment_id is not None
        if not ref:
            if created_at < now - NEVER_SENT_AFTER:
                _expire(engine, payment_id, "the checkout was never made", now)
            continue
        if provider not in enabled_providers():
            continue
        try:
            remote = gateway(provider).fetch(ref)  # no transaction is open here
        except ProviderUnavailable:
            report.unreachable += 1
            continue
        report.asked += 1
        if remote.state == PaymentState.PENDING and created_at < now - GIVE_UP_AFTER:
            remote = RemotePayment(provider_ref=ref, state=PaymentState.EXPIRED)
        with session_scope(engine) as session:
            outcome = apply_remote(session=session, provider=provider, remote=remote, source="reconcile", now=now)
        report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
    return report


def _expire(engine: Engine | None, payment_id: int, why: str, now: datetime) -> None:
    with session_scope(engine) as session:
        done = session.execute(
            sa.update(Payment)
            .where(col(Payment.id) == payment_id, col(Payment.state) == PaymentState.CREATED.value)
            .values(state=PaymentState.EXPIRED.value, updated_at=now, failure=why)
        )
        if done.rowcount:  # type: ignore[attr-defined]
            payment = session.get_one(Payment, payment_id)
            record_event(
                session, payment, payment.provider, "reconcile", "state",
                at=now, state_from="created", state_to="expired", detail=why,
            )  # fmt: skip
