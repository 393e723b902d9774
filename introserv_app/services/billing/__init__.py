"""Billing: money. The append-only ledger and balances, payment providers, invoices (numbers, lists, documents, PDFs),
renewals and paying invoices, automatic renewal, new orders from the tariff catalog, pay links, currency rates,
tariffs, the seller, VAT treatment and VAT-number checks (VIES), and whether a profile may pay. Imports
services.common, services.messaging and services.orders. Anything that moves or prices money goes here."""

from __future__ import annotations

# Vocabulary: values, limits and messages.
from ._gateways import enabled_providers
from ._gateways.base import MSG_PROVIDER_DOWN
from ._gateways.demo import demo_act, demo_checkout
from ._readers.catalog import MSG_TARIFF_NOT_FOUND, catalog, quote_order

# Readers: view data for screens and routes.
from ._readers.credit_notes import MSG_CREDIT_NOTE_NOT_FOUND, CreditNoteRow, credit_note_document, credit_notes_for
from ._readers.invoice_docs import MSG_PERIOD, InvoiceDocument, invoice_document
from ._readers.invoice_pdf import render_invoice_pdf
from ._readers.invoices import INVOICE_STATUSES, invoice_counts, invoices_page, normalize_number
from ._readers.ledger import LEDGER_PAGE, LedgerLine, account_currency, balance, ledger_entries
from ._readers.payability import MSG_PROFILE_INCOMPLETE, PaymentBlocked, missing_required
from ._readers.paylinks import (
    MSG_ALREADY_PAID,
    MSG_ENABLE_FIRST,
    MSG_LINK_DISABLED,
    MSG_LINK_EXPIRED,
    MSG_LINK_INVALID,
    MSG_LINK_IP_BLOCKED,
    link_document,
    read_token,
)
from ._readers.payments import (
    MSG_PAYMENT_NOT_FOUND,
    PaymentRecord,
    PaymentView,
    ProviderRuleView,
    customer_payments,
    link_payment_view,
    link_providers,
    offered_providers,
    payment_view,
    provider_rules,
)
from ._readers.rates import convert, current_rates
from ._readers.renewal_quote import Quote, RefusedItem, quote_renewal
from ._readers.seller import FIELDS, seller_settings
from ._readers.tariffs import list_tariffs
from ._readers.vat import rate_table, vat_for_customer
from ._readers.vat_rates import CountryRate, RecordedRate, VatOverview, vat_overview, vat_rate_history
from ._vies import EcViesChecker, FormatOnlyChecker, NoChecker, VatChecker, checker_from_settings

# Writers: commands that change data.
from ._writers.invoices import Line, issue_invoice
from ._writers.ledger import MSG_BAD_TOPUP, InsufficientFunds, check_idem_key, post
from ._writers.new_orders import place_order
from ._writers.paylinks import pay_link
from ._writers.payments import (
    MSG_NO_PROVIDER,
    Draft,
    open_link_payment,
    open_payment,
    start_checkout,
)
from ._writers.rates import MSG_RATE, set_rate
from ._writers.reconcile import ReconcileReport, reconcile
from ._writers.refunds import (
    MSG_REFUND_BALANCE,
    MSG_REFUND_FAILED,
    MSG_REFUND_NOT_PAID,
    MSG_REFUND_REASON,
    MSG_REFUND_TOO_MUCH,
    issue_credit_note,
    refund_payment,
)
from ._writers.renewal_invoices import issue_renewal_invoices, renewal_invoice_key, renewal_notice_key
from ._writers.renewals import auto_renew, pay_invoice, renew
from ._writers.seller import MSG_SELLER_NAME_CHARACTERS, save_seller_settings
from ._writers.settlement import apply_remote, receive_notification
from ._writers.tariffs import (
    MSG_CODE,
    MSG_CODE_TAKEN,
    MSG_CURRENCY,
    MSG_CURRENCY_FIXED,
    MSG_NAME,
    MSG_NAME_CHARACTERS,
    MSG_NO_PRICE,
    MSG_PRICE,
    MSG_TYPE,
    save_tariff,
)
from ._writers.unused_credit import credit_unused
from ._writers.vat_check import check_profile_vat
from ._writers.vat_rates import (
    MSG_VAT_COUNTRY,
    MSG_VAT_DATE,
    MSG_VAT_DUPLICATE,
    MSG_VAT_IN_FORCE,
    MSG_VAT_PAST,
    MSG_VAT_RATE,
    MSG_VAT_SOURCE,
    record_vat_rate,
    withdraw_vat_rate,
)

__all__ = [
    "FIELDS",
    "INVOICE_STATUSES",
    "LEDGER_PAGE",
    "MSG_ALREADY_PAID",
    "MSG_BAD_TOPUP",
    "MSG_CODE",
    "MSG_CODE_TAKEN",
    "MSG_CREDIT_NOTE_NOT_FOUND",
    "MSG_CURRENCY",
    "MSG_CURRENCY_FIXED",
    "MSG_ENABLE_FIRST",
    "MSG_LINK_DISABLED",
    "MSG_LINK_EXPIRED",
    "MSG_LINK_INVALID",
    "MSG_LINK_IP_BLOCKED",
    "MSG_NAME",
    "MSG_NAME_CHARACTERS",
    "MSG_NO_PRICE",
    "MSG_NO_PROVIDER",
    "MSG_PAYMENT_NOT_FOUND",
    "MSG_PERIOD",
    "MSG_PRICE",
    "MSG_PROFILE_INCOMPLETE",
    "MSG_PROVIDER_DOWN",
    "MSG_RATE",
    "MSG_REFUND_BALANCE",
    "MSG_REFUND_FAILED",
    "MSG_REFUND_NOT_PAID",
    "MSG_REFUND_REASON",
    "MSG_REFUND_TOO_MUCH",
    "MSG_SELLER_NAME_CHARACTERS",
    "MSG_TARIFF_NOT_FOUND",
    "MSG_TYPE",
    "MSG_VAT_COUNTRY",
    "MSG_VAT_DATE",
    "MSG_VAT_DUPLICATE",
    "MSG_VAT_IN_FORCE",
    "MSG_VAT_PAST",
    "MSG_VAT_RATE",
    "MSG_VAT_SOURCE",
    "CountryRate",
    "CreditNoteRow",
    "Draft",
    "EcViesChecker",
    "FormatOnlyChecker",
    "InsufficientFunds",
    "InvoiceDocument",
    "LedgerLine",
    "Line",
    "NoChecker",
    "PaymentBlocked",
    "PaymentRecord",
    "PaymentView",
    "ProviderRuleView",
    "Quote",
    "ReconcileReport",
    "RecordedRate",
    "RefusedItem",
    "VatChecker",
    "VatOverview",
    "account_currency",
    "apply_remote",
    "auto_renew",
    "balance",
    "catalog",
    "check_idem_key",
    "check_profile_vat",
    "checker_from_settings",
    "convert",
    "credit_note_document",
    "credit_notes_for",
    "credit_unused",
    "current_rates",
    "customer_payments",
    "demo_act",
    "demo_checkout",
    "enabled_providers",
    "invoice_counts",
    "invoice_document",
    "invoices_page",
    "issue_credit_note",
    "issue_invoice",
    "issue_renewal_invoices",
    "ledger_entries",
    "link_document",
    "link_payment_view",
    "link_providers",
    "list_tariffs",
    "missing_required",
    "normalize_number",
    "offered_providers",
    "open_link_payment",
    "open_payment",
    "pay_invoice",
    "pay_link",
    "payment_view",
    "place_order",
    "post",
    "provider_rules",
    "quote_order",
    "quote_renewal",
    "rate_table",
    "read_token",
    "receive_notification",
    "reconcile",
    "record_vat_rate",
    "refund_payment",
    "render_invoice_pdf",
    "renew",
    "renewal_invoice_key",
    "renewal_notice_key",
    "save_seller_settings",
    "save_tariff",
    "seller_settings",
    "set_rate",
    "start_checkout",
    "vat_for_customer",
    "vat_overview",
    "vat_rate_history",
    "withdraw_vat_rate",
]
