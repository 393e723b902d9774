"""Invoice PDFs, invoice filters and pay links, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.db.tables import Invoice, Order, Profile
from introserv_app.domain.roles import Role
from introserv_app.services.billing import (
    MSG_ENABLE_FIRST,
    MSG_LINK_DISABLED,
    MSG_LINK_EXPIRED,
    MSG_LINK_INVALID,
    MSG_LINK_IP_BLOCKED,
    invoice_document,
    invoices_page,
    link_document,
    open_link_payment,
    pay_link,
    read_token,
    render_invoice_pdf,
    renew,
)
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from tests.support.billing import NOW, ledger, who

KEY = "dialog-key-000000000001"


def payments(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM payments")).scalar_one())


@pytest.fixture(autouse=True)
def seller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTROSERV_SELLER_COUNTRY", "NL")
    monkeypatch.setenv("INTROSERV_SELLER_VAT_NUMBER", "NL004495445B01")
    monkeypatch.setenv("INTROSERV_SELLER_NAME", "INTROSERV B.V.")
    monkeypatch.setenv("INTROSERV_SELLER_ADDRESS", "Keizersgracht 1; 1015 CJ Amsterdam")
    monkeypatch.setenv("INTROSERV_VIES", "off")
    monkeypatch.setenv("INTROSERV_PAYMENT_PROVIDERS", "demo")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def unpaid_invoice(engine: Engine, shop: dict[str, int], key: str = KEY, months: int = 3) -> int:
    with session_scope(engine) as session:
        result = renew(session=session, viewer=who(shop), items=[(shop["active"], months)], idem_key=key, now=NOW)
    assert not result.paid
    return result.invoice_id


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def staff() -> Viewer:
    return Viewer(user_id=0, username="support", role=Role.SUPPORT, session_id=0, language="en")


def test_the_pdf_is_in_the_readers_language_with_lines_and_vat(engine: Engine, shop: dict[str, int]) -> None:
    with session_scope(engine) as session:
        profile = session.get(Profile, shop["user"])
        profile.first_name, profile.last_name, profile.city = "Aino", "Virtanen", "Helsinki"  # type: ignore[union-attr]
    invoice_id = unpaid_invoice(engine, shop)
    with session_scope(engine) as session:  # a later change of the profile does not rewrite an issued invoice
        profile = session.get(Profile, shop["user"])
        profile.first_name, profile.city = "Changed", "Elsewhere"  # type: ignore[union-attr]
    with session_scope(engine) as session:
        en = pdf_text(
            render_invoice_pdf(invoice_document(session=session, viewer=who(shop), invoice_id=invoice_id, lang="en"))
        )
        ru = pdf_text(
            render_invoice_pdf(invoice_document(session=session, viewer=who(shop), invoice_id=invoice_id, lang="ru"))
        )
        number = session.get(Invoice, invoice_id).number  # type: ignore[union-attr]
    # 3 months of VPS S: 11.40 net, Finnish VAT 25.5 % = 2.91, 14.31 in total
    for text in (en, ru):
        assert number in text and "sactive" in text and "VPS S" in text and "INTROSERV B.V." in text
        assert "Aino Virtanen" in text and "Helsinki" in text and "NL004495445B01" in text
        assert "Changed" not in text and "Elsewhere" not in text
    assert "Invoice" in en and "€11.40" in en and "€2.91" in en and "€14.31" in en and "25.5 %" in en
    assert "Finland" in en and "Unpaid" in en and "3 mo." in en
    assert "Счёт" in ru and "11,40" in ru and "2,91" in ru and "14,31" in ru and "25,5 %" in ru
    assert "Финляндия" in ru and "Не оплачен" in ru and "3 мес." in ru


def test_a_reverse_charge_invoice_names_both_vat_numbers(engine: Engine, shop: dict[str, int]) -> None:
    with session_scope(engine) as session:
        profile = session.get(Profile, shop["user"])
        assert profile is not None
        profile.profile_type, profile.company_name = "company", "Oy Esimerkki Ab"
        profile.company_verification = "verified"
        profile.vat_number, profile.vat_valid = "FI20774740", True
    invoice_id = unpaid_invoice(engine, shop)
    with session_scope(engine) as session:
        text = pdf_text(
            render_invoice_pdf(invoice_document(session=session, viewer=who(shop), invoice_id=invoice_id, lang="en"))
        )
    assert "Reverse charge" in text and "FI20774740" in text and "NL004495445B01" in text
    assert "Oy Esimerkki Ab" in text and "€11.40" in text and "VAT 0 %" in text


def test_another_customers_invoice_is_refused_and_audited_staff_may_read_it(
    engine: Engine, shop: dict[str, int]
) -> None:
    invoice_id = unpaid_invoice(engine, shop)
    stranger = Viewer(user_id=shop["other"], username="other", role=Role.CUSTOMER, session_id=0, language="en")
    with session_scope(engine) as session, pytest.raises(ServiceError):
        invoice_document(session=session, viewer=stranger, invoice_id=invoice_id, lang="en")
    with session_scope(engine) as session, pytest.raises(ServiceError):
        invoice_document(session=session, viewer=stranger, invoice_id=10**12, lang="en")
    with session_scope(engine) as session:
        denied = session.execute(
            sa.text("SELECT count(*) FROM audit_events WHERE action = 'access.denied' AND actor_id = :u"),
            {"u": shop["other"]},
        ).scalar_one()
        assert denied == 2
        assert invoice_document(session=session, viewer=staff(), invoice_id=invoice_id, lang="en").number


def test_invoices_filter_by_number_and_issue_date(engine: Engine, shop: dict[str, int]) -> None:
    first = unpaid_invoice(engine, shop, key="dialog-key-000000000001")
    with session_scope(engine) as session:
        later = renew(
            session=session,
            viewer=who(shop),
            items=[(shop["active2"], 1)],
            idem_key="dialog-key-000000000002",
            now=NOW + timedelta(days=3),
        ).invoice_id
        numbers = {i.id: i.number for i in session.query(Invoice).all()}
    with session_scope(engine) as session:

        def ids(**kw: object) -> list[int]:
            return [r.id for r in invoices_page(session=session, viewer=who(shop), **kw).rows]  # type: ignore[arg-type]

        assert ids(number=numbers[first]) == [first]
        assert sorted(ids(number=str(NOW.year))) == sorted([first, later])
        assert ids(number="x' OR 1=1 --") == sorted([later, first], reverse=True)  # not a number: ignored
        assert ids(issued_from=NOW.date() + timedelta(days=1)) == [later]
        assert ids(issued_to=NOW.date()) == [first]
        assert ids(issued_from=NOW.date(), issued_to=NOW.date() + timedelta(days=3)) == [later, first]
        assert ids(issued_from=date(2030, 1, 1)) == []


ANYWHERE = "198.51.100.23"


def allow_links(engine: Engine, user_id: int, on: bool = True) -> None:
    with session_scope(engine) as session:
        session.get(Profile, user_id).pay_without_auth = on  # type: ignore[union-attr]


def test_a_pay_link_needs_the_setting_and_cannot_be_tampered_with(engine: Engine, shop: dict[str, int]) -> None:
    invoice_id = unpaid_invoice(engine, shop)
    with session_scope(engine) as session, pytest.raises(ServiceError) as refused:
        pay_link(session=session, viewer=who(shop), invoice_id=invoice_id, now=NOW)
    assert refused.value.message == MSG_ENABLE_FIRST
    allow_links(engine, shop["user"])
    with session_scope(engine) as session:
        link = pay_link(session=session, viewer=who(shop), invoice_id=invoice_id, now=NOW)
    token = link.url.split("?t=", 1)[1]
    assert link.url.startswith(get_settings().base_url + "/pay?t=")
    assert read_token(token, now=NOW) == (invoice_id, shop["user"])
    inv, uid, exp, sig = token.split(".")
    for forged in (
        f"{int(inv) + 1}.{uid}.{exp}.{sig}",  # another invoice
        f"{inv}.{uid}.{int(exp) + 86400}.{sig}",  # a later expiry
        f"{inv}.{uid}.{exp}.{sig[:-1]}{'1' if sig[-1] == '0' else '0'}",  # another signature
        "", "1.2.3", "a" * 500,
    ):  # fmt: skip
        with pytest.raises(ServiceError) as bad:
            read_token(forged, now=NOW)
        assert bad.value.message == MSG_LINK_INVALID
    with pytest.raises(ServiceError) as late:
        read_token(token, now=link.expires_at)
    assert late.value.message == MSG_LINK_EXPIRED
    with session_scope(engine) as session:
        assert link_document(session=session, token=token, lang="en", ip=ANYWHERE, now=NOW).number
    allow_links(engine, shop["user"], on=False)  # switching the setting off disables the link
    with session_scope(engine) as session, pytest.raises(ServiceError) as off:
        link_document(session=session, token=token, lang="en", ip=ANYWHERE, now=NOW)
    assert off.value.message == MSG_LINK_DISABLED
    stranger = Viewer(user_id=shop["other"], username="other", role=Role.CUSTOMER, session_id=0, language="en")
    allow_links(engine, shop["other"])
    with session_scope(engine) as session, pytest.raises(ServiceError):
        pay_link(session=session, viewer=stranger, invoice_id=invoice_id, now=NOW)


def test_a_link_to_a_cancelled_order_is_refused_before_a_checkout_is_made(engine: Engine, shop: dict[str, int]) -> None:
    invoice_id = unpaid_invoice(engine, shop)
    allow_links(engine, shop["user"])
    with session_scope(engine) as session:
        token = pay_link(session=session, viewer=who(shop), invoice_id=invoice_id, now=NOW).url.split("?t=")[1]
        session.get(Order, shop["active"]).status = "cancelled"  # type: ignore[union-attr]
    with session_scope(engine) as session, pytest.raises(ServiceError):
        open_link_payment(
            session=session, token=token, provider="demo", idem_key="paylink-page-000000000001", ip=ANYWHERE
        )
    assert ledger(engine, shop["user"]) == [] and payments(engine) == 0


def test_the_pay_link_pdf_route_serves_only_a_genuine_link(
    engine: Engine, shop: dict[str, int], client: TestClient
) -> None:
    invoice_id = unpaid_invoice(engine, shop)
    allow_links(engine, shop["user"])
    with session_scope(engine) as session:
        token = pay_link(session=session, viewer=who(shop), invoice_id=invoice_id).url.split("?t=")[1]
    good = client.get("/pay/invoice.pdf", params={"t": token, "lang": "ru"})
    assert good.status_code == 200 and good.headers["content-type"] == "application/pdf"
    assert good.headers["cache-control"] == "no-store"
    assert "Счёт" in pdf_text(good.content)
    forged = client.get("/pay/invoice.pdf", params={"t": token[:-1] + ("0" if token[-1] != "0" else "1")})
    assert forged.status_code == 404 and forged.text == "This payment link is not valid. Ask for a new one."
    # the signed-in route: no cookie, no PDF
    assert client.get(f"/invoices/{invoice_id}.pdf", follow_redirects=False).status_code == 303


def test_pay_links_honour_the_owners_ip_restrictions(engine: Engine, shop: dict[str, int], client: TestClient) -> None:
    """Issue 17, item 7: with an IP list, a pay link, its PDF and its payment work only from listed addresses."""
    invoice_id = unpaid_invoice(engine, shop)
    allow_links(engine, shop["user"])
    with session_scope(engine) as session:
        token = pay_link(session=session, viewer=who(shop), invoice_id=invoice_id, now=NOW).url.split("?t=")[1]
        session.get(Profile, shop["user"]).ip_restrictions = "10.0.0.0/8\n192.0.2.1-192.0.2.9"  # type: ignore[union-attr]
    for outside in (ANYWHERE, "", "10.0.0.x", "192.0.2.10", "::ffff:198.51.100.23"):
        with session_scope(engine) as session, pytest.raises(ServiceError) as shown:
            link_document(session=session, token=token, lang="en", ip=outside, now=NOW)
        assert shown.value.message == MSG_LINK_IP_BLOCKED
        with session_scope(engine) as session, pytest.raises(ServiceError) as paid:
            open_link_payment(
                session=session, token=token, provider="demo", idem_key="paylink-page-0000000ip001", ip=outside, now=NOW
            )
        assert paid.value.message == MSG_LINK_IP_BLOCKED
    assert payments(engine) == 0 and ledger(engine, shop["user"]) == []
    with session_scope(engine) as session:
        assert session.get(Invoice, invoice_id).status == "unpaid"  # type: ignore[union-attr]
        refusals = session.connection().execute(
            sa.text("SELECT count(*) FROM audit_events WHERE action = 'invoice.pay_link' AND success = :f"),
            {"f": False},
        )
        assert refusals.scalar_one() == 10  # each refusal is audited
    # the PDF route, from the test client's address (not in the list): nothing shown
    pdf = client.get("/pay/invoice.pdf", params={"t": token})
    assert pdf.status_code == 404 and "IP restrictions" in pdf.text and pdf.headers["content-type"].startswith("text")
    # inside the list the link works as before
    with session_scope(engine) as session:
        assert link_document(session=session, token=token, lang="en", ip="10.20.30.40", now=NOW).number
    with session_scope(engine) as session:
        draft = open_link_payment(
            session=session, token=token, provider="demo", idem_key="paylink-page-0000000ip002", ip="192.0.2.5", now=NOW
        )
    assert draft.request.amount.minor == 1431 and payments(engine) == 1
