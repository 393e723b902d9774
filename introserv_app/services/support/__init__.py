"""Support: the staff console. Customer search and a customer's card, the staff dashboard (counts, revenue, spending),
the audit log (filters, pages, CSV) and staff users; the confirmed actions on a customer (balance adjustment,
country, company verification, IP list, code word, confirmation link, caller verification, reset link,
invitation) and on an order (deliver, suspend for a
violation, lift, cancel). Imports every feature below it (accounts, billing, orders, messaging, common). A new staff
view or staff action goes here."""

from __future__ import annotations

# Readers: view data for screens and routes.
from ._readers.audit_log import AuditFilters, audit_page, check_export, clean_filters, iter_audit_csv
from ._readers.customers import CustomerCard, customer_card, customer_phone_attempts, search_customers
from ._readers.dashboard import month_starts, spending_by_month, staff_dashboard
from ._readers.staff_users import list_staff

# Vocabulary: values, limits and messages.
from ._rules import MSG_ADJUST_AMOUNT, SEARCH_MAX

# Writers: commands that change data.
from ._writers.customer_actions import (
    adjust_balance,
    change_country,
    clear_ip_restrictions,
    new_adjustment_key,
    resend_email_confirmation,
    reset_code_word,
    verify_company,
)
from ._writers.delivery import deliver_order
from ._writers.identity import (
    CALLER_CHECKS_PER_HOUR,
    MSG_DOES_NOT_MATCH,
    MSG_MATCHES,
    SECRET_LABELS,
    close_account,
    invite_customer,
    remove_second_factor,
    send_password_reset,
    verify_caller,
)
from ._writers.order_actions import cancel_by_staff, lift_suspension, suspend_for_violation
from ._writers.staff_users import add_staff, set_active, set_role

__all__ = [
    "CALLER_CHECKS_PER_HOUR",
    "MSG_ADJUST_AMOUNT",
    "MSG_DOES_NOT_MATCH",
    "MSG_MATCHES",
    "SEARCH_MAX",
    "SECRET_LABELS",
    "AuditFilters",
    "CustomerCard",
    "add_staff",
    "adjust_balance",
    "audit_page",
    "cancel_by_staff",
    "change_country",
    "check_export",
    "clean_filters",
    "clear_ip_restrictions",
    "close_account",
    "customer_card",
    "customer_phone_attempts",
    "deliver_order",
    "invite_customer",
    "iter_audit_csv",
    "lift_suspension",
    "list_staff",
    "month_starts",
    "new_adjustment_key",
    "remove_second_factor",
    "resend_email_confirmation",
    "reset_code_word",
    "search_customers",
    "send_password_reset",
    "set_active",
    "set_role",
    "spending_by_month",
    "staff_dashboard",
    "suspend_for_violation",
    "verify_caller",
    "verify_company",
]
