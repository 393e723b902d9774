"""The customer page's support actions, each behind a confirmation dialog (`components.confirm`)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.confirm import confirm_action, reason_field
from introserv_app.components.translate import t
from introserv_app.domain.text import N_
from introserv_app.state.staff import CustomerState


def _wiring() -> dict:
    S = CustomerState
    return {"current": S.dialog, "show": S.show, "error": S.action_error}


def _account_action(key: str, label: str, title: str, description: str, color: str = "blue") -> rx.Component:
    S = CustomerState
    return confirm_action(
        key=key,
        label=label,
        title=title,
        description=description,
        on_submit=lambda _form: S.account_action(key),
        color=color,
        **_wiring(),
    )


def customer_actions() -> rx.Component:
    S = CustomerState
    return rx.card(
        rx.heading(t("Actions"), size="4", margin_bottom="0.5em"),
        rx.flex(
            confirm_action(
                key="adjust",
                label=N_("Adjust the balance"),
                title=N_("Adjust the balance"),
                description=N_(
                    "A positive amount credits the account, a negative one debits it (never below zero). "
                    "The ledger keeps the reason, and the customer gets an email."
                ),
                fields=(
                    rx.el.label(t("Amount"), html_for="adjust-amount", class_name="field-label"),
                    rx.input(name="amount", id="adjust-amount", placeholder="10.00 / -5.00", max_length=20),
                    reason_field(el_id="adjust-reason"),
                ),
                on_submit=S.adjust,
                color="blue",
                confirm_label=N_("Post the adjustment"),
                **_wiring(),
            ),
            confirm_action(
                key="country",
                label=N_("Change the country"),
                title=N_("Change the customer's country"),
                description=N_(
                    "Do this only when the customer asked for it (e.g. in a ticket). New invoices use the "
                    "VAT rules of the new country; the customer is told."
                ),
                fields=(
                    rx.el.select(
                        rx.foreach(S.countries, lambda c: rx.el.option(c[1], value=c[0])),
                        name="country",
                        id="country-select",
                        default_value=S.info["country_code"],
                        class_name="native-select",
                    ),
                    reason_field(el_id="country-reason"),
                ),
                on_submit=S.change_country,
                color="blue",
                confirm_label=N_("Change the country"),
                **_wiring(),
            ),
            rx.cond(
                S.flags["pending_verification"],
                _account_action(
                    "verify_company",
                    N_("Verify the company profile"),
                    N_("Verify this company profile?"),
                    N_("Check the company documents first. The customer can then pay invoices and is told."),
                    "green",
                ),
            ),
            rx.cond(
                S.flags["ip_rules"],
                _account_action(
                    "clear_ip",
                    N_("Clear IP restrictions"),
                    N_("Clear the IP restrictions?"),
                    N_(
                        "Anyone with the password can then sign in from any address. Check the caller's identity "
                        "(code word, call password) first. The customer is told."
                    ),
                    "orange",
                ),
            ),
            rx.cond(
                S.flags["code_word"],
                _account_action(
                    "reset_code_word",
                    N_("Reset the code word"),
                    N_("Reset the code word?"),
                    N_("The customer can then set a new one in Settings. Check their identity first; they are told."),
                    "orange",
                ),
            ),
            rx.cond(
                S.flags["unconfirmed"],
                _account_action(
                    "resend_confirmation",
                    N_("Resend the email confirmation"),
                    N_("Send a new confirmation link?"),
                    N_("A new single-use link, valid for 24 hours, goes to the address waiting for confirmation."),
                ),
            ),
            rx.cond(
                S.flags["second_factor"],
                _account_action(
                    "remove_second_factor",
                    N_("Remove the second factor"),
                    N_("Remove the customer's second factor?"),
                    N_(
                        "Only for a caller who lost the phone and passed your caller check in the last 15 minutes. "
                        "The authenticator app and recovery codes stop working; the customer is mailed."
                    ),
                    "orange",
                ),
            ),
            rx.cond(
                S.flags["active"],
                _account_action(
                    "close_account",
                    N_("Close the account"),
                    N_("Close this account?"),
                    N_(
                        "Only at the customer's request (a ticket, or a caller you checked). Sessions end, personal "
                        "data is removed and nobody can sign in; orders, invoices and payments stay."
                    ),
                    "red",
                ),
            ),
            _account_action(
                "send_reset",
                N_("Send a password reset link"),
                N_("Send a password reset link?"),
                N_(
                    "A single-use link, valid for 30 minutes, goes to the customer's own email address. Support "
                    "never sets or sees a password."
                ),
            ),
            wrap="wrap",
            spacing="3",
        ),
        width="100%",
        id="customer-actions",
    )
