"""Support: the staff console's readers and actions."""

from __future__ import annotations

# Writers: commands that change data.
from ._writers.delivery import deliver_order as deliver_order
