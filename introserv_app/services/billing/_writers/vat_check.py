"""A profile's VAT number checked (format, then VIES) and the answer kept on the profile."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from introserv_app.db.tables import Profile
from introserv_app.db.types import utcnow
from introserv_app.domain.vat import parse_vat_number
from introserv_app.services.billing._vies import VatChecker


def check_profile_vat(*, session: Session, user_id: int, checker: VatChecker, now: datetime | None = None) -> None:
    """Validate the profile's VAT number (format, then VIES) and remember the answer."""
    profile = session.get(Profile, user_id)
    if profile is None:
        return
    parsed = parse_vat_number(profile.vat_number or "")
    profile.vat_valid = None if parsed is None else checker.check(parsed)
    if parsed is None and profile.vat_number:
        profile.vat_valid = False
    profile.vat_checked_at = now or utcnow()
