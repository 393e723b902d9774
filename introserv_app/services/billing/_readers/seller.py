"""The seller on invoices: the admin's settings over the INTROSERV_SELLER_* defaults."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import Session, select

from introserv_app.config import get_settings
from introserv_app.db.tables import AppSetting

FIELDS = ("seller_name", "seller_address", "seller_country", "seller_vat_number")


@dataclass(frozen=True)
class SellerSettings:
    seller_name: str
    seller_address: str
    seller_country: str
    seller_vat_number: str


def seller_settings(*, session: Session) -> SellerSettings:
    env = get_settings()
    current = SellerSettings(env.seller_name, env.seller_address, env.seller_country, env.seller_vat_number)
    stored = dict(session.exec(select(AppSetting.key, AppSetting.value).where(AppSetting.key.in_(FIELDS))).all())  # type: ignore[attr-defined]
    return replace(current, **{k: v for k, v in stored.items() if k in FIELDS})
