"""Deterministic demo and volume data.

`seed_demo` creates the tariffs and the demo accounts once (`demo.py`, `tariffs.py`). `seed_volume` bulk-inserts
customers with orders in all six statuses, invoices (continuous numbering per year), invoice lines and ledger
history (`volume.py`, the rows in `rows.py`, the bulk writer in `bulk.py`); a million orders take well under a
minute (docs/benchmarks.md).
"""

from __future__ import annotations

from introserv_app.tools.seed.bulk import VolumeReport
from introserv_app.tools.seed.demo import DEMO_ACCOUNTS, DemoAccount, demo_seeded, ensure_demo_accounts, seed_demo
from introserv_app.tools.seed.tariffs import ensure_tariffs
from introserv_app.tools.seed.volume import seed_volume

__all__ = [
    "DEMO_ACCOUNTS",
    "DemoAccount",
    "VolumeReport",
    "demo_seeded",
    "ensure_demo_accounts",
    "ensure_tariffs",
    "seed_demo",
    "seed_volume",
]
