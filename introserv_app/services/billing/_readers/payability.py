"""Whether a customer may pay now: the required profile fields, and a company verified by support.

Renewals, invoice payments (also through pay links) and top-ups call `require_payable` first.
"""

from __future__ import annotations

from sqlmodel import Session

from introserv_app.db.tables import Profile
from introserv_app.domain.text import N_
from introserv_app.services.common.errors import ServiceError

MSG_PROFILE_INCOMPLETE = N_("Fill in your profile first ({fields}): payments need it.")
MSG_COMPANY_PENDING = N_("Your company profile is being verified by support; invoices can be paid once it is verified.")
#: Required for payments, renewals and top-ups (field, label msgid).
REQUIRED_FIELDS: tuple[tuple[str, str], ...] = (
    ("last_name", N_("Last name")),
    ("first_name", N_("First name")),
    ("email", N_("Email")),
    ("phone", N_("Mobile phone")),
    ("city", N_("City")),
    ("address", N_("Street address")),
)


class PaymentBlocked(ServiceError):
    """The profile is incomplete or the company is not verified yet (values: `fields`, label msgids)."""


def missing_required(profile: Profile | None) -> list[str]:
    """The label msgids of the required fields that are still empty."""
    if profile is None:
        return [label for _, label in REQUIRED_FIELDS]
    return [label for name, label in REQUIRED_FIELDS if not (getattr(profile, name) or "").strip()]


def payment_block(*, session: Session, user_id: int) -> PaymentBlocked | None:
    """Why the user cannot pay, renew or top up now (None: they can)."""
    profile = session.get(Profile, user_id)
    missing = missing_required(profile)
    if missing:
        return PaymentBlocked(MSG_PROFILE_INCOMPLETE, fields=missing)
    if profile is not None and profile.profile_type == "company" and profile.company_verification != "verified":
        return PaymentBlocked(MSG_COMPANY_PENDING)
    return None


def require_payable(*, session: Session, user_id: int) -> None:
    block = payment_block(session=session, user_id=user_id)
    if block is not None:
        raise block
