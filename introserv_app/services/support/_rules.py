"""Support's vocabulary, shared by its readers and writers: limits, messages, the reason staff give, a customer
by id."""

from __future__ import annotations

from sqlmodel import Session

from introserv_app.db.tables import (
    Profile,
    User,
)
from introserv_app.domain.order_rules import reason_refusal
from introserv_app.domain.roles import Role
from introserv_app.domain.text import N_
from introserv_app.domain.validation import is_row_id
from introserv_app.services.common import access
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

SEARCH_MAX = 100


ADJUST_MAX_MINOR = 10_000_000  # 100,000.00


MSG_CUSTOMER_NOT_FOUND = N_("Customer not found.")


MSG_ADJUST_AMOUNT = N_(
    "Enter an amount such as 10.00 or -5.50 (one optional sign, at most two decimals): not zero, "
    "at most 100,000.00 either way."
)


MSG_ADJUST_NEGATIVE = N_("This adjustment would make the balance negative ({balance} now); nothing was changed.")


MSG_COUNTRY = N_("Choose a country.")


MSG_COUNTRY_SAME = N_("The customer already has this country.")


MSG_NOT_COMPANY = N_("This customer has an individual profile; there is no company to verify.")


MSG_ALREADY_VERIFIED = N_("The company profile is already verified.")


MSG_NO_EMAIL = N_("The customer has no email address to confirm.")


MSG_EMAIL_CONFIRMED = N_("The email address is already confirmed and no change is waiting.")


MSG_NO_IP_RULES = N_("The customer has no IP restrictions.")


MSG_NO_CODE_WORD = N_("The customer has no code word.")


def _reason(raw: object) -> str:
    """A required one-line reason (spaces folded); refused when empty, too long or with unusable characters."""
    text, refusal = reason_refusal(raw, required=True)
    if refusal is not None:
        raise ServiceError(refusal)
    return text


def _customer(session: Session, user_id: object) -> tuple[User, Profile]:
    user = session.get(User, user_id) if is_row_id(user_id) else None
    profile = session.get(Profile, user_id) if user is not None else None
    if user is None or profile is None or user.role != Role.CUSTOMER.value:
        raise ServiceError(MSG_CUSTOMER_NOT_FOUND)
    return user, profile


def _require_operator(session: Session, viewer: Viewer | None, target: str, ip: str) -> None:
    """Staff only; `None` is the command line (an operator on the server), which needs no check."""
    if viewer is not None:
        access.require_staff(session=session, viewer=viewer, target=target, ip=ip)


#: The roles of staff users (admins manage them).
STAFF_ROLES = (Role.SUPPORT.value, Role.ADMIN.value)
