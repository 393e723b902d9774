"""Support: the staff console. Customer search and a customer's card, the staff dashboard (counts, revenue, spending),
the audit log (filters, pages, CSV) and staff users; the confirmed actions on a customer (balance adjustment,
country, company verification, IP list, code word, confirmation link) and on an order (deliver, suspend for a
violation, lift, cancel). Imports every feature below it (accounts, billing, orders, messaging, common). A new staff
view or staff action goes here."""

from __future__ import annotations

# Readers: view data for screens and routes.
from ._readers.audit_log import (
    AuditFilters as AuditFilters,
)
from ._readers.audit_log import (
    audit_page as audit_page,
)
from ._readers.audit_log import (
    check_export as check_export,
)
from ._readers.audit_log import (
    clean_filters as clean_filters,
)
from ._readers.audit_log import (
    iter_audit_csv as iter_audit_csv,
)
from ._readers.customers import (
    CustomerCard as CustomerCard,
)
from ._readers.customers import (
    customer_card as customer_card,
)
from ._readers.customers import (
    search_customers as search_customers,
)
from ._readers.dashboard import (
    month_starts as month_starts,
)
from ._readers.dashboard import (
    spending_by_month as spending_by_month,
)
from ._readers.dashboard import (
    staff_dashboard as staff_dashboard,
)
from ._readers.staff_users import (
    list_staff as list_staff,
)

# Vocabulary: values, limits and messages.
from ._rules import (
    MSG_ADJUST_AMOUNT as MSG_ADJUST_AMOUNT,
)
from ._rules import (
    SEARCH_MAX as SEARCH_MAX,
)

# Writers: commands that change data.
from ._writers.customer_actions import (
    adjust_balance as adjust_balance,
)
from ._writers.customer_actions import (
    change_country as change_country,
)
from ._writers.customer_actions import (
    clear_ip_restrictions as clear_ip_restrictions,
)
from ._writers.customer_actions import (
    new_adjustment_key as new_adjustment_key,
)
from ._writers.customer_actions import (
    resend_email_confirmation as resend_email_confirmation,
)
from ._writers.customer_actions import (
    reset_code_word as reset_code_word,
)
from ._writers.customer_actions import (
    verify_company as verify_company,
)
from ._writers.delivery import (
    deliver_order as deliver_order,
)
from ._writers.order_actions import (
    cancel_by_staff as cancel_by_staff,
)
from ._writers.order_actions import (
    lift_suspension as lift_suspension,
)
from ._writers.order_actions import (
    suspend_for_violation as suspend_for_violation,
)
from ._writers.staff_users import (
    add_staff as add_staff,
)
from ._writers.staff_users import (
    set_active as set_active,
)
from ._writers.staff_users import (
    set_role as set_role,
)
