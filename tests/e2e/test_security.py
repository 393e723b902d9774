"""What a tab keeps after its sign-in ends, and who may talk to the event socket (issue 17, items 1-3 and 8).

A victim customer with data nobody else has (e-mail, phone, address, an order's name and comment) opens
the pages that load it; the tests then look at every websocket frame the browser (or a script holding the
tab's token) receives afterwards.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocket, expect
from sqlmodel import select

from introserv_app.db.session import create_db_engine, session_scope
from introserv_app.db.tables import Order, Profile, TariffPlan
from introserv_app.services.accounts import create_user
from tests.support.browser import log_in, sign_out
from tests.support.sockets import as_text, open_socket

pytestmark = pytest.mark.e2e
PASSWORD = "security-e2e-passphrase"


@dataclass(frozen=True)
class Person:
    username: str
    email: str
    phone: str
    address: str
    order_id: int
    order_name: str
    comment: str

    def secrets(self) -> list[str]:
        """What only this customer's pages show."""
        return [self.email, self.phone, self.address, self.order_name, self.comment]


def new_person(db_url: str, prefix: str) -> Person:
    tag = secrets.token_hex(3)
    name = f"{prefix}{tag}"
    engine = create_db_engine(db_url)
    with session_scope(engine) as session:
        user = create_user(
            session=session, username=name, password=PASSWORD, email_addr=f"{name}@private.example", send_welcome=False
        )
        profile = session.get(Profile, user.id)
        assert profile is not None
        profile.first_name, profile.last_name, profile.country = "Vera", "Tajna", "CZ"
        profile.phone, profile.city, profile.address = f"+420777{int(tag, 16) % 10**6:06d}", "Praha", f"Tajná {tag} 13"
        tariff = session.exec(select(TariffPlan).where(TariffPlan.currency == "EUR")).first()
        assert tariff is not None
        order = Order(
            user_id=user.id or 0,
            service_name=f"srv-{tag}",
            tariff_id=tariff.id or 0,
            status="processed",
            paid_until=date(2030, 1, 1),
            price_minor=1000,
            currency="EUR",
            main_ip="192.0.2.77",
            comment=f"private note {tag}",
        )
        session.add(order)
        session.flush()
        person = Person(
            name, profile.email, profile.phone, profile.address, order.id or 0, order.service_name, order.comment
        )
    engine.dispose()
    return person


def open_private_pages(page: Page, server: str, who: Person) -> None:
    """The pages that put the person's data into the tab's state."""
    log_in(page, server, who.username, PASSWORD)
    page.goto(f"{server}/settings")
    expect(page.locator("#f-address")).to_have_value(who.address)
    page.goto(f"{server}/orders")
    expect(page.locator("#orders-table")).to_contain_text(who.order_name)
    page.goto(f"{server}/orders/{who.order_id}")
    expect(page.get_by_text(who.comment)).to_be_visible()


def record_frames(page: Page) -> list[str | bytes]:
    """Every websocket frame the page receives from now on (the sockets it opens after this too)."""
    frames: list[str | bytes] = []

    def watch(ws: WebSocket) -> None:
        ws.on("framereceived", lambda payload: frames.append(payload))

    page.on("websocket", watch)
    return frames


def leaked(frames: list, who: Person) -> list[str]:
    text = as_text([f.decode("utf-8", "replace") if isinstance(f, bytes) else f for f in frames])
    return [s for s in who.secrets() if s in text]


def test_after_sign_out_the_login_page_receives_nothing_of_the_user(server: str, page: Page, e2e_db_url: str) -> None:
    victim = new_person(e2e_db_url, "vera")
    open_private_pages(page, server, victim)
    frames = record_frames(page)
    sign_out(page)
    page.wait_for_timeout(1500)  # the login page's hydrate and on_load answers
    page.locator("#language-switcher").click()  # one more event on the login page
    page.get_by_role("option", name="Русский").click()
    expect(page.get_by_role("button", name="Войти", exact=True)).to_be_visible()
    page.locator("#language-switcher").click()
    page.get_by_role("option", name="English").click()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    assert any("hydrate" in str(f) or "is_hydrated" in str(f) for f in frames), "the login page was not loaded"
    assert leaked(frames, victim) == []


def test_the_next_person_signing_in_on_the_same_tab_gets_nothing_of_the_previous_one(
    server: str, page: Page, e2e_db_url: str
) -> None:
    first, second = new_person(e2e_db_url, "anna"), new_person(e2e_db_url, "boris")
    open_private_pages(page, server, first)
    sign_out(page)
    frames = record_frames(page)
    open_private_pages(page, server, second)
    assert leaked(frames, second) != []  # the frames do carry the second person's own data ...
    assert leaked(frames, first) == []  # ... and nothing of the first


def test_a_tab_token_with_another_users_cookie_reads_nothing(
    server: str, browser: Browser, context: BrowserContext, e2e_db_url: str
) -> None:
    victim, attacker = new_person(e2e_db_url, "viktor"), new_person(e2e_db_url, "mallory")
    tab = context.new_page()
    open_private_pages(tab, server, victim)
    tab.goto(f"{server}/settings")
    expect(tab.locator("#f-address")).to_have_value(victim.address)
    token = tab.evaluate("window.sessionStorage.getItem('token')")
    assert token
    tab.close()  # the victim's state stays on the server under that token

    own = browser.new_context()
    try:
        mallory = own.new_page()
        log_in(mallory, server, attacker.username, PASSWORD)
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in own.cookies())
    finally:
        own.close()
    for path in ("/settings", "/orders", f"/orders/{victim.order_id}"):
        got = open_socket(server, token, origin=server, cookie=cookie, path=path)
        assert got is not None and got, "the socket was refused"
        assert leaked(got, victim) == [], path
    # nor with no cookie at all
    got = open_socket(server, token, origin=server, path="/settings")
    assert got is not None and leaked(got, victim) == []


def test_a_copied_session_cookie_is_dead_after_sign_out(
    server: str, page: Page, context: BrowserContext, browser: Browser, e2e_db_url: str
) -> None:
    who = new_person(e2e_db_url, "cora")
    log_in(page, server, who.username, PASSWORD)
    copied = [c for c in context.cookies() if c["name"] == "introserv_session"]
    assert copied
    sign_out(page)
    other = browser.new_context()
    try:
        other.add_cookies(copied)  # type: ignore[arg-type]
        replay = other.new_page()
        replay.goto(f"{server}/settings")
        expect(replay).to_have_url(re.compile(r"/login"))
        assert replay.request.get(f"{server}/export/orders.csv").status == 401
    finally:
        other.close()


def test_another_site_cannot_sign_a_visitor_in_or_out(
    server: str, page: Page, browser: Browser, e2e_db_url: str
) -> None:
    """Login CSRF: the attacker signs in on their own machine, stops before the exchange and hands the
    ticket to the victim's browser through a form on another site. The victim stays signed out. A link to
    the sign-out URL from another site signs nobody out."""
    attacker = new_person(e2e_db_url, "eve")
    captured: dict[str, str] = {}
    own = browser.new_context()
    try:
        mine = own.new_page()

        def hold(route) -> None:  # type: ignore[no-untyped-def]
            captured["body"] = route.request.post_data or ""
            route.abort()

        mine.route("**/auth/complete", hold)
        mine.goto(f"{server}/login")
        mine.get_by_label("Username").fill(attacker.username)
        mine.get_by_label("Password").fill(PASSWORD)
        mine.get_by_role("button", name="Sign in", exact=True).click()
        mine.wait_for_timeout(3000)
    finally:
        own.close()
    assert "ticket=" in captured.get("body", "")
    # the attacker's page elsewhere posts the ticket to the panel from the victim's browser
    page.goto("about:blank")
    page.set_content(
        f'<form id="f" method="POST" action="{server}/auth/complete">'
        + "".join(
            f'<input type="hidden" name="{k}" value="{v}">'
            for k, v in (p.split("=", 1) for p in captured["body"].split("&"))
        )
        + "</form>"
    )
    page.evaluate("document.getElementById('f').submit()")
    expect(page).to_have_url(re.compile(r"/login/?\?failed=1"))
    expect(page.locator("#login-error")).to_contain_text("could not be completed")
    page.goto(f"{server}/settings")
    expect(page).to_have_url(re.compile(r"/login"))

    # a signed-in customer following a link to the sign-out URL stays signed in
    who = new_person(e2e_db_url, "finn")
    log_in(page, server, who.username, PASSWORD)
    page.goto(f"{server}/auth/logout")
    page.goto(f"{server}/settings")
    expect(page.locator("#f-address")).to_have_value(who.address)


def test_the_event_socket_needs_the_panels_own_origin(server: str) -> None:
    assert open_socket(server, "origin-check-own", origin=server, settle=0) is not None
    assert open_socket(server, "origin-check-none", origin=None, settle=0) is None
    assert open_socket(server, "origin-check-evil", origin="https://evil.example", settle=0) is None
    assert open_socket(server, "origin-check-null", origin="null", settle=0) is None


def test_a_pay_link_is_refused_outside_the_customers_ip_list(
    server: str, page: Page, browser: Browser, e2e_db_url: str
) -> None:
    from tests.support.browser import demo_id, open_orders, sql, unpaid_renewal

    _, number, _ = unpaid_renewal(e2e_db_url, 11)
    demo = demo_id(e2e_db_url)
    sql(e2e_db_url, "UPDATE profiles SET pay_without_auth = ? WHERE user_id = ?", True, demo)
    open_orders(page, server)
    page.goto(f"{server}/settings")
    for note in ("#pay-link-ip-note", "#ip-pay-link-note"):  # next to both options
        expect(page.locator(note)).to_have_text(
            "With IP restrictions set, pay links and their PDFs work only from the listed addresses."
        )
    page.goto(f"{server}/invoices?status=unpaid&number={number}")
    page.locator(f'.invoice-row[data-number="{number}"] .invoice-link').click()
    url = page.locator("#pay-link-url").input_value()
    path = url[url.index("/pay?t=") :]
    stranger = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        sql(e2e_db_url, "UPDATE profiles SET ip_restrictions = ? WHERE user_id = ?", "10.0.0.0/8", demo)
        payer = stranger.new_page()
        payer.goto(server + path)
        expect(payer.locator("#paylink-error")).to_contain_text("IP restrictions")
        expect(payer.locator("#paylink-number")).to_have_count(0)
        expect(payer.locator("#paylink-pay")).to_have_count(0)
        pdf = stranger.request.get(server + "/pay/invoice.pdf?" + path.split("?", 1)[1])
        assert pdf.status == 404 and "IP restrictions" in pdf.text()
        sql(e2e_db_url, "UPDATE profiles SET ip_restrictions = ? WHERE user_id = ?", "127.0.0.1\n::1", demo)
        payer.goto(server + path)
        expect(payer.locator("#paylink-number")).to_contain_text(number)
    finally:
        sql(
            e2e_db_url,
            "UPDATE profiles SET ip_restrictions = ?, pay_without_auth = ? WHERE user_id = ?",
            "",
            False,
            demo,
        )
        stranger.close()


def test_tab_tokens_come_from_the_browsers_cryptographic_random_source(server: str, browser: Browser) -> None:
    """With Math.random and the clocks made constant, Reflex's own generator gives every tab the same token;
    ours (web/tab_token.py) still gives each tab its own random one."""
    frozen = "Math.random = () => 0.5; Date.prototype.getTime = () => 0; performance.now = () => 0;"
    tokens = []
    for _ in range(2):
        ctx = browser.new_context()
        try:
            ctx.add_init_script(frozen)
            tab = ctx.new_page()
            tab.goto(f"{server}/login")
            expect(tab.get_by_label("Username")).to_be_visible()
            tab.wait_for_function("window.sessionStorage.getItem('token') !== null")
            tokens.append(tab.evaluate("window.sessionStorage.getItem('token')"))
        finally:
            ctx.close()
    uuid4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
    assert all(uuid4.fullmatch(t) for t in tokens), tokens
    assert tokens[0] != tokens[1]


def test_someone_guessing_a_password_slows_down_but_the_owners_browser_signs_in_and_support_sees_it(
    server: str, page: Page, browser: Browser, e2e_db_url: str
) -> None:
    from tests.support.browser import SUPPORT

    owner = new_person(e2e_db_url, "olga")
    log_in(page, server, owner.username, PASSWORD)  # the owner's browser gets its device cookie
    sign_out(page)
    attacker_ctx = browser.new_context()
    try:
        attacker = attacker_ctx.new_page()
        attacker.goto(f"{server}/login")
        for _ in range(5):
            attacker.get_by_label("Username").fill(owner.username)
            attacker.get_by_label("Password").fill("a-wrong-guess")
            attacker.get_by_role("button", name="Sign in", exact=True).click()
            expect(attacker.locator("#login-error")).to_have_text("Invalid username or password.")
            attacker.get_by_label("Password").fill("")
        attacker.get_by_label("Password").fill(PASSWORD)  # even the right password must wait now
        attacker.get_by_role("button", name="Sign in", exact=True).click()
        expect(attacker.locator("#login-error")).to_contain_text("Too many failed attempts. Try again in")
    finally:
        attacker_ctx.close()
    # same address, but the browser that signed in before is not held back by the attacker's failures
    log_in(page, server, owner.username, PASSWORD)
    expect(page.locator("#user-menu")).to_contain_text(owner.username)
    sign_out(page)
    log_in(page, server, SUPPORT.username, SUPPORT.password)
    uid = sql_one(e2e_db_url, "SELECT id FROM users WHERE username = ?", owner.username)
    page.goto(f"{server}/staff/customers/{uid}")
    expect(page.locator("#sign-in-attempts")).to_contain_text("Failed sign-ins: 5 in the last 24 hours")
    expect(page.locator("#sign-in-attempts")).to_contain_text("from 1 addresses. Attempts made to wait: 1.")
    expect(page.locator(".attempt-ip")).to_have_text(["127.0.0.1: 5"])


def sql_one(db_url: str, query: str, *params: object) -> object:
    from tests.support.browser import sql

    return sql(db_url, query, *params)[0][0]
