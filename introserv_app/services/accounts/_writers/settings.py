"""The Settings form saved: every field checked, then all or nothing, audited with old and new values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from introserv_app.db.tables import Profile, User
from introserv_app.db.types import utcnow
from introserv_app.domain import settings_rules as rules
from introserv_app.domain.money import CURRENCIES, parse_amount
from introserv_app.domain.settings_rules import FieldError
from introserv_app.domain.vat import parse_vat_number
from introserv_app.i18n import SUPPORTED_LANGUAGES
from introserv_app.services.accounts._passwords import verify_password
from introserv_app.services.accounts._readers.settings import currency_locked
from introserv_app.services.accounts._rules import (
    BOOLEAN_FIELDS,
    MSG_AMOUNT,
    MSG_CHOICE,
    MSG_COMPANY_NAME,
    MSG_CURRENCY_LOCKED,
    MSG_PASSWORD_NEEDED,
    MSG_VAT,
    MSG_WRONG_PASSWORD,
    THRESHOLD_MAX_MINOR,
    SettingsInvalid,
    _profile,
)
from introserv_app.services.accounts._sessions import sessions_changed
from introserv_app.services.billing import VatChecker, check_profile_vat, checker_from_settings
from introserv_app.services.common import audit
from introserv_app.services.common.viewer import Viewer


@dataclass(frozen=True)
class SaveOutcome:
    changed: list[str]
    #: The new IP list would lock out the address in use: nothing saved, ask to confirm.
    confirm_ip_lockout: bool = False


def _flag(raw: object) -> bool:
    return raw in (True, "1", "on", "true", "yes")


def _check(form: Mapping[str, object], profile: Profile) -> tuple[dict[str, object], dict[str, FieldError]]:
    """Every form field checked; (values to store, errors)."""
    values: dict[str, object] = {}
    errors: dict[str, FieldError] = {}

    def put(name: str, check) -> None:  # type: ignore[no-untyped-def]
        try:
            values[name] = check(form.get(name, ""))
        except FieldError as exc:
            errors[name] = exc

    def choice(allowed: tuple[str, ...]):  # type: ignore[no-untyped-def]
        def check(raw: object) -> str:
            if raw not in allowed:
                raise FieldError(MSG_CHOICE)
            return str(raw)

        return check

    put("profile_type", choice(("individual", "company")))
    put("last_name", lambda v: rules.text(v, max_len=100, required=True))
    put("first_name", lambda v: rules.text(v, max_len=100, required=True))
    put("phone", lambda v: rules.phone(v, region=profile.country))
    put("region", lambda v: rules.text(v, max_len=100))
    put("city", lambda v: rules.text(v, max_len=100, required=True))
    put("address", lambda v: rules.text(v, max_len=255, required=True))
    put("postal_code", rules.postal_code)
    put("company_name", lambda v: rules.text(v, max_len=255))
    put("company_reg_number", lambda v: rules.text(v, max_len=64))

    def vat(raw: object) -> str:
        value = rules.text(raw, max_len=32)
        if value and parse_vat_number(value) is None:
            raise FieldError(MSG_VAT)
        parsed = parse_vat_number(value) if value else None
        return parsed.number if parsed else ""

    put("vat_number", vat)
    if values.get("profile_type") == "company" and not values.get("company_name") and "company_name" not in errors:
        errors["company_name"] = FieldError(MSG_COMPANY_NAME)
    for name in ("email_invoices", "email_support", "email_complaints"):
        put(name, lambda v: rules.email(v, required=False))

    def threshold(raw: object) -> int | None:
        value = raw.strip() if isinstance(raw, str) else ""
        if not value:
            return None
        money = parse_amount(value, profile.currency) if len(value) <= 20 else None
        if money is None or not 0 <= money.minor <= THRESHOLD_MAX_MINOR:
            raise FieldError(MSG_AMOUNT)
        return money.minor

    put("low_balance_threshold", threshold)
    put("currency", choice(CURRENCIES))
    put("language", choice(SUPPORTED_LANGUAGES))
    for name in BOOLEAN_FIELDS:
        values[name] = _flag(form.get(name))

    def ips(raw: object) -> str:
        stored, _ = rules.parse_ip_rules(raw)
        return stored

    put("ip_restrictions", ips)
    return values, errors


def save_settings(
    *,
    session: Session,
    viewer: Viewer,
    form: Mapping[str, object],
    ip: str,
    confirm_ip_lockout: bool = False,
    vat_checker: VatChecker | None = None,
    now: datetime | None = None,
) -> SaveOutcome:
    """Save the form (every field of FORM_FIELDS) or nothing; raises SettingsInvalid with per-field errors."""
    now = now or utcnow()
    profile = _profile(session, viewer.user_id)
    values, errors = _check(form, profile)
    user = session.get(User, viewer.user_id)
    assert user is not None
    if "ip_restrictions" in values and values["ip_restrictions"] != profile.ip_restrictions:
        password = form.get("current_password", "")
        if not isinstance(password, str) or not password:
            errors["current_password"] = FieldError(MSG_PASSWORD_NEEDED)
        elif not verify_password(user.password_hash, password[:1024]):
            errors["current_password"] = FieldError(MSG_WRONG_PASSWORD)
    if values.get("currency") not in (None, profile.currency) and currency_locked(
        session=session, user_id=viewer.user_id
    ):
        errors["currency"] = FieldError(MSG_CURRENCY_LOCKED)
    if errors:
        raise SettingsInvalid(errors)
    new_ips = str(values["ip_restrictions"])
    ips_changed = new_ips != profile.ip_restrictions
    if ips_changed:
        sessions_changed()
    if ips_changed and new_ips and not rules.ip_allowed(new_ips, ip) and not confirm_ip_lockout:
        return SaveOutcome(changed=[], confirm_ip_lockout=True)

    if values.get("language", profile.language) != profile.language:
        sessions_changed()  # the viewer carries the language
    stored = {
        **values,
        "low_balance_threshold_minor": values["low_balance_threshold"],
        "company_name": values["company_name"] or None,
        "company_reg_number": values["company_reg_number"] or None,
        "vat_number": values["vat_number"] or None,
        "region": values["region"] or None,
        "postal_code": values["postal_code"] or None,
        "email_invoices": values["email_invoices"] or None,
        "email_support": values["email_support"] or None,
        "email_complaints": values["email_complaints"] or None,
    }
    stored.pop("low_balance_threshold")
    changes: dict[str, list[object]] = {}
    for name, new in stored.items():
        old = getattr(profile, name)
        if old != new:
            changes[name] = [old, new]
            setattr(profile, name, new)
    if "phone" in changes:
        profile.phone_verified_at = None
    company_fields = {"profile_type", "company_name", "company_reg_number", "vat_number"}
    if profile.profile_type == "company" and company_fields & set(changes):
        profile.company_verification = "pending"
        changes.setdefault("company_verification", [None, "pending"])
    elif profile.profile_type == "individual" and "profile_type" in changes:
        profile.company_verification = "none"
    if "vat_number" in changes or ("profile_type" in changes and profile.vat_number):
        check_profile_vat(
            session=session, user_id=viewer.user_id, checker=vat_checker or checker_from_settings(), now=now
        )
    if changes:
        audit.record(
            session=session,
            action="settings.update",
            actor_id=viewer.user_id,
            subject_user_id=viewer.user_id,
            ip=ip,
            details={"changes": {k: [_shown(v[0]), _shown(v[1])] for k, v in changes.items()}},
            now=now,
        )
    session.flush()
    return SaveOutcome(changed=sorted(changes))


def _shown(value: object) -> object:
    return value if value is None or isinstance(value, bool | int) else str(value)[:500]
