"""The app shell: sidebar, top bar (balance, language, user menu), banner slot, content."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.funds import add_funds
from introserv_app.components.translate import t
from introserv_app.domain.text import N_
from introserv_app.i18n import LANGUAGE_NAMES
from introserv_app.state.context import LocaleState
from introserv_app.state.session import SessionState

#: (route, label msgid, icon, audience: "all", "customer", "staff" or "admin"). Listed here only once it works.
NAV_ITEMS: tuple[tuple[str, str, str, str], ...] = (
    ("/", N_("Dashboard"), "layout-dashboard", "customer"),
    ("/staff", N_("Dashboard"), "layout-dashboard", "staff"),
    ("/orders", N_("Orders"), "server", "customer"),
    ("/staff/customers", N_("Customers"), "users", "staff"),
    ("/staff/orders", N_("All orders"), "server", "staff"),
    ("/staff/tickets", N_("Ticket queue"), "life-buoy", "staff"),
    ("/staff/incidents", N_("Incidents"), "siren", "staff"),
    ("/invoices", N_("Invoices"), "receipt", "all"),
    ("/order", N_("Order a service"), "shopping-cart", "customer"),
    ("/tickets", N_("Tickets"), "life-buoy", "customer"),
    ("/notifications", N_("Notifications"), "bell", "customer"),
    ("/incidents", N_("Incidents"), "siren", "customer"),
    ("/settings", N_("Settings"), "settings", "all"),
    ("/staff/tariffs", N_("Tariffs"), "tags", "staff"),
    ("/staff/outbox", N_("Email outbox"), "mail", "staff"),
    ("/staff/newsletter", N_("Newsletter"), "newspaper", "staff"),
    ("/staff/audit", N_("Audit log"), "scroll-text", "staff"),
    ("/staff/admin", N_("Administration"), "shield", "admin"),
)


def language_switcher() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=t("Language"), id="language-switcher", variant="ghost"),
        rx.select.content(
            *[rx.select.item(name, value=code, id=f"lang-{code}") for code, name in LANGUAGE_NAMES.items()]
        ),
        value=LocaleState.lang,
        on_change=LocaleState.switch_language,
        size="1",
    )


def _nav_link(route: str, label: str, icon: str, active: str) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=18), rx.text(t(label), size="3"), spacing="3", align="center"),
        href=route,
        class_name="nav-link" + (" nav-active" if route == active else ""),
        underline="none",
    )


def nav(active: str) -> rx.Component:
    items = []
    for route, label, icon, audience in NAV_ITEMS:
        link = _nav_link(route, label, icon, active)
        if audience == "staff":
            link = rx.cond(SessionState.is_staff, link)
        elif audience == "admin":
            link = rx.cond(SessionState.role == "admin", link)
        elif audience == "customer":
            link = rx.cond(SessionState.is_staff, rx.fragment(), link)
        items.append(link)
    return rx.vstack(*items, spacing="1", width="100%", id="main-nav")


def brand() -> rx.Component:
    return rx.hstack(
        rx.icon("server", size=22, color=rx.color("accent", 9)),
        rx.heading("INTROSERV", size="4", weight="bold"),
        align="center",
        spacing="2",
    )


def user_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("circle-user", size=16),
                rx.text(SessionState.username, class_name="hide-narrow"),
                variant="soft",
                size="2",
                aria_label=t("Account"),
                id="user-menu",
            )
        ),
        rx.menu.content(
            rx.menu.item(rx.cond(SessionState.is_staff, t("Support staff"), t("Customer")), disabled=True),
            rx.menu.separator(),
            rx.menu.item(rx.icon("log-out", size=14), t("Log out"), on_click=SessionState.sign_out, id="logout"),
        ),
    )


def top_bar() -> rx.Component:
    return rx.hstack(
        rx.mobile_only(
            rx.drawer.root(
                rx.drawer.trigger(rx.icon_button(rx.icon("menu"), variant="ghost", aria_label=t("Menu"))),
                rx.drawer.overlay(),
                rx.drawer.portal(
                    rx.drawer.content(
                        rx.vstack(brand(), nav(""), padding="1em"),
                        background_color=rx.color("gray", 1),
                        width="16em",
                        height="100%",
                    )
                ),
                direction="left",
            )
        ),
        rx.spacer(),
        rx.cond(
            SessionState.balance_text != "",
            rx.hstack(
                rx.icon("wallet", size=16),
                rx.text(t("Balance"), ":", size="2", color_scheme="gray", class_name="hide-narrow"),
                rx.text(SessionState.balance_text, weight="bold", size="2", id="top-balance"),
                add_funds(),
                align="center",
                spacing="1",
            ),
        ),
        language_switcher(),
        user_menu(),
        spacing="4",
        align="center",
        wrap="wrap",
        row_gap="0.5em",
        class_name="top-bar",
        padding_y="0.75em",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        background_color=rx.color("gray", 1),
    )


def shell(
    *content: rx.Component, active: str, title: rx.Var | str, banners: rx.Component | None = None
) -> rx.Component:
    """A signed-in page. Nothing but the frame renders until the server has checked the session."""
    return rx.hstack(
        rx.tablet_and_desktop(
            rx.vstack(
                brand(),
                rx.divider(),
                nav(active),
                padding="1.25em",
                width="15em",
                height="100vh",
                position="sticky",
                top="0",
                border_right=f"1px solid {rx.color('gray', 4)}",
                background_color=rx.color("gray", 2),
                spacing="4",
            ),
        ),
        rx.vstack(
            top_bar(),
            rx.cond(
                SessionState.checked,
                rx.vstack(
                    rx.box(banners if banners is not None else rx.fragment(), id="banners", width="100%"),
                    rx.heading(title, size="6", id="page-title"),
                    *content,
                    padding="1.5em",
                    spacing="4",
                    width="100%",
                    max_width="80em",
                    # a flex item may shrink below its content's width: a wide table scrolls in its own frame
                    min_width="0",
                    class_name="page-content",
                ),
                rx.center(rx.spinner(size="3"), width="100%", padding="4em"),
            ),
            spacing="0",
            width="100%",
            min_width="0",
            min_height="100vh",
        ),
        spacing="0",
        width="100%",
        align="start",
        # Which backend worker ran the last page load ("host:pid"): support and the scale-out tests read it.
        custom_attrs={"data-worker": SessionState.served_by},
    )
