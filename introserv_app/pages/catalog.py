"""/order: order a new service from the tariff catalog."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import shell
from introserv_app.components.row import Row
from introserv_app.components.translate import t
from introserv_app.state.catalog import CatalogState as C


def _card(item: Row) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.badge(item["type"], variant="soft"),
            rx.heading(item["name"], size="3"),
            rx.text(t("from"), " ", rx.text.strong(item["monthly"]), " ", t("per month"), size="2"),
            rx.button(
                rx.icon("shopping-cart", size=14),
                t("Order"),
                on_click=C.open_order(item["id"]),
                class_name="catalog-order",
                width="100%",
            ),
            spacing="2",
            height="100%",
            justify="between",
        ),
        class_name="catalog-item",
        data_tariff=item["name"],
    )


def _dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Order"), " ", C.tariff_name),
            rx.vstack(
                rx.el.label(t("Period"), html_for="order-period", class_name="field-label"),
                rx.el.select(
                    rx.foreach(C.periods[C.tariff_id], lambda p: rx.el.option(p[1], value=p[0])),
                    value=C.months,
                    on_change=C.set_months,
                    id="order-period",
                    class_name="native-select",
                ),
                rx.hstack(rx.text(t("Net")), rx.spacer(), rx.text(C.net_text), width="100%"),
                rx.hstack(rx.text(t("VAT"), " ", C.vat_label), rx.spacer(), rx.text(C.vat_text), width="100%"),
                rx.hstack(
                    rx.text(t("Total"), weight="bold"),
                    rx.spacer(),
                    rx.text(C.gross_text, weight="bold", id="order-total"),
                    width="100%",
                ),
                rx.cond(C.vat_note != "", rx.text(C.vat_note, size="1", color_scheme="gray")),
                rx.text(
                    t("The order is created with an unpaid invoice; it starts once the invoice is paid."),
                    size="2",
                    color_scheme="gray",
                ),
                rx.cond(
                    C.error != "", rx.callout(C.error, icon="triangle-alert", color_scheme="red", id="order-error")
                ),
                rx.hstack(
                    rx.dialog.close(rx.button(t("Cancel"), variant="soft", color_scheme="gray")),
                    rx.button(t("Place order"), on_click=C.confirm, loading=C.busy, id="order-confirm"),
                    justify="end",
                    spacing="3",
                    width="100%",
                ),
                spacing="2",
                width="100%",
            ),
            max_width="28em",
        ),
        open=C.open,
        on_open_change=C.set_open,
    )


def catalog_page() -> rx.Component:
    return shell(
        _dialog(),
        rx.cond(
            C.items.length() > 0,
            rx.grid(
                rx.foreach(C.items, _card),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                spacing="4",
                width="100%",
            ),
            rx.text(t("No tariffs are available in your account currency."), color_scheme="gray"),
        ),
        active="/order",
        title=t("Order a service"),
    )
