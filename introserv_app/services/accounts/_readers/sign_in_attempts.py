"""Failed and throttled sign-ins to one account over 7 days, by address (the staff customer page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.config import get_settings
from introserv_app.db.tables import AuditEvent


@dataclass(frozen=True)
class SignInAttempts:
    """Failed and throttled sign-ins to one account, for the staff customer page."""

    failures_24h: int
    failures_7d: int
    throttled_7d: int
    addresses_7d: int
    last_failure_at: datetime | None
    last_failure_ip: str
    #: (address, failures in 7 days), most first, at most 5.
    top_addresses: list[tuple[str, int]]

    @property
    def under_attack(self) -> bool:
        """Someone was slowed down in the last week, or many failures came in the last day."""
        return self.throttled_7d > 0 or self.failures_24h >= get_settings().login_max_failures_per_account


def sign_in_attempts(*, session: Session, username: str, now: datetime) -> SignInAttempts:
    """What the audit log says about failed sign-ins to `username` over the last 7 days (staff only: the
    caller checks the viewer)."""
    week, day = now - timedelta(days=7), now - timedelta(days=1)
    key = col(AuditEvent.subject_key) == username
    recent = col(AuditEvent.created_at) >= week
    failed = col(AuditEvent.action) == "login", col(AuditEvent.success).is_(False)
    conn = session.connection()
    by_ip = conn.execute(
        sa.select(col(AuditEvent.ip), sa.func.count(), sa.func.max(col(AuditEvent.created_at)))
        .where(*failed, key, recent)
        .group_by(col(AuditEvent.ip))
    ).all()
    failures_24h = conn.execute(
        sa.select(sa.func.count()).where(*failed, key, col(AuditEvent.created_at) >= day)
    ).scalar_one()
    throttled = conn.execute(
        sa.select(sa.func.count()).where(col(AuditEvent.action) == "login.throttled", key, recent)
    ).scalar_one()
    ordered = sorted(((ip or "", int(n), last) for ip, n, last in by_ip), key=lambda r: (-r[1], r[0]))
    latest = max(by_ip, key=lambda r: r[2], default=None)
    return SignInAttempts(
        failures_24h=int(failures_24h),
        failures_7d=sum(r[1] for r in ordered),
        throttled_7d=int(throttled),
        addresses_7d=len(ordered),
        last_failure_at=latest[2] if latest else None,
        last_failure_ip=(latest[0] or "") if latest else "",
        top_addresses=[(ip, n) for ip, n, _ in ordered[:5]],
    )
