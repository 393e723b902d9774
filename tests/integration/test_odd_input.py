"""Odd input in every place the issue names (issue 17, items 5 and 6), through the handlers as Reflex calls
them, on SQLite and PostgreSQL.

Item 5: digits of other scripts (`²` passes `str.isdigit()`, then `int()` raised) in URLs and handler
arguments, lone UTF-16 surrogates in search boxes, the login form and the settings form, NUL and emoji in
saved names and reasons. Each case must give a translated message or an empty result, never an
exception, never a half-saved row, and nothing the socket cannot send.
Item 6: the staff balance adjustment reads its amount strictly (`+-100` used to credit 100.00, `--1` to debit).
The property-based sweep over every handler is in test_odd_input_fuzz.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import reflex as rx
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col
from starlette.testclient import TestClient

from introserv_app.db.session import session_scope
from introserv_app.db.tables import AppSetting, AuditEvent, LedgerEntry, Order, TariffPlan, Ticket
from introserv_app.domain.money import Money
from introserv_app.domain.order_rules import MSG_REASON_CHARACTERS
from introserv_app.domain.validation import MSG_TEXT_CHARACTERS
from introserv_app.i18n import gettext
from introserv_app.services.accounts import SESSION_COOKIE
from introserv_app.services.billing import MSG_NAME_CHARACTERS, MSG_SELLER_NAME_CHARACTERS, balance
from introserv_app.services.support import MSG_ADJUST_AMOUNT, new_adjustment_key
from introserv_app.state.invoices import InvoicesState
from introserv_app.state.login import LoginState
from introserv_app.state.notifications import NotificationsState
from introserv_app.state.order_actions import OrderActionsState
from introserv_app.state.order_detail import OrderDetailState
from introserv_app.state.orders import OrdersGridState
from introserv_app.state.settings import SettingsState
from introserv_app.state.staff import CustomerSearchState, CustomerState
from introserv_app.state.staff_admin import AdminState, AuditState, StaffTicketsState
from introserv_app.state.tariffs import TariffsState
from introserv_app.state.tickets import TicketFormState, TicketsState, TicketThreadState
from tests.support.handlers import (
    World,
    app_db,  # noqa: F401 - fixture
    build_world,
    call,
    error_toasts,
    handler_of,
    sent_to_browser,
    state_for,
    table_contents,
)

SUPERSCRIPT_TWO = "²"  # str.isdigit() is True, int() raises


@pytest.fixture
def world(app_db: Engine) -> Iterator[World]:  # noqa: F811 - the fixture imported above
    yield build_world(app_db)


def run(world: World, user: str | None, cls: type[rx.State], path: str, name: str, *args: object) -> tuple[Any, Any]:
    """(the state, what the handler returned), after checking that what goes to the browser is UTF-8."""
    root, state = state_for(cls, world.tokens[user] if user else None, path)
    result = call(state, handler_of(cls, name), *args)
    sent_to_browser(root, result)
    return state, result


# ---- item 5: non-ASCII digits in URLs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "cls", "path", "message"),
    [
        ("bob", OrderDetailState, "/orders/²", "Order not found."),
        ("bob", TicketThreadState, "/tickets/²", "Ticket not found."),
        ("helper", CustomerState, "/staff/customers/²", "Customer not found."),
        ("bob", OrderDetailState, "/orders/١", "Order not found."),
        ("helper", CustomerState, "/staff/customers/１２", "Customer not found."),
    ],
)
def test_an_id_in_the_url_that_is_not_ascii_digits_is_not_found(
    world: World, user: str, cls: type[rx.State], path: str, message: str
) -> None:
    state, _ = run(world, user, cls, path, "load")
    assert state.error == message and not state.found


@pytest.mark.parametrize(
    ("user", "cls", "path"),
    [
        ("bob", TicketsState, "/tickets?page=²"),
        ("bob", NotificationsState, "/notifications?page=²"),
        ("helper", CustomerSearchState, "/staff/customers?page=²"),
        ("helper", AuditState, "/staff/audit?page=²"),
        ("helper", StaffTicketsState, "/staff/tickets?page=²"),
        ("bob", InvoicesState, "/invoices?page=²&order=²"),
        ("bob", OrdersGridState, "/orders?page=²&size=５０&ids=²"),
    ],
)
def test_a_page_number_that_is_not_ascii_digits_shows_the_first_page(
    world: World, user: str, cls: type[rx.State], path: str
) -> None:
    state, _ = run(world, user, cls, path, "load")
    assert state.page == 1 and state.rows, path  # the first page, with its rows


# ---- item 5: non-ASCII digits in handler arguments ----------------------------------------------------------


def test_order_handlers_take_no_unicode_digits(world: World) -> None:
    before = table_contents(world.engine)
    state, _ = run(world, "bob", OrderActionsState, "/orders", "open_renew", SUPERSCRIPT_TWO)
    assert not state.renew_open
    run(world, "bob", OrderActionsState, "/orders", "withdraw", SUPERSCRIPT_TWO)
    grid, _ = run(world, "bob", OrdersGridState, "/orders", "load")
    grid_rows = list(grid.rows)
    call(grid, handler_of(OrdersGridState, "toggle_row"), SUPERSCRIPT_TWO)
    assert grid.selected_count == 0
    _, jumped = run(world, "bob", OrdersGridState, "/orders", "jump_to_page", {"page": SUPERSCRIPT_TWO})
    assert error_toasts(jumped) and "page number" in error_toasts(jumped)[0]
    # the renewal dialog of a real order: a period in other digits changes nothing
    _, dialog = state_for(OrderActionsState, world.tokens["bob"], "/orders")
    call(dialog, handler_of(OrderActionsState, "open_renew"), str(world.ids["order"]))
    assert dialog.renew_open and dialog.items and dialog.items[0]["months"] == "1"
    call(dialog, handler_of(OrderActionsState, "set_months"), str(world.ids["order"]), "¹²")
    call(dialog, handler_of(OrderActionsState, "set_months"), "²", "3")
    assert dialog.items[0]["months"] == "1" and grid.rows == grid_rows
    assert table_contents(world.engine) == before


def test_invoice_and_banner_handlers_take_no_unicode_digits(world: World) -> None:
    before = table_contents(world.engine)
    state, paid = run(world, "bob", InvoicesState, "/invoices", "pay", SUPERSCRIPT_TWO)
    assert paid is None and state.busy_id == ""
    state, _ = run(world, "bob", InvoicesState, "/invoices", "share_link", SUPERSCRIPT_TWO)
    assert not state.link_open and not state.link_url
    _, dismissed = run(world, "bob", NotificationsState, "/notifications", "dismiss", SUPERSCRIPT_TWO)
    assert "Notification not found." in error_toasts(dismissed)[0]
    _, moved = run(world, "bob", NotificationsState, "/notifications", "go_page", "x")
    assert "/notifications?page=1" in str(moved)
    assert table_contents(world.engine) == before


def test_a_ticket_opened_for_an_order_id_in_other_digits_is_not_tied_to_an_order(world: World) -> None:
    _, form = state_for(TicketFormState, world.tokens["bob"], "/orders")
    run_open = handler_of(TicketFormState, "open_for_order")
    call(form, run_open, SUPERSCRIPT_TWO, "n\ud800bob")  # a lone surrogate in the name, too
    assert form.open and form.order_id == "" and form.order_name == "n bob"
    call(form, handler_of(TicketFormState, "submit"), {"subject": "Help", "category": "technical", "message": "Hi"})
    with session_scope(world.engine) as session:
        made = session.execute(sa.select(Ticket).where(col(Ticket.subject) == "Help")).scalar_one()
        assert made.order_id is None


# ---- item 5: lone surrogates --------------------------------------------------------------------------------


def test_a_lone_surrogate_in_the_grid_search_is_dropped(world: World) -> None:
    _, result = run(world, "bob", OrdersGridState, "/orders", "search", "nbob\ud800")
    assert "q=nbob" in str(result)
    _, result = run(world, "bob", OrdersGridState, "/orders", "search", "\udfff")  # nothing left: no new search
    assert result is None


def test_a_lone_surrogate_in_the_customer_search_is_dropped(world: World) -> None:
    _, result = run(world, "helper", CustomerSearchState, "/staff/customers", "search", {"q": "bo\ud800b"})
    assert "q=bo+b" in str(result)
    state, _ = run(world, "helper", CustomerSearchState, "/staff/customers?q=b\udc80ob", "load")
    assert state.query == "b ob"


def test_a_lone_surrogate_in_the_login_form_is_an_ordinary_failed_sign_in(world: World) -> None:
    for username, password in (("bob\ud800", "x"), ("bob", "pass\ud800word-long"), ("\udfff", "\ud800")):
        state, result = run(world, None, LoginState, "/login", "submit", {"username": username, "password": password})
        assert result is None and state.error == "Invalid username or password."
    with session_scope(world.engine) as session:
        keys = session.execute(
            sa.select(col(AuditEvent.subject_key)).where(col(AuditEvent.action) == "login", ~col(AuditEvent.success))
        ).scalars()
        assert sorted(keys) == ["?", "bob", "bob?"]


def test_the_login_handler_takes_a_payload_that_is_not_a_form(world: World) -> None:
    state, result = run(world, None, LoginState, "/login", "submit", "")
    assert result is None and state.error


def test_a_signed_out_visitor_with_a_lone_surrogate_in_the_path_is_sent_to_sign_in(world: World) -> None:
    _, result = run(world, None, OrdersGridState, "/orders/\ud800", "open_page")
    assert "/login?next=" in str(result)


def test_a_lone_surrogate_in_the_settings_form_is_refused_with_the_field_message(world: World) -> None:
    _, settings = state_for(SettingsState, world.tokens["bob"], "/settings")
    call(settings, handler_of(SettingsState, "load"))
    form = {**settings.form, "first_name": "Bo\ud800b", "city": "Hel\x00sinki", "address": "Main St 1 🏠"}
    before = table_contents(world.engine)
    root, settings = state_for(SettingsState, world.tokens["bob"], "/settings")
    result = call(settings, handler_of(SettingsState, "save"), form)
    sent_to_browser(root, result)  # the socket can send the refused form back
    assert settings.errors["first_name"] == settings.errors["city"] == gettext("en", MSG_TEXT_CHARACTERS)
    assert settings.errors["address"] == "" and settings.form["first_name"] == "Bob"
    assert table_contents(world.engine) == before


# ---- item 5: NUL and emoji in saved names and reasons -------------------------------------------------------


def _tariff_form(name: str) -> dict[str, str]:
    return {"code": "vps-x", "name": name, "type": "vps", "currency": "EUR", "p1": "4.00", "active": "on"}


def test_a_tariff_name_with_nul_is_refused_for_its_characters_and_emoji_are_kept(world: World) -> None:
    state, _ = run(world, "boss", TariffsState, "/staff/tariffs", "save", _tariff_form("VPS\x00X"))
    assert state.error == MSG_NAME_CHARACTERS and "at most" not in state.error
    state, _ = run(world, "boss", TariffsState, "/staff/tariffs", "save", _tariff_form("VPS 🚀 Turbo 👨‍💻"))
    assert state.error == ""
    with session_scope(world.engine) as session:
        names = session.execute(sa.select(col(TariffPlan.name)).where(col(TariffPlan.code) == "vps-x")).scalars()
        assert list(names) == ["VPS 🚀 Turbo 👨‍💻"]


def test_a_seller_name_with_nul_is_refused_for_its_characters_and_emoji_are_kept(world: World) -> None:
    form = {"seller_name": "Intro\x00serv", "seller_address": "Main St 1", "seller_country": "NL"}
    state, result = run(world, "boss", AdminState, "/staff/admin", "save_seller", form)
    assert state.seller_error == MSG_SELLER_NAME_CHARACTERS and error_toasts(result)
    state, _ = run(world, "boss", AdminState, "/staff/admin", "save_seller", {**form, "seller_name": "Introserv 🖥️"})
    assert state.seller_error == ""
    with session_scope(world.engine) as session:
        assert session.get(AppSetting, "seller_name").value == "Introserv 🖥️"  # type: ignore[union-attr]


def _adjust(world: World, amount: str, reason: str = "Goodwill") -> tuple[Any, Any]:
    root, card = state_for(CustomerState, world.tokens["helper"], f"/staff/customers/{world.ids['bob']}")
    card.adjust_key = new_adjustment_key()
    result = call(card, handler_of(CustomerState, "adjust"), {"amount": amount, "reason": reason})
    sent_to_browser(root, result)
    return card, result


def _ledger(engine: Engine, user_id: int) -> list[tuple[int, str]]:
    with session_scope(engine) as session:
        rows = session.execute(
            sa.select(col(LedgerEntry.amount_minor), col(LedgerEntry.note))
            .where(col(LedgerEntry.user_id) == user_id, col(LedgerEntry.kind) == "adjustment")
            .order_by(col(LedgerEntry.id))
        ).all()
        return [(int(a), str(n)) for a, n in rows]


def test_an_adjustment_reason_with_nul_is_refused_for_its_characters_and_emoji_are_kept(world: World) -> None:
    card, _ = _adjust(world, "5", "Outage\x00credit")
    assert card.action_error == MSG_REASON_CHARACTERS and "500" not in card.action_error
    card, _ = _adjust(world, "5", "Outage\ud800credit")
    assert card.action_error == MSG_REASON_CHARACTERS
    card, _ = _adjust(world, "5", "Sorry for the outage 🙏")
    assert card.action_error == ""
    assert _ledger(world.engine, world.ids["bob"]) == [(500, "Sorry for the outage 🙏")]


# ---- item 6: the amount of a balance adjustment ----------------------------------------------------------------


@pytest.mark.parametrize(
    "amount", ["+-100", "--1", "-+1", "- 1", "1.234", "1,2,3", "1e3", "１２", "٣", "0", "-0.00", ""]
)
def test_an_adjustment_amount_outside_the_grammar_is_refused(world: World, amount: str) -> None:
    with session_scope(world.engine) as session:
        before = balance(session=session, user_id=world.ids["bob"])
    card, result = _adjust(world, amount)
    assert card.action_error == MSG_ADJUST_AMOUNT and error_toasts(result)
    assert _ledger(world.engine, world.ids["bob"]) == []
    with session_scope(world.engine) as session:
        assert balance(session=session, user_id=world.ids["bob"]) == before


@pytest.mark.parametrize(
    ("amount", "minor"), [("1,5", 150), ("-0.50", -50), (" 12 ", 1200), ("+10", 1000), ("-1", -100)]
)
def test_an_adjustment_amount_is_credited_or_debited_exactly(
    world: World,
    amount: str,
    minor: int,
) -> None:
    with session_scope(world.engine) as session:
        before = balance(session=session, user_id=world.ids["bob"])
    card, _ = _adjust(world, amount)
    assert card.action_error == ""
    assert _ledger(world.engine, world.ids["bob"]) == [(minor, "Goodwill")]
    with session_scope(world.engine) as session:
        assert balance(session=session, user_id=world.ids["bob"]) == before + Money(minor, "EUR")


def test_staff_order_actions_keep_their_reason_rules(world: World) -> None:
    path = f"/orders/{world.ids['order']}"
    root, page = state_for(OrderDetailState, world.tokens["helper"], path)
    call(page, handler_of(OrderDetailState, "load"))
    result = call(page, handler_of(OrderDetailState, "staff_order_action"), {"action": "suspend", "reason": "a\x00"})
    sent_to_browser(root, result)
    assert page.staff_error == MSG_REASON_CHARACTERS
    result = call(page, handler_of(OrderDetailState, "deliver"), {"main_ip": "fe80::1%\ud800"})
    assert page.staff_error == "Enter the main IP address of the service (IPv4 or IPv6)."
    with session_scope(world.engine) as session:
        order = session.get(Order, world.ids["order"])
        assert order is not None and (order.status, order.main_ip) == ("processed", "192.0.2.10")


# ---- the HTTP routes read the same parameters ------------------------------------------------------------------


def test_routes_take_odd_query_parameters(world: World, client: TestClient) -> None:
    """The routes read their numbers, dates and texts with the same rules (Starlette decodes the URL, so no lone
    surrogate gets this far; `{invoice_id:int}` only matches ASCII digits)."""
    bob = {"cookie": f"{SESSION_COOKIE}={world.tokens['bob']}"}
    staff = {"cookie": f"{SESSION_COOKIE}={world.tokens['helper']}"}
    for url, headers, status, text in (
        (
            "/export/orders.csv?page=%C2%B2&size=%EF%BC%95%EF%BC%90&created_to=9999-12-31&ids=%C2%B2&q=%00%ED%A0%80",
            bob,
            200,
            "id,created_at,service_name",
        ),
        ("/staff/audit.csv?from=9999-12-31&actor=%00", staff, 400, "A date must look like 2025-09-03."),
        ("/staff/audit.csv?actor=%00&customer=%C2%B2", staff, 400, "No user named ²."),
        ("/invoices/99999999999999999999.pdf", bob, 404, "Invoice not found."),
        ("/invoices/%C2%B2.pdf", bob, 404, "Not Found"),
        ("/pay/invoice.pdf?t=%C2%B2%00", {}, 404, "This payment link is not valid."),
        ("/settings/confirm-email?t=%00%ED%A0%80", {}, 303, ""),
    ):
        response = client.get(url, headers=headers, follow_redirects=False)
        assert response.status_code == status and text in response.text, url
