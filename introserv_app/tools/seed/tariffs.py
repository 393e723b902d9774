"""The demo tariff catalog (also the volume data's tariffs)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from introserv_app.db.session import session_scope
from introserv_app.db.tables import TariffPlan
from introserv_app.domain.periods import PERIODS

#: (code, name, product type, currency, monthly price in minor units)
TARIFFS: tuple[tuple[str, str, str, str, int], ...] = (
    ("vps-s", "VPS S (1 vCPU, 2 GB)", "vps", "EUR", 400),
    ("vps-m", "VPS M (2 vCPU, 4 GB)", "vps", "EUR", 800),
    ("vps-l", "VPS L (4 vCPU, 8 GB)", "vps", "EUR", 1600),
    ("ded-e3", "Dedicated E3-1230v6, 32 GB", "dedicated", "EUR", 6900),
    ("ded-epyc", "Dedicated EPYC 7402P, 128 GB", "dedicated", "EUR", 18900),
    ("vps-us", "VPS US (2 vCPU, 4 GB)", "vps", "USD", 900),
    ("ded-us", "Dedicated Xeon E-2288G, 64 GB", "dedicated", "USD", 12900),
    ("vps-uk", "VPS UK (2 vCPU, 4 GB)", "vps", "GBP", 750),
    ("storage-1t", "Storage 1 TB", "storage", "EUR", 1200),
    ("vps-pl", "VPS PL (2 vCPU, 4 GB)", "vps", "PLN", 3500),
)


#: Discount per longer period, in percent off the monthly price times months.
PERIOD_DISCOUNT = {1: 0, 3: 5, 6: 8, 12: 12}


def tariff_prices(monthly_minor: int) -> dict[str, int]:
    """Prices per period: months x monthly price, less the period discount, rounded to the minor unit."""
    return {str(m): (monthly_minor * m * (100 - PERIOD_DISCOUNT[m]) + 50) // 100 for m in PERIODS}


def ensure_tariffs(engine: Engine) -> None:
    with session_scope(engine) as session:
        have = set(session.exec(select(TariffPlan.code)).all())
        for code, name, kind, currency, monthly in TARIFFS:
            if code not in have:
                session.add(
                    TariffPlan(
                        code=code, name=name, product_type=kind, currency=currency, prices_minor=tariff_prices(monthly)
                    )
                )
