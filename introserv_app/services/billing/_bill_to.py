"""Who an invoice is addressed to: the name (the company for a company profile) and the postal address lines,
taken from the profile when the invoice is issued and kept on the invoice (a later change of the profile,
or closing the account, does not rewrite an issued invoice)."""

from __future__ import annotations

from introserv_app.db.tables import Profile


def bill_to(profile: Profile | None) -> tuple[str, list[str]]:
    """(name, address lines) of a profile ("" and [] when there is none)."""
    if profile is None:
        return "", []
    person = " ".join(p for p in (profile.first_name, profile.last_name) if p)
    name = profile.company_name if profile.profile_type == "company" and profile.company_name else person
    city = " ".join(p for p in (profile.postal_code or "", profile.city) if p)
    return name, [p for p in (profile.address, city, profile.region or "") if p]
