"""Texts of notifications and their emails, in the reader's language (English, Russian).

A notification stores its `kind` and `params`; its title and body are rendered here when it is shown
or mailed, so a customer who switches language reads every banner in the new one. Every template is a
msgid (translated through the Babel catalogs). Params by convention: `order`, `invoice`, `ip`,
`reason` are text; keys ending in `date` are ISO dates; `amount`, `balance`, `threshold` are
`{"minor": int, "currency": str}`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from introserv_app.domain.money import Money
from introserv_app.domain.text import N_
from introserv_app.i18n import format_date, format_money, gettext
from introserv_app.i18n.countries import country_name
from introserv_app.services.common.paylink_token import invoice_page_url

#: Which of the customer's notification addresses (Settings) each kind goes to.
ADDRESS_INVOICES, ADDRESS_SUPPORT, ADDRESS_COMPLAINTS = "invoices", "support", "complaints"


@dataclass(frozen=True)
class Template:
    title: str
    body: str
    severity: str = "info"
    address: str = ADDRESS_INVOICES


TEMPLATES: dict[str, Template] = {
    "renewal_reminder": Template(
        N_("Order {order} is paid until {date}"),
        N_("{days} days are left. Renew it in the Orders tab to keep the service running."),
    ),
    "renewal_invoice": Template(
        N_("Invoice {invoice} for order {order}"),
        N_("Order {order} is paid until {date}. Pay {amount} before then to keep the service running."),
    ),
    "auto_renewed": Template(
        N_("Order {order} was renewed automatically"),
        N_("Invoice {invoice} for {amount} was paid from your balance; the order is now paid until {date}."),
    ),
    "auto_renew_invoice": Template(
        N_("Order {order} could not be renewed automatically"),
        N_(
            "Your balance is not enough: invoice {invoice} for {amount} is waiting for payment. "
            "Add funds and pay it before {date} to keep the service running."
        ),
        "warning",
    ),
    "auto_renew_failed": Template(
        N_("Order {order} could not be renewed automatically"),
        N_("{reason} Please renew it yourself before {date}."),
        "warning",
    ),
    "order_accepted": Template(
        N_("Order {order} is paid and accepted for processing"),
        N_(
            "We are preparing your service and will write to you when it is ready. "
            "A support ticket is open for any questions."
        ),
    ),
    "order_delivered": Template(
        N_("Order {order} is ready"),
        N_("Your service is active. Main IP address: {ip}."),
    ),
    "order_suspended": Template(
        N_("Order {order} is suspended for non-payment"),
        N_(
            "Its paid period ended on {date}. Renew it to restore the service at once; "
            "if it stays unpaid it will be cancelled on {cancel_date}."
        ),
        "critical",
    ),
    "order_suspended_violation": Template(
        N_("Order {order} is suspended for a violation"),
        N_("Reason: {reason} Please contact support."),
        "critical",
        ADDRESS_COMPLAINTS,
    ),
    "order_restored": Template(
        N_("Order {order} is active again"),
        N_("The suspension has been lifted; the service is running."),
    ),
    "order_cancelled": Template(
        N_("Order {order} is cancelled"),
        N_("The order has ended and its service is no longer available."),
        "warning",
    ),
    "order_cancelled_nonpayment": Template(
        N_("Order {order} is cancelled"),
        N_("It stayed unpaid after its period ended on {date}, so it was cancelled and its service removed."),
        "warning",
    ),
    "order_cancelled_scheduled": Template(
        N_("Order {order} is cancelled"),
        N_("As you asked, the order ended with its paid period on {date}."),
    ),
    "low_balance": Template(
        N_("Your balance is low"),
        N_("Your balance is {balance}, below the {threshold} you set in Settings. Add funds to keep renewals running."),
        "warning",
    ),
    "balance_adjusted": Template(
        N_("Your balance was adjusted by {amount}"),
        N_("Reason: {reason} Your balance is now {balance}."),
    ),
    "company_verified": Template(
        N_("Your company profile is verified"),
        N_("You can now pay invoices and renew orders as {company}."),
    ),
    "country_changed": Template(
        N_("The country in your profile is now {country}"),
        N_("Support changed it as you asked ({reason}). New invoices use the VAT rules of this country."),
        "info",
        ADDRESS_SUPPORT,
    ),
    "ip_restrictions_cleared": Template(
        N_("The IP restrictions of your account were removed"),
        N_("Support cleared the list of addresses allowed to sign in, as you asked. Set it again in Settings."),
        "warning",
        ADDRESS_SUPPORT,
    ),
    "code_word_reset": Template(
        N_("The code word of your account was reset"),
        N_("Support reset it after checking your identity. Set a new one in Settings."),
        "warning",
        ADDRESS_SUPPORT,
    ),
    "ticket_answered": Template(
        N_("Support answered your ticket #{ticket}"),
        N_("“{subject}”: read the answer and reply in the Tickets tab."),
        "info",
        ADDRESS_SUPPORT,
    ),
    "complaint_answered": Template(
        N_("Support answered your complaint #{ticket}"),
        N_("“{subject}”: read the answer and reply in the Tickets tab."),
        "info",
        ADDRESS_COMPLAINTS,
    ),
    "notice": Template(
        N_("Notice about order {order}"),
        "",  # the staff member's own text (Notification.body)
        "warning",
        ADDRESS_SUPPORT,
    ),
}

MAIL_GREETING = N_("Hello {name},")
MAIL_FOOTER = N_("You can see all notifications in your INTROSERV panel: {link}")
#: Added to any notification that names an unpaid invoice (`invoice`), with where to pay it (`pay`).
MSG_PAY_INVOICE = N_("Invoice {invoice} is waiting for payment. Pay it here: {pay}")
MAIL_DIGEST_SUBJECT = N_("INTROSERV: {count} updates about your account")
MAIL_SIGNATURE = N_("INTROSERV billing")


@lru_cache(maxsize=4096)
def _date_text(iso: str, lang: str) -> str:
    try:
        return format_date(date.fromisoformat(iso), lang)
    except ValueError:
        return iso


def _value(key: str, value: object, lang: str) -> object:
    if isinstance(value, dict) and {"minor", "currency"} <= value.keys():
        return format_money(Money(int(value["minor"]), str(value["currency"])), lang)  # type: ignore[arg-type]
    if key.endswith("date") and isinstance(value, str):
        return _date_text(value, lang)
    if isinstance(value, str) and key == "reason":
        return gettext(lang, value)
    if isinstance(value, str) and key == "country":
        return country_name(value, lang)
    return value


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


class _Missing(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "—"


def render(kind: str, params: dict[str, object], body: str, lang: str, created: date | None = None) -> Rendered:
    """The title and body of a notification in `lang` (a kind unknown to this version shows its body)."""
    template = TEMPLATES.get(kind)
    values = _Missing({k: _value(k, v, lang) for k, v in params.items()})
    if "date" in params and created is not None and isinstance(params["date"], str):
        try:
            values.setdefault("days", (date.fromisoformat(params["date"]) - created).days)
        except ValueError:
            pass
    if template is None:
        return Rendered(kind, body)
    title = gettext(lang, template.title).format_map(values)
    text = gettext(lang, template.body).format_map(values) if template.body else ""
    if body:
        text = f"{text}\n{body}".strip()
    invoice = params.get("invoice")
    if isinstance(invoice, str) and invoice and "{invoice}" not in template.title:
        pay = params.get("pay") or invoice_page_url(invoice)
        text = f"{text}\n{gettext(lang, MSG_PAY_INVOICE).format(invoice=invoice, pay=pay)}".strip()
    elif isinstance(invoice, str) and invoice:
        text = f"{text}\n{params.get('pay') or invoice_page_url(invoice)}".strip()
    return Rendered(title, text)


def email_texts(*, items: list[Rendered], name: str, lang: str, link: str) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one email carrying one or several notifications."""
    subject = items[0].title if len(items) == 1 else gettext(lang, MAIL_DIGEST_SUBJECT).format(count=len(items))
    greeting = gettext(lang, MAIL_GREETING).format(name=name)
    footer = gettext(lang, MAIL_FOOTER).format(link=link)
    signature = gettext(lang, MAIL_SIGNATURE)
    blocks = [f"{item.title}\n{item.body}".strip() for item in items]
    text = "\n\n".join([greeting, *blocks, footer, f"— {signature}"]) + "\n"
    e = html.escape
    html_blocks = "".join(
        f'<h3 style="margin:16px 0 4px">{e(item.title)}</h3>'
        + "".join(f'<p style="margin:0 0 8px">{e(line)}</p>' for line in item.body.splitlines() if line)
        for item in items
    )
    anchor = f'<a href="{e(link)}">{e(link)}</a>'
    body_html = (
        '<!doctype html><html><body style="font-family:sans-serif;color:#1c2024">'
        f"<p>{e(greeting)}</p>{html_blocks}"
        f'<p style="margin-top:24px">{e(gettext(lang, MAIL_FOOTER)).format(link=anchor)}</p>'
        f"<p>— {e(signature)}</p></body></html>"
    )
    return subject, text, body_html


# ---- e-mails that are not notifications ----------------------------------------------------------------

MAIL_WELCOME_SUBJECT = N_("Your INTROSERV account")
MAIL_WELCOME_BODY = N_("Hello,\n\nyour account {username} for the INTROSERV billing panel is ready.\n")
MAIL_CONFIRM_SUBJECT = N_("Confirm your email address")
MAIL_CONFIRM_BODY = N_(
    "Hello {username},\n\nplease confirm {new_email} as the email address of your INTROSERV account by "
    "opening this link within 24 hours:\n\n{link}\n\nIf you did not ask for this, ignore this message."
)
MAIL_NOTICE_SUBJECT = N_("Your email address is being changed")
MAIL_NOTICE_BODY = N_(
    "Hello {username},\n\nsomeone signed in to your INTROSERV account asked to change its email address "
    "to {new_email}. The change happens once the new address is confirmed. If this was not you, change "
    "your password and contact support."
)
MAIL_SIGNUP_TAKEN_SUBJECT = N_("Someone tried to register with your email address")
MAIL_SIGNUP_TAKEN_BODY = N_(
    "Hello,\n\nsomeone (perhaps you) tried to create a new INTROSERV account with this email address. It "
    "already belongs to an account, so no new account was made.\n\nIf you have forgotten your password, you "
    "can set a new one here:\n\n{forgot_link}\n\nIf this was not you, you can ignore this message."
)
MAIL_SIGNUP_NAME_TAKEN_SUBJECT = N_("Your INTROSERV account was not created")
MAIL_SIGNUP_NAME_TAKEN_BODY = N_(
    "Hello,\n\nsomeone (perhaps you) tried to create an INTROSERV account with this email address and the "
    "username {username}. That username is already taken, so no account was made. Please sign up again "
    "with another username:\n\n{signup_link}\n\nIf this was not you, you can ignore this message."
)
MAIL_RESET_SUBJECT = N_("Set a new password for your INTROSERV account")
MAIL_RESET_BODY = N_(
    "Hello {username},\n\na new password was requested for your INTROSERV account. Open this link within "
    "30 minutes to set one (it works once):\n\n{link}\n\nIf you did not ask for this, ignore this message: "
    "your password stays as it is."
)
MAIL_PASSWORD_RESET_DONE_SUBJECT = N_("Your INTROSERV password was changed")
MAIL_PASSWORD_RESET_DONE_BODY = N_(
    "Hello {username},\n\nthe password of your INTROSERV account was just set through a reset link (from "
    "the address {ip}). Every session of the account was signed out.\n\nIf this was not you, contact "
    "support at once."
)
MAIL_INVITE_SUBJECT = N_("You are invited to the INTROSERV client area")
MAIL_INVITE_BODY = N_(
    "Hello,\n\nyou are invited to create an account in the INTROSERV client area. Open this link within 7 "
    "days to sign up:\n\n{link}\n"
)
MAIL_SECOND_FACTOR_REMOVED_SUBJECT = N_("Two-factor authentication was removed from your account")
MAIL_SECOND_FACTOR_REMOVED_BODY = N_(
    "Hello {username},\n\nafter checking your identity by phone, support removed the second factor "
    "(authenticator app and recovery codes) from your INTROSERV account. You can set it up again in "
    "Settings → Security.\n\nIf you did not ask for this, contact support at once."
)
MAIL_NEW_DEVICE_SUBJECT = N_("New sign-in to your INTROSERV account")
MAIL_NEW_DEVICE_BODY = N_(
    "Hello {username},\n\nyour INTROSERV account was just signed in to from a browser that had not signed in "
    "to it before:\n\nTime: {time}\nAddress: {ip}\nBrowser: {browser}\n\nIf this was you, nothing needs to be "
    "done. If not, change your password at once and sign out the other sessions in Settings."
)
