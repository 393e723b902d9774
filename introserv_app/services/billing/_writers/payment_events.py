"""The one writer of a payment's history (`payment_events`): notifications received, state changes,
reconciliation, refunds. Texts are cut to the column sizes."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from introserv_app.db.tables import Payment, PaymentEvent
from introserv_app.db.types import utcnow


def record_event(
    session: Session,
    payment: Payment | None,
    provider: str,
    source: str,
    outcome: str,
    *,
    at: datetime | None = None,
    **texts: str,
) -> str:
    """Add one event (`texts`: event_id, event_type, state_from, state_to, detail); returns `outcome`."""
    row = PaymentEvent(
        payment_id=payment.id if payment else None, provider=provider, source=source, outcome=outcome, at=at or utcnow()
    )
    for name, value in texts.items():
        setattr(row, name, str(value)[:255])
    session.add(row)
    return outcome
