"""The tariff list staff maintain."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.db.tables import Order, TariffPlan
from introserv_app.domain.money import Money
from introserv_app.services.common import access
from introserv_app.services.common.viewer import Viewer

PRODUCT_TYPES = ("vps", "dedicated", "storage")


@dataclass(frozen=True)
class TariffRow:
    id: int
    code: str
    name: str
    product_type: str
    currency: str
    prices: dict[int, Money]
    is_active: bool
    orders: int


def list_tariffs(*, session: Session, viewer: Viewer, ip: str = "") -> list[TariffRow]:
    access.require_staff(session=session, viewer=viewer, target="tariffs.list", ip=ip)
    counts = dict(session.exec(select(Order.tariff_id, sa.func.count()).group_by(col(Order.tariff_id))).all())
    rows = session.exec(select(TariffPlan).order_by(col(TariffPlan.is_active).desc(), col(TariffPlan.code))).all()
    return [
        TariffRow(
            id=t.id or 0,
            code=t.code,
            name=t.name,
            product_type=t.product_type,
            currency=t.currency,
            prices={int(m): Money(p, t.currency) for m, p in sorted(t.prices_minor.items(), key=lambda i: int(i[0]))},
            is_active=t.is_active,
            orders=int(counts.get(t.id or 0, 0)),
        )
        for t in rows
    ]
