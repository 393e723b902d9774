"""The sections of the Settings form (one Save for all of them)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.translate import t
from introserv_app.domain.money import CURRENCIES
from introserv_app.i18n import LANGUAGE_NAMES
from introserv_app.pages.settings.fields import (
    check_field,
    field_error,
    field_label,
    field_row,
    section,
    select_field,
    text_field,
)
from introserv_app.state.phone import PhoneState
from introserv_app.state.settings import SettingsState as S
from introserv_app.state.tickets import TicketFormState


def account() -> rx.Component:
    return section(
        t("Account"),
        field_row(
            rx.vstack(
                field_label(t("Username"), "f-username"),
                rx.input(value=S.username, read_only=True, id="f-username", width="100%"),
                spacing="1",
                width="100%",
            ),
            select_field(
                "profile_type", t("Profile type"), [("individual", t("Individual")), ("company", t("Company"))]
            ),
        ),
        field_row(
            text_field("company_name", t("Company name"), max_length=255),
            text_field("company_reg_number", t("Registration number"), max_length=64),
            text_field("vat_number", t("VAT number"), max_length=32, placeholder="DE123456789"),
        ),
        rx.cond(
            S.company_verification == "pending",
            rx.callout(
                t("Your company profile is being verified by support; invoices can be paid once it is verified."),
                icon="clock",
                color_scheme="orange",
                size="1",
                id="company-pending",
            ),
        ),
        rx.hstack(
            rx.text(t("Country"), ": ", rx.text.strong(S.country), size="2"),
            rx.button(
                t("Request change"),
                type="button",
                size="1",
                variant="soft",
                on_click=TicketFormState.open_subject(t("Country change request")),
                id="country-change",
            ),
            rx.link(t("VAT rates by country"), href="/vat", size="2", id="settings-vat-link"),
            align="center",
        ),
        section_id="settings-account",
    )


def contact() -> rx.Component:
    return section(
        t("Contact information"),
        field_row(
            text_field("last_name", t("Last name"), required=True),
            text_field("first_name", t("First name"), required=True),
        ),
        rx.hstack(
            rx.vstack(
                field_label(t("Email"), "f-email", True),
                rx.hstack(
                    rx.input(value=S.email, read_only=True, id="f-email", width="18em"),
                    rx.cond(
                        S.email_confirmed,
                        rx.badge(t("Confirmed"), color_scheme="green", id="email-status"),
                        rx.badge(t("Not confirmed"), color_scheme="orange", id="email-status"),
                    ),
                    rx.button(
                        t("Change email"),
                        type="button",
                        size="1",
                        variant="soft",
                        on_click=S.open_dialog("email"),
                        id="email-change",
                    ),
                    rx.cond(
                        ~S.email_confirmed & (S.email != ""),
                        rx.button(
                            t("Send confirmation"),
                            type="button",
                            size="1",
                            variant="ghost",
                            on_click=S.confirm_current_email,
                        ),
                    ),
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(
                    S.pending_email != "",
                    rx.text(t("Waiting for confirmation"), ": ", S.pending_email, size="1", color_scheme="gray"),
                ),
                spacing="1",
            ),
        ),
        rx.hstack(
            rx.box(
                text_field(
                    "phone",
                    t("Mobile phone"),
                    required=True,
                    max_length=32,
                    placeholder="+49 30 123456",
                    input_mode="tel",
                ),
                width="18em",
            ),
            rx.cond(
                S.phone_verified,
                rx.badge(t("Verified"), color_scheme="green", id="phone-status"),
                rx.button(
                    t("Verify"),
                    type="button",
                    size="1",
                    variant="soft",
                    on_click=[S.open_dialog("phone"), PhoneState.open],
                    id="phone-verify",
                ),
            ),
            align="center",
        ),
        rx.hstack(
            rx.text(t("Call password verification"), ": ", size="2"),
            rx.cond(
                S.call_password_set,
                rx.badge(t("Set"), color_scheme="green"),
                rx.badge(t("Not set"), color_scheme="gray"),
            ),
            rx.button(
                t("Set call password"), type="button", size="1", variant="soft", on_click=S.open_dialog("call_password")
            ),
            align="center",
        ),
        section_id="settings-contact",
    )


def address() -> rx.Component:
    return section(
        t("Postal address"),
        field_row(
            rx.vstack(
                field_label(t("Country"), "f-country"),
                rx.input(value=S.country, read_only=True, id="f-country", width="100%"),
                spacing="1",
                width="100%",
            ),
            text_field("region", t("Region")),
            text_field("city", t("City"), required=True),
        ),
        field_row(
            text_field("address", t("Street address"), required=True, max_length=255),
            text_field("postal_code", t("Postal code"), max_length=20),
        ),
        section_id="settings-address",
    )


def notifications() -> rx.Component:
    return section(
        t("Notifications"),
        check_field("newsletter", t("Newsletter: news, updates and offers by email")),
        rx.box(
            text_field(
                "low_balance_threshold",
                t("Notify me when the balance falls below"),
                max_length=20,
                input_mode="decimal",
            ),
            max_width="20em",
        ),
        field_row(
            text_field("email_invoices", t("Email for invoices and orders"), max_length=254, placeholder=S.email),
            text_field("email_support", t("Email for support"), max_length=254, placeholder=S.email),
            text_field("email_complaints", t("Email for complaints"), max_length=254, placeholder=S.email),
        ),
        section_id="settings-notifications",
    )


def billing() -> rx.Component:
    return section(
        t("Billing and interface"),
        field_row(
            select_field(
                "auto_renew",
                t("Automatic service renewal"),
                [
                    ("1", t("Enabled: renew from the balance when it is sufficient")),
                    ("", t("Disabled: renew manually")),
                ],
            ),
            select_field(
                "currency",
                t("Site currency"),
                [(c, c) for c in CURRENCIES],
                disabled=S.currency_locked,
            ),
            select_field("language", t("Interface language"), list(LANGUAGE_NAMES.items())),
        ),
        rx.cond(
            S.currency_locked,
            rx.fragment(
                rx.el.input(type="hidden", name="currency", value=S.form["currency"]),
                rx.text(
                    t("The currency can change only while the balance is zero and no invoice is unpaid."),
                    size="1",
                    color_scheme="gray",
                ),
            ),
        ),
        check_field(
            "pay_without_auth",
            t("Payment without authorization: invoices can be paid through their pay links without logging in"),
        ),
        pay_link_ip_note("pay-link-ip-note"),
        section_id="settings-billing",
    )


def pay_link_ip_note(note_id: str) -> rx.Component:
    """Shown next to both settings it links: pay links obey the IP restrictions too."""
    return rx.text(
        t("With IP restrictions set, pay links and their PDFs work only from the listed addresses."),
        size="1",
        color_scheme="gray",
        id=note_id,
    )


def security() -> rx.Component:
    return section(
        t("Security"),
        rx.hstack(
            rx.text(t("Code word"), ": ", size="2"),
            rx.cond(
                S.code_word_set,
                rx.badge(t("Set (support can reset it)"), color_scheme="green", id="code-word-status"),
                rx.button(
                    t("Set code word"),
                    type="button",
                    size="1",
                    variant="soft",
                    on_click=S.open_dialog("code_word"),
                    id="code-word-set",
                ),
            ),
            align="center",
        ),
        rx.vstack(
            field_label(t("IP restrictions for billing"), "f-ip_restrictions"),
            rx.text(
                t(
                    "One per line: an address (203.0.113.7), a network (203.0.113.0/24) or a range "
                    "(203.0.113.1-203.0.113.9). Empty: no restriction. Wrong entries can lock you out."
                ),
                size="1",
                color_scheme="gray",
            ),
            rx.text_area(
                name="ip_restrictions",
                id="f-ip_restrictions",
                default_value=S.form["ip_restrictions"],
                rows="4",
                width="100%",
                max_length=5000,
            ),
            field_error("ip_restrictions"),
            pay_link_ip_note("ip-pay-link-note"),
            spacing="1",
            width="100%",
        ),
        rx.box(
            text_field(
                "current_password",
                t("Current password (needed to change the IP restrictions)"),
                max_length=128,
                type="password",
                auto_complete="current-password",
            ),
            max_width="24em",
        ),
        check_field("display_last_ip", t("Display the last login IP")),
        rx.cond(
            S.last_login != "",
            rx.text(t("Previous sign-in"), ": ", S.last_login, size="2", id="last-login"),
        ),
        rx.cond(
            S.logins.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                rx.text(t("The last 20 sign-ins"), size="2", weight="medium"),
                rx.table.root(
                    rx.table.body(
                        rx.foreach(
                            S.logins,
                            lambda r: rx.table.row(
                                rx.table.cell(r["at"]),
                                rx.table.cell(rx.code(r["ip"], variant="ghost")),
                                rx.table.cell(rx.cond(r["ok"] == "1", t("Signed in"), t("Failed"))),
                            ),
                        )
                    ),
                    size="1",
                    id="recent-logins",
                ),
                spacing="1",
            ),
        ),
        rx.button(
            t("Change password"),
            type="button",
            variant="soft",
            on_click=S.open_dialog("password"),
            id="password-change",
            width="fit-content",
        ),
        section_id="settings-security",
    )
