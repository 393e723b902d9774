"""Staff create and change tariffs (code, name, type, currency, period prices)."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from introserv_app.db.tables import Order, TariffPlan
from introserv_app.domain.money import CURRENCIES, parse_amount
from introserv_app.domain.periods import PERIODS
from introserv_app.domain.text import N_
from introserv_app.domain.validation import TextError, check_text, is_row_id
from introserv_app.services.billing._readers.tariffs import PRODUCT_TYPES
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer

CODE_RE = re.compile(r"[a-z0-9][a-z0-9-]{1,31}")


PRICE_MAX_MINOR = 100_000_000  # 1,000,000.00


MSG_CODE = N_("The code needs 2–32 lower-case letters, digits or dashes.")


MSG_CODE_TAKEN = N_("Another tariff already has this code.")


MSG_NAME = N_("Enter a name of at most 100 characters.")


MSG_NAME_CHARACTERS = N_("The name contains characters that cannot be used (invisible control characters).")


NAME_MAX = 100


MSG_TYPE = N_("Choose a product type.")


MSG_CURRENCY = N_("Choose a currency.")


MSG_PRICE = N_("Prices are amounts from 0 to 1,000,000.00; leave a period empty to not offer it.")


MSG_NO_PRICE = N_("Give a price for at least one period.")


MSG_TARIFF_GONE = N_("Tariff not found.")


MSG_CURRENCY_FIXED = N_("The currency of a tariff with orders cannot change.")


def _prices(raw: dict[str, str], currency: str) -> dict[str, int]:
    prices: dict[str, int] = {}
    for months in PERIODS:
        text = raw.get(str(months), "")
        if not isinstance(text, str) or not text.strip():
            continue
        money = parse_amount(text.strip(), currency)
        if money is None or not 0 <= money.minor <= PRICE_MAX_MINOR:
            raise ServiceError(MSG_PRICE)
        prices[str(months)] = money.minor
    if not prices:
        raise ServiceError(MSG_NO_PRICE)
    return prices


def save_tariff(
    *,
    session: Session,
    viewer: Viewer,
    tariff_id: int | None,
    code: str,
    name: str,
    product_type: str,
    currency: str,
    prices: dict[str, str],
    is_active: bool,
    ip: str = "",
) -> int:
    """Create (`tariff_id` None) or change a tariff; every field is checked before anything is written."""
    access.require_admin(session=session, viewer=viewer, target="tariffs.save", ip=ip)
    code = code.strip().lower() if isinstance(code, str) else ""
    if not CODE_RE.fullmatch(code):
        raise ServiceError(MSG_CODE)
    try:
        name = check_text(name, max_len=NAME_MAX)
    except TextError as exc:
        raise ServiceError(MSG_NAME_CHARACTERS if exc.problem == "characters" else MSG_NAME) from None
    if not name:
        raise ServiceError(MSG_NAME)
    if product_type not in PRODUCT_TYPES:
        raise ServiceError(MSG_TYPE)
    if currency not in CURRENCIES:
        raise ServiceError(MSG_CURRENCY)
    parsed = _prices(prices if isinstance(prices, dict) else {}, currency)
    clash = session.exec(select(TariffPlan.id).where(TariffPlan.code == code)).first()
    if tariff_id is None:
        if clash is not None:
            raise ServiceError(MSG_CODE_TAKEN)
        tariff = TariffPlan(code=code, name=name, product_type=product_type, currency=currency, prices_minor=parsed)
        session.add(tariff)
    else:
        found = session.get(TariffPlan, tariff_id) if is_row_id(tariff_id) else None
        if found is None:
            raise ServiceError(MSG_TARIFF_GONE)
        tariff = found
        if clash is not None and clash != tariff.id:
            raise ServiceError(MSG_CODE_TAKEN)
        if currency != tariff.currency and session.exec(select(Order.id).where(Order.tariff_id == tariff.id)).first():
            raise ServiceError(MSG_CURRENCY_FIXED)
        tariff.code, tariff.name, tariff.product_type, tariff.currency = code, name, product_type, currency
        tariff.prices_minor = parsed
    tariff.is_active = bool(is_active)
    session.flush()
    audit.record(
        session=session,
        action="tariff.save",
        actor_id=viewer.user_id,
        ip=ip,
        details={"tariff": code, "created": tariff_id is None, "prices": parsed, "active": bool(is_active)},
    )
    return tariff.id or 0
