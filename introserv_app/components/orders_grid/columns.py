"""The grid's optional columns: which of them the viewer chose to see ("Show:" menu)."""

from __future__ import annotations

from reflex.vars.base import Var

from introserv_app.components.row import Row
from introserv_app.state.orders import OrdersGridState as S

__all__ = ["Row", "shown"]


def shown(column: str) -> Var[bool]:
    return S.columns.contains(column)
