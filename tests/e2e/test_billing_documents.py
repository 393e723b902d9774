"""Invoice PDFs, paying through a pay link, ordering a new service, the order page and a ticket."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from introserv_app.db.session import create_db_engine, session_scope
from introserv_app.domain.money import Money
from introserv_app.services.billing import post
from tests.support.browser import ADMIN, SUPPORT, demo_id, log_in, open_orders, sql, unpaid_renewal

pytestmark = pytest.mark.e2e


def fund(db: str, minor: int, key: str) -> None:
    engine = create_db_engine(db)
    with session_scope(engine) as session:
        post(session=session, user_id=demo_id(db), kind="topup", amount=Money(minor, "EUR"), idem_key=key)
    engine.dispose()


def test_open_an_invoice_pdf_from_the_invoices_page(server: str, page: Page, e2e_db_url: str) -> None:
    _, number, _ = unpaid_renewal(e2e_db_url, 8)
    open_orders(page, server)
    page.goto(f"{server}/invoices?number={number}")
    row = page.locator(f'.invoice-row[data-number="{number}"]')
    expect(row).to_have_count(1)
    link = row.locator(".invoice-pdf")
    href = link.get_attribute("href")
    assert href and re.fullmatch(r"/invoices/\d+\.pdf\?lang=en", href)
    with page.expect_popup() as opened:
        link.click()  # opens in a new tab, with the session cookie
    assert opened.value.url.endswith(href)
    response = page.context.request.get(server + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
    assert f"Invoice {number}" in text and "Unpaid" in text and "€10.00" in text
    ru = page.context.request.get(server + href.replace("lang=en", "lang=ru"))
    assert f"Счёт {number}" in PdfReader(io.BytesIO(ru.body())).pages[0].extract_text()
    anonymous = page.context.browser.new_context()  # type: ignore[union-attr]
    assert anonymous.request.get(server + href, max_redirects=0).status == 303  # to the login page
    anonymous.close()


def test_pay_an_invoice_through_its_pay_link_without_logging_in(
    server: str, page: Page, browser: Browser, e2e_db_url: str
) -> None:
    oid, number, paid_until = unpaid_renewal(e2e_db_url, 9)
    open_orders(page, server)
    page.goto(f"{server}/invoices?status=unpaid&number={number}")
    row = page.locator(f'.invoice-row[data-number="{number}"]')
    row.locator(".invoice-link").click()
    expect(page.locator("#pay-link-error")).to_contain_text("Payment Without Authorization")  # off by default
    page.keyboard.press("Escape")
    sql(e2e_db_url, "UPDATE profiles SET pay_without_auth = ? WHERE user_id = ?", True, demo_id(e2e_db_url))
    row.locator(".invoice-link").click()
    url = page.locator("#pay-link-url").input_value()
    path = url[url.index("/pay?t=") :]

    stranger = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    payer = stranger.new_page()
    payer.goto(server + path[:-1] + ("0" if path[-1] != "0" else "1"))  # a tampered link
    expect(payer.locator("#paylink-error")).to_contain_text("not valid")
    payer.goto(server + path)
    expect(payer.locator("#paylink-number")).to_contain_text(number)
    expect(payer.locator("#paylink-status")).to_have_text("Unpaid")
    expect(payer.locator("#paylink-method")).to_have_value("demo")
    payer.locator("#paylink-pay").click()
    expect(payer).to_have_url(re.compile(r"/checkout/demo/demo_"))
    payer.locator("#demo-decline").click()
    expect(payer.locator("#payment-text")).to_have_text("The payment was declined. Nothing was charged.")
    expect(payer.locator("#paylink-status")).to_have_text("Unpaid")
    payer.locator("#paylink-pay").click()
    payer.locator("#demo-pay").click()
    expect(payer.locator("#payment-text")).to_have_text(f"Thank you: invoice {number} is paid.")
    expect(payer.locator("#paylink-status")).to_have_text("Paid")
    expect(payer.locator("#paylink-pay")).to_have_count(0)
    stranger.close()
    assert sql(e2e_db_url, "SELECT status FROM invoices WHERE number = ?", number)[0][0] == "paid"
    assert sql(e2e_db_url, "SELECT paid_until FROM orders WHERE id = ?", oid)[0][0] > paid_until
    kinds = sql(
        e2e_db_url,
        "SELECT kind, amount_minor FROM ledger_entries WHERE invoice_id = (SELECT id FROM invoices WHERE number = ?)",
        number,
    )
    assert sorted(kinds) == [("charge", -1000), ("topup", 1000)]  # paid by card: the balance is untouched


def test_order_a_service_pay_it_manage_it_and_open_a_ticket(server: str, page: Page, e2e_db_url: str) -> None:
    fund(e2e_db_url, 10_000, "e2e-new-order-funds-01")
    open_orders(page, server)
    page.locator("a.nav-link", has_text="Order a service").first.click()
    expect(page).to_have_url(re.compile(r"/order$"))
    page.locator('.catalog-item[data-tariff="VPS S (1 vCPU, 2 GB)"] .catalog-order').click()
    page.locator("#order-period").select_option("3")
    assert sql(e2e_db_url, "SELECT country FROM profiles WHERE user_id = ?", demo_id(e2e_db_url)) == [("DE",)]
    expect(page.locator("#order-total")).to_have_text("€13.57")  # 3 months at 5 % off = 11.40 + German VAT 19 %
    page.locator("#order-confirm").click()
    expect(page).to_have_url(re.compile(r"/invoices\?order=\d+&status=unpaid"))
    order_id = int(re.search(r"order=(\d+)", page.url).group(1))  # type: ignore[union-attr]
    assert sql(e2e_db_url, "SELECT status, paid_until FROM orders WHERE id = ?", order_id) == [("not_processed", None)]
    page.locator(".invoice-row .invoice-pay").click()
    expect(page.locator("[data-sonner-toast]", has_text=re.compile(r"Invoice \d{4}-\d{6} is paid\."))).to_be_visible()
    assert sql(e2e_db_url, "SELECT status FROM orders WHERE id = ?", order_id)[0][0] == "processing"

    page.goto(f"{server}/orders/{order_id}")
    expect(page.locator("#order-status")).to_contain_text("Processing")
    expect(page.locator("#order-timeline")).to_contain_text("Paid")
    expect(page.locator("#order-timeline")).to_contain_text("Order created")
    expect(page.locator("#order-invoices")).to_contain_text("€11.40")
    page.locator("#order-ticket").click()
    page.locator("#ticket-category").select_option("technical")
    page.locator("#ticket-message").fill("Please install Debian 12 on this server.")
    page.locator("#ticket-submit").click()
    expect(page).to_have_url(re.compile(r"/tickets/\d+$"))
    expect(page.locator(".ticket-message")).to_contain_text("Please install Debian 12 on this server.")
    page.goto(f"{server}/orders/{order_id}")
    name = sql(e2e_db_url, "SELECT service_name FROM orders WHERE id = ?", order_id)[0][0]
    expect(page.locator("#order-tickets")).to_contain_text(f"Order {name}")  # the subject prefilled from the order
    other = sql(e2e_db_url, "SELECT id FROM orders WHERE user_id != ? LIMIT 1", demo_id(e2e_db_url))[0][0]
    page.goto(f"{server}/orders/{other}")
    expect(page.locator("#order-not-found")).to_have_text("Order not found.")


def test_an_admin_changes_a_tariff_price_in_the_catalog(server: str, page: Page, e2e_db_url: str) -> None:
    log_in(page, server, ADMIN.username, ADMIN.password)
    page.goto(f"{server}/staff/tariffs")
    row = page.locator('.tariff-row[data-code="storage-1t"]')
    row.locator(".tariff-edit").click()
    page.locator("#tariff-p1").fill("-5")
    page.locator("#tariff-save").click()
    expect(page.locator("#tariff-error")).to_contain_text("Prices are amounts from 0")
    page.locator("#tariff-p1").fill("13.50")
    page.locator("#tariff-save").click()
    expect(page.get_by_text("Tariff storage-1t is saved.")).to_be_visible()
    expect(row).to_contain_text("€13.50")
    prices = sql(e2e_db_url, "SELECT CAST(prices_minor AS TEXT) FROM tariff_plans WHERE code = 'storage-1t'")[0][0]
    assert '"1": 1350' in prices


def test_pay_online_through_the_demo_checkout_then_support_refunds_with_a_credit_note(
    server: str, page: Page, browser: Browser, e2e_db_url: str
) -> None:
    _, number, _ = unpaid_renewal(e2e_db_url, 12)
    open_orders(page, server)
    page.goto(f"{server}/invoices?status=unpaid&number={number}")
    page.locator(f'.invoice-row[data-number="{number}"] .invoice-pay-online').click()
    expect(page.locator("#checkout-invoice")).to_contain_text(number)
    page.locator("#topup-submit").click()
    expect(page.locator("#demo-amount")).to_have_text("€10.00")
    page.locator("#demo-pay").click()
    expect(page).to_have_url(re.compile(r"/payments/\d+$"))
    expect(page.locator("#payment-text")).to_have_text(f"Thank you: invoice {number} is paid.")
    expect(page.locator("#payment-invoice")).to_have_text(number)
    assert sql(e2e_db_url, "SELECT status FROM invoices WHERE number = ?", number) == [("paid",)]
    payment_id = int(page.url.rsplit("/", 1)[1])

    desk = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    staff = desk.new_page()
    log_in(staff, server, SUPPORT.username, SUPPORT.password)
    staff.goto(f"{server}/staff/customers/{demo_id(e2e_db_url)}")
    row = staff.locator(f'.payment-row[data-id="{payment_id}"]')
    expect(row.locator(".payment-state")).to_have_text("Paid")
    row.locator(".payment-events summary").click()
    expect(row.locator(".payment-events pre")).to_contain_text("webhook · applied")
    row.locator(".payment-refund").click()
    staff.locator("#refund-amount").fill("12")
    staff.locator("#refund-reason").fill("Outage on the 1st")
    staff.locator("#refund-submit").click()
    expect(staff.locator("#refund-error")).to_have_text("Tick the box to confirm the refund.")
    staff.locator("#refund-confirm").check()
    staff.locator("#refund-submit").click()
    expect(staff.locator("#refund-error")).to_have_text("At most €10.00 of this payment can still be refunded.")
    staff.locator("#refund-amount").fill("4.00")
    staff.locator("#refund-submit").click()
    expect(staff.get_by_text("€4.00 refunded through the payment provider.")).to_be_visible()
    note = staff.locator("#customer-credit-notes .credit-note-pdf").first
    expect(note).to_have_text(re.compile(r"CN-\d{4}-\d{6}"))
    href = note.get_attribute("href")
    pdf = desk.request.get(server + str(href))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text()
    assert "Credit note" in text and number in text and "-€4.00" in text
    desk.close()
    # the customer sees the credit note with the invoices
    page.goto(f"{server}/invoices")
    expect(page.locator("#credit-notes-table")).to_contain_text(number)
    assert sql(e2e_db_url, "SELECT refunded_minor FROM payments WHERE id = ?", payment_id) == [(400,)]
