"""/settings: every field of the profile document, in sections, one Save; dialogs for the secrets."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import shell
from introserv_app.components.tickets import ticket_dialog
from introserv_app.components.translate import t
from introserv_app.domain.money import CURRENCIES
from introserv_app.i18n import LANGUAGE_NAMES
from introserv_app.state.settings import SettingsState as S
from introserv_app.state.tickets import TicketFormState


def _error(name: str) -> rx.Component:
    return rx.cond(
        S.errors[name] != "",
        rx.text(S.errors[name], color_scheme="red", size="1", white_space="pre-line", id=f"error-{name}", role="alert"),
    )


def _derror(name: str) -> rx.Component:
    return rx.cond(
        S.dialog_errors[name] != "",
        rx.text(S.dialog_errors[name], color_scheme="red", size="1", white_space="pre-line", id=f"derror-{name}"),
    )


def _label(text: rx.Var, field_id: str, required: bool = False) -> rx.Component:
    star = [rx.text.span(" *", color_scheme="red", aria_hidden="true")] if required else []
    return rx.el.label(text, *star, html_for=field_id, class_name="field-label")


def _input(name: str, label: rx.Var, required: bool = False, max_length: int = 100, **props) -> rx.Component:
    return rx.vstack(
        _label(label, f"f-{name}", required),
        rx.input(
            name=name,
            id=f"f-{name}",
            default_value=S.form[name],
            max_length=max_length,
            width="100%",
            aria_invalid=rx.cond(S.errors[name] != "", "true", "false"),
            **props,
        ),
        _error(name),
        spacing="1",
        width="100%",
    )


def _select(name: str, label: rx.Var, options: list[tuple[str, rx.Var | str]], **props) -> rx.Component:
    return rx.vstack(
        _label(label, f"f-{name}"),
        rx.el.select(
            *[rx.el.option(text, value=value) for value, text in options],
            name=name,
            id=f"f-{name}",
            default_value=S.form[name],
            class_name="native-select",
            **props,
        ),
        _error(name),
        spacing="1",
        width="100%",
    )


def _check(name: str, label: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=name, id=f"f-{name}", default_checked=S.form[name] == "1"),
        label,
        style={"display": "flex", "gap": "0.5em", "alignItems": "center"},
    )


def _section(title: rx.Var, *children: rx.Component, section_id: str) -> rx.Component:
    return rx.card(
        rx.heading(title, size="3", margin_bottom="0.75em"),
        rx.vstack(*children, spacing="3", width="100%"),
        width="100%",
        id=section_id,
    )


def _row(*children: rx.Component) -> rx.Component:
    return rx.flex(*children, gap="1em", width="100%", direction=rx.breakpoints(initial="column", sm="row"))


def _account() -> rx.Component:
    return _section(
        t("Account"),
        _row(
            rx.vstack(
                _label(t("Username"), "f-username"),
                rx.input(value=S.username, read_only=True, id="f-username", width="100%"),
                spacing="1",
                width="100%",
            ),
            _select("profile_type", t("Profile type"), [("individual", t("Individual")), ("company", t("Company"))]),
        ),
        _row(
            _input("company_name", t("Company name"), max_length=255),
            _input("company_reg_number", t("Registration number"), max_length=64),
            _input("vat_number", t("VAT number"), max_length=32, placeholder="DE123456789"),
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
            align="center",
        ),
        section_id="settings-account",
    )


def _contact() -> rx.Component:
    return _section(
        t("Contact information"),
        _row(_input("last_name", t("Last name"), required=True), _input("first_name", t("First name"), required=True)),
        rx.hstack(
            rx.vstack(
                _label(t("Email"), "f-email", True),
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
                _input(
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
                    on_click=S.open_dialog("phone"),
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


def _address() -> rx.Component:
    return _section(
        t("Postal address"),
        _row(
            rx.vstack(
                _label(t("Country"), "f-country"),
                rx.input(value=S.country, read_only=True, id="f-country", width="100%"),
                spacing="1",
                width="100%",
            ),
            _input("region", t("Region")),
            _input("city", t("City"), required=True),
        ),
        _row(
            _input("address", t("Street address"), required=True, max_length=255),
            _input("postal_code", t("Postal code"), max_length=20),
        ),
        section_id="settings-address",
    )


def _notifications() -> rx.Component:
    return _section(
        t("Notifications"),
        _check("newsletter", t("Newsletter: news, updates and offers by email")),
        rx.box(
            _input(
                "low_balance_threshold",
                t("Notify me when the balance falls below"),
                max_length=20,
                input_mode="decimal",
            ),
            max_width="20em",
        ),
        _row(
            _input("email_invoices", t("Email for invoices and orders"), max_length=254, placeholder=S.email),
            _input("email_support", t("Email for support"), max_length=254, placeholder=S.email),
            _input("email_complaints", t("Email for complaints"), max_length=254, placeholder=S.email),
        ),
        section_id="settings-notifications",
    )


def _billing() -> rx.Component:
    return _section(
        t("Billing and interface"),
        _row(
            _select(
                "auto_renew",
                t("Automatic service renewal"),
                [
                    ("1", t("Enabled: renew from the balance when it is sufficient")),
                    ("", t("Disabled: renew manually")),
                ],
            ),
            _select(
                "currency",
                t("Site currency"),
                [(c, c) for c in CURRENCIES],
                disabled=S.currency_locked,
            ),
            _select("language", t("Interface language"), list(LANGUAGE_NAMES.items())),
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
        _check(
            "pay_without_auth",
            t("Payment without authorization: invoices can be paid through their pay links without logging in"),
        ),
        _pay_link_ip_note("pay-link-ip-note"),
        section_id="settings-billing",
    )


def _pay_link_ip_note(note_id: str) -> rx.Component:
    """Shown next to both settings it links: pay links obey the IP restrictions too."""
    return rx.text(
        t("With IP restrictions set, pay links and their PDFs work only from the listed addresses."),
        size="1",
        color_scheme="gray",
        id=note_id,
    )


def _security() -> rx.Component:
    return _section(
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
            _label(t("IP restrictions for billing"), "f-ip_restrictions"),
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
            _error("ip_restrictions"),
            _pay_link_ip_note("ip-pay-link-note"),
            spacing="1",
            width="100%",
        ),
        rx.box(
            _input(
                "current_password",
                t("Current password (needed to change the IP restrictions)"),
                max_length=128,
                type="password",
                auto_complete="current-password",
            ),
            max_width="24em",
        ),
        _check("display_last_ip", t("Display the last login IP")),
        rx.cond(
            S.last_login != "",
            rx.vstack(
                rx.text(t("Last login"), ": ", S.last_login, size="2", id="last-login"),
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


def _dialog_form(title: rx.Var, *fields: rx.Component, on_submit, submit_id: str) -> rx.Component:  # type: ignore[no-untyped-def]
    return rx.vstack(
        rx.dialog.title(title),
        rx.form(
            rx.vstack(
                *fields,
                rx.cond(
                    S.dialog_error != "",
                    rx.callout(S.dialog_error, icon="triangle-alert", color_scheme="red", size="1", id="dialog-error"),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button(t("Cancel"), type="button", variant="soft", color_scheme="gray")),
                    rx.button(t("Save"), type="submit", loading=S.busy, id=submit_id),
                    justify="end",
                    width="100%",
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=on_submit,
            reset_on_submit=False,
        ),
        width="100%",
    )


def _secret(name: str, label: rx.Var, auto: str = "off") -> rx.Component:
    return rx.vstack(
        _label(label, f"d-{name}"),
        rx.input(name=name, id=f"d-{name}", type="password", max_length=128, auto_complete=auto, width="100%"),
        _derror(name),
        spacing="1",
        width="100%",
    )


def _phone_dialog() -> rx.Component:
    return rx.vstack(
        rx.dialog.title(t("Verify your phone")),
        rx.text(S.form["phone"], size="2", weight="bold"),
        rx.hstack(
            rx.button(
                rx.icon("message-square", size=14),
                t("Send a code by SMS"),
                type="button",
                on_click=S.send_phone_code("sms"),
                loading=S.busy,
                id="phone-sms",
            ),
            rx.button(
                rx.icon("phone", size=14),
                t("Verify by a call"),
                type="button",
                variant="soft",
                on_click=S.send_phone_code("call"),
                loading=S.busy,
                id="phone-call",
            ),
            wrap="wrap",
        ),
        rx.text(
            t(
                "By call: we will call the number; you don't need to answer. Enter the last four digits of the "
                "calling number. With a landline, pick up to hear them."
            ),
            size="1",
            color_scheme="gray",
        ),
        rx.cond(S.phone_gateway == 1, rx.badge(t("Second gateway"), color_scheme="blue")),
        rx.cond(S.phone_notice != "", rx.callout(S.phone_notice, icon="info", size="1", id="phone-notice")),
        rx.cond(
            S.dialog_error != "",
            rx.callout(S.dialog_error, icon="triangle-alert", color_scheme="red", size="1", id="dialog-error"),
        ),
        rx.cond(
            S.phone_failed >= 2,
            rx.button(
                t("Create ticket"),
                type="button",
                on_click=TicketFormState.open_subject(t("Phone verification failed")),
                id="phone-ticket",
            ),
        ),
        rx.cond(
            S.phone_sent,
            rx.form(
                rx.hstack(
                    rx.input(
                        name="code",
                        id="phone-code",
                        max_length=6,
                        input_mode="numeric",
                        auto_complete="one-time-code",
                        placeholder="123456",
                    ),
                    rx.button(t("Check"), type="submit", id="phone-check", loading=S.busy),
                ),
                on_submit=S.check_phone_code,
                reset_on_submit=True,
            ),
        ),
        rx.hstack(
            rx.dialog.close(rx.button(t("Close"), type="button", variant="soft", color_scheme="gray")),
            justify="end",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _dialogs() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.match(
                S.dialog,
                (
                    "email",
                    _dialog_form(
                        t("Change email"),
                        rx.text(
                            t("We send a confirmation link to the new address and tell the current one."), size="2"
                        ),
                        rx.vstack(
                            _label(t("New email"), "d-new_email"),
                            rx.input(name="new_email", id="d-new_email", type="email", max_length=254, width="100%"),
                            _derror("new_email"),
                            spacing="1",
                            width="100%",
                        ),
                        _secret("current_password", t("Current password"), "current-password"),
                        on_submit=S.change_email,
                        submit_id="email-submit",
                    ),
                ),
                (
                    "password",
                    _dialog_form(
                        t("Change password"),
                        _secret("current_password", t("Current password"), "current-password"),
                        _secret("new_password", t("New password (12 to 128 characters)"), "new-password"),
                        _secret("confirm_password", t("Confirm the new password"), "new-password"),
                        rx.text(t("Your other sessions will be signed out."), size="1", color_scheme="gray"),
                        on_submit=S.change_password,
                        submit_id="password-submit",
                    ),
                ),
                (
                    "code_word",
                    _dialog_form(
                        t("Set code word"),
                        rx.text(t("The code word can be set only once and is never shown again."), size="2"),
                        _secret("code_word", t("Code word")),
                        _secret("current_password", t("Current password"), "current-password"),
                        on_submit=S.set_code_word,
                        submit_id="code-word-submit",
                    ),
                ),
                (
                    "call_password",
                    _dialog_form(
                        t("Set call password"),
                        rx.text(t("The word support asks for on phone calls (stored hashed)."), size="2"),
                        _secret("call_password", t("Call password")),
                        on_submit=S.set_call_password,
                        submit_id="call-password-submit",
                    ),
                ),
                ("phone", _phone_dialog()),
                rx.fragment(),
            ),
            max_width="30em",
        ),
        open=S.dialog != "",
        on_open_change=S.close_dialog,
    )


def settings_page() -> rx.Component:
    return shell(
        _dialogs(),
        ticket_dialog(),
        rx.cond(
            S.missing != "",
            rx.callout(
                S.missing,
                icon="info",
                color_scheme="orange",
                id="settings-missing",
                width="100%",
            ),
        ),
        rx.cond(S.notice != "", rx.callout(S.notice, icon="info", id="settings-notice", width="100%")),
        rx.form(
            rx.vstack(
                _account(),
                _contact(),
                _address(),
                _notifications(),
                _billing(),
                _security(),
                rx.cond(
                    S.ip_warning != "",
                    rx.callout(
                        rx.vstack(
                            rx.text(S.ip_warning),
                            rx.hstack(
                                rx.button(
                                    t("Save anyway"),
                                    type="button",
                                    color_scheme="red",
                                    on_click=S.save_anyway,
                                    id="ip-confirm",
                                ),
                                rx.button(
                                    t("Keep my access"),
                                    type="button",
                                    variant="soft",
                                    on_click=S.keep_access,
                                    id="ip-keep",
                                ),
                            ),
                        ),
                        icon="shield-alert",
                        color_scheme="red",
                        id="ip-warning",
                        width="100%",
                    ),
                ),
                rx.cond(
                    S.form_error != "",
                    rx.callout(
                        S.form_error, icon="triangle-alert", color_scheme="red", id="settings-error", width="100%"
                    ),
                ),
                rx.button(t("Save"), type="submit", size="3", loading=S.busy, id="settings-save"),
                spacing="4",
                width="100%",
                max_width="60em",
            ),
            on_submit=S.save,
            reset_on_submit=False,
            key=S.form_key,
        ),
        active="/settings",
        title=t("Settings"),
    )
