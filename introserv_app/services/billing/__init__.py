"""Billing: money. The append-only ledger and balances, payment providers, invoices (numbers, lists, documents, PDFs),
renewals and paying invoices, automatic renewal, new orders from the tariff catalog, pay links, currency rates,
tariffs, the seller and VAT numbers (VIES), and whether a profile may pay. Imports services.common,
services.messaging and services.orders. Anything that moves or prices money goes here."""

from __future__ import annotations

# Vocabulary: values, limits and messages.
from ._providers import (
    PaymentResult as PaymentResult,
)
from ._providers import (
    TestPaymentProvider as TestPaymentProvider,
)
from ._providers import (
    payment_provider as payment_provider,
)

# Readers: view data for screens and routes.
from ._readers.catalog import (
    MSG_TARIFF_NOT_FOUND as MSG_TARIFF_NOT_FOUND,
)
from ._readers.catalog import (
    catalog as catalog,
)
from ._readers.catalog import (
    quote_order as quote_order,
)
from ._readers.invoice_docs import (
    MSG_PERIOD as MSG_PERIOD,
)
from ._readers.invoice_docs import (
    STATUS_LABELS as STATUS_LABELS,
)
from ._readers.invoice_docs import (
    InvoiceDocument as InvoiceDocument,
)
from ._readers.invoice_docs import (
    invoice_document as invoice_document,
)
from ._readers.invoice_pdf import (
    render_invoice_pdf as render_invoice_pdf,
)
from ._readers.invoices import (
    INVOICE_STATUSES as INVOICE_STATUSES,
)
from ._readers.invoices import (
    invoice_counts as invoice_counts,
)
from ._readers.invoices import (
    invoices_page as invoices_page,
)
from ._readers.invoices import (
    normalize_number as normalize_number,
)
from ._readers.ledger import (
    account_currency as account_currency,
)
from ._readers.ledger import (
    balance as balance,
)
from ._readers.payability import (
    MSG_PROFILE_INCOMPLETE as MSG_PROFILE_INCOMPLETE,
)
from ._readers.payability import (
    PaymentBlocked as PaymentBlocked,
)
from ._readers.payability import (
    missing_required as missing_required,
)
from ._readers.paylinks import (
    MSG_ALREADY_PAID as MSG_ALREADY_PAID,
)
from ._readers.paylinks import (
    MSG_ENABLE_FIRST as MSG_ENABLE_FIRST,
)
from ._readers.paylinks import (
    MSG_LINK_DISABLED as MSG_LINK_DISABLED,
)
from ._readers.paylinks import (
    MSG_LINK_EXPIRED as MSG_LINK_EXPIRED,
)
from ._readers.paylinks import (
    MSG_LINK_INVALID as MSG_LINK_INVALID,
)
from ._readers.paylinks import (
    MSG_LINK_IP_BLOCKED as MSG_LINK_IP_BLOCKED,
)
from ._readers.paylinks import (
    link_document as link_document,
)
from ._readers.paylinks import (
    read_token as read_token,
)
from ._readers.rates import (
    convert as convert,
)
from ._readers.rates import (
    current_rates as current_rates,
)
from ._readers.renewal_quote import (
    Quote as Quote,
)
from ._readers.renewal_quote import (
    quote_renewal as quote_renewal,
)
from ._readers.seller import (
    FIELDS as FIELDS,
)
from ._readers.seller import (
    seller_settings as seller_settings,
)
from ._readers.tariffs import (
    list_tariffs as list_tariffs,
)
from ._vies import (
    EcViesChecker as EcViesChecker,
)
from ._vies import (
    FormatOnlyChecker as FormatOnlyChecker,
)
from ._vies import (
    NoChecker as NoChecker,
)
from ._vies import (
    VatChecker as VatChecker,
)
from ._vies import (
    check_profile_vat as check_profile_vat,
)
from ._vies import (
    checker_from_settings as checker_from_settings,
)
from ._vies import (
    vat_for_customer as vat_for_customer,
)

# Writers: commands that change data.
from ._writers.invoices import (
    Line as Line,
)
from ._writers.invoices import (
    issue_invoice as issue_invoice,
)
from ._writers.ledger import (
    MSG_BAD_TOPUP as MSG_BAD_TOPUP,
)
from ._writers.ledger import (
    MSG_PAYMENT_FAILED as MSG_PAYMENT_FAILED,
)
from ._writers.ledger import (
    InsufficientFunds as InsufficientFunds,
)
from ._writers.ledger import (
    check_idem_key as check_idem_key,
)
from ._writers.ledger import (
    post as post,
)
from ._writers.ledger import (
    top_up as top_up,
)
from ._writers.new_orders import (
    place_order as place_order,
)
from ._writers.paylinks import (
    pay_by_link as pay_by_link,
)
from ._writers.paylinks import (
    pay_link as pay_link,
)
from ._writers.rates import (
    MSG_RATE as MSG_RATE,
)
from ._writers.rates import (
    set_rate as set_rate,
)
from ._writers.renewals import (
    auto_renew as auto_renew,
)
from ._writers.renewals import (
    pay_invoice as pay_invoice,
)
from ._writers.renewals import (
    renew as renew,
)
from ._writers.seller import (
    MSG_SELLER_NAME_CHARACTERS as MSG_SELLER_NAME_CHARACTERS,
)
from ._writers.seller import (
    save_seller_settings as save_seller_settings,
)
from ._writers.tariffs import (
    MSG_CODE as MSG_CODE,
)
from ._writers.tariffs import (
    MSG_CODE_TAKEN as MSG_CODE_TAKEN,
)
from ._writers.tariffs import (
    MSG_CURRENCY as MSG_CURRENCY,
)
from ._writers.tariffs import (
    MSG_CURRENCY_FIXED as MSG_CURRENCY_FIXED,
)
from ._writers.tariffs import (
    MSG_NAME as MSG_NAME,
)
from ._writers.tariffs import (
    MSG_NAME_CHARACTERS as MSG_NAME_CHARACTERS,
)
from ._writers.tariffs import (
    MSG_NO_PRICE as MSG_NO_PRICE,
)
from ._writers.tariffs import (
    MSG_PRICE as MSG_PRICE,
)
from ._writers.tariffs import (
    MSG_TYPE as MSG_TYPE,
)
from ._writers.tariffs import (
    save_tariff as save_tariff,
)
