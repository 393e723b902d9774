"""The order status badge: icon, colour and the document's explanation as a tooltip."""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var

from introserv_app.domain.statuses import STATUS_INFO


def status_badge(status: Var[str], label: Var[str] | str, hint: Var[str] | str) -> rx.Component:
    """A badge for a status value that is only known in the browser (a Var)."""
    cases = [
        (
            s.value,
            rx.badge(
                rx.icon(info.icon, size=14),
                label,
                color_scheme=info.color,
                variant="soft",
                class_name=f"status-{s.value}",
            ),
        )
        for s, info in STATUS_INFO.items()
    ]
    return rx.tooltip(rx.box(rx.match(status, *cases, rx.badge(label))), content=hint)
