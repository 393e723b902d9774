"""An admin changes the seller's name, address, country and VAT number."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session

from introserv_app.db.tables import AppSetting
from introserv_app.db.types import utcnow
from introserv_app.domain.text import N_
from introserv_app.domain.validation import TextError, check_text
from introserv_app.domain.vat import parse_vat_number
from introserv_app.i18n.countries import is_country_code
from introserv_app.services.billing._readers.seller import FIELDS, SellerSettings, seller_settings
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

MSG_SELLER_NAME = N_("Enter the seller's name (at most 200 characters).")


MSG_SELLER_NAME_CHARACTERS = N_(
    "The seller's name contains characters that cannot be used (invisible control characters)."
)


MSG_SELLER_ADDRESS = N_("The address can have at most 500 characters; separate lines with “;”.")


MSG_SELLER_ADDRESS_CHARACTERS = N_(
    "The address contains characters that cannot be used (invisible control characters)."
)


NAME_MAX, ADDRESS_MAX = 200, 500


MSG_SELLER_COUNTRY = N_("Choose the seller's country (a two-letter code such as NL).")


MSG_SELLER_VAT = N_("Enter a VAT number with its country prefix, e.g. NL004495445B01, or leave it empty.")


def _clean(raw: object, limit: int, *, too_long: str, characters: str) -> str:
    """One line, spaces folded; refused (ServiceError) when too long or with unusable characters."""
    try:
        return check_text(raw, max_len=limit, fold_spaces=True)
    except TextError as exc:
        raise ServiceError(characters if exc.problem == "characters" else too_long) from None


def _code(raw: object, limit: int) -> str:
    """A code-like field (country, VAT number): anything that cannot be one is empty, and refused by its check."""
    value = " ".join(raw.split()) if isinstance(raw, str) else ""
    return value if len(value) <= limit and value.isascii() and value.isprintable() else ""


def save_seller_settings(
    *, session: Session, viewer: Viewer, form: Mapping[str, object], ip: str = ""
) -> SellerSettings:
    """Admin only. Every field is checked first; nothing is saved when one is wrong."""
    access.require_admin(session=session, viewer=viewer, target="seller.save", ip=ip)
    name = _clean(form.get("seller_name"), NAME_MAX, too_long=MSG_SELLER_NAME, characters=MSG_SELLER_NAME_CHARACTERS)
    if not name:
        raise ServiceError(MSG_SELLER_NAME)
    address = _clean(
        form.get("seller_address", ""),
        ADDRESS_MAX,
        too_long=MSG_SELLER_ADDRESS,
        characters=MSG_SELLER_ADDRESS_CHARACTERS,
    )
    country = _code(form.get("seller_country"), 2).upper()
    if not is_country_code(country):
        raise ServiceError(MSG_SELLER_COUNTRY)
    vat = _code(form.get("seller_vat_number", ""), 32).replace(" ", "").upper()
    if vat and parse_vat_number(vat) is None:
        raise ServiceError(MSG_SELLER_VAT)
    old = seller_settings(session=session)
    new = SellerSettings(name, address, country, vat)
    now = utcnow()
    for key in FIELDS:
        row = session.get(AppSetting, key)
        if row is None:
            session.add(AppSetting(key=key, value=getattr(new, key), updated_at=now, updated_by=viewer.user_id))
        else:
            row.value, row.updated_at, row.updated_by = getattr(new, key), now, viewer.user_id
    changed = {
        k: {"old": getattr(old, k), "new": getattr(new, k)} for k in FIELDS if getattr(old, k) != getattr(new, k)
    }
    audit.record(session=session, action="admin.seller_settings", actor_id=viewer.user_id, ip=ip, details=changed)
    session.flush()
    return new
