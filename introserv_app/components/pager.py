"""Previous / "Page n of m" / Next, for lists whose page lives in the URL (tickets, notifications)."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.vars import NumberVar

from introserv_app.components.translate import t


def simple_pager(page: NumberVar[int], pages: NumberVar[int], go_page: Callable[[NumberVar], object]) -> rx.Component:
    """Shown only when there is more than one page; `go_page(n)` is the state's event for page n."""
    return rx.cond(
        pages > 1,
        rx.hstack(
            rx.button(t("Previous page"), on_click=go_page(page - 1), variant="soft", disabled=page <= 1),
            rx.text(t("Page"), " ", page, " ", t("of"), " ", pages, size="2"),
            rx.button(t("Next page"), on_click=go_page(page + 1), variant="soft", disabled=page >= pages),
            align="center",
        ),
    )
