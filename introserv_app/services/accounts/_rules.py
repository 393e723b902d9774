"""Accounts' vocabulary, shared by its readers and writers: the settings form's fields, limits and messages."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from introserv_app.db.tables import Profile
from introserv_app.domain.settings_rules import FieldError
from introserv_app.domain.text import N_
from introserv_app.services.common.errors import ServiceError

MSG_WRONG_PASSWORD = N_("The current password is not correct.")


MSG_PASSWORD_NEEDED = N_("Enter your current password to change this.")


MSG_CURRENCY_LOCKED = N_("The currency can change only while the balance is zero and no invoice is unpaid.")


MSG_CHOICE = N_("Choose one of the options.")


MSG_AMOUNT = N_("Enter an amount from 0 to 1,000,000.00, or leave it empty.")


MSG_VAT = N_("Enter a VAT number with its country prefix, e.g. DE123456789.")


MSG_COMPANY_NAME = N_("A company profile needs the company name.")


MSG_CODE_WORD_SET = N_("The code word is already set; support can reset it after checking your identity.")


MSG_EMAIL_SAME = N_("This is already your email address.")


MSG_LINK_BAD = N_("This confirmation link is not valid or has expired.")


MSG_FIX_FIELDS = N_("Some fields need attention; nothing was saved.")


EMAIL_LINK_TTL = timedelta(hours=24)


THRESHOLD_MAX_MINOR = 100_000_000


#: Form fields saved by `save_settings` (the rest of the page has its own flows).
FORM_FIELDS = (
    "profile_type",
    "company_name",
    "company_reg_number",
    "vat_number",
    "last_name",
    "first_name",
    "phone",
    "region",
    "city",
    "address",
    "postal_code",
    "newsletter",
    "low_balance_threshold",
    "email_invoices",
    "email_support",
    "email_complaints",
    "auto_renew",
    "currency",
    "pay_without_auth",
    "language",
    "display_last_ip",
    "ip_restrictions",
)


BOOLEAN_FIELDS = ("newsletter", "auto_renew", "pay_without_auth", "display_last_ip")


class SettingsInvalid(ServiceError):
    """Field errors: {field name: FieldError}; nothing was saved."""

    def __init__(self, errors: dict[str, FieldError]) -> None:
        super().__init__(MSG_FIX_FIELDS)
        self.errors = errors


def _profile(session: Session, user_id: int) -> Profile:
    profile = session.get(Profile, user_id)
    if profile is None:
        profile = Profile(user_id=user_id)
        session.add(profile)
        session.flush()
    return profile
