"""Messaging: what the panel tells customers and staff, and what they tell each other. Notifications (banners, the
list, batched e-mails), the e-mail outbox (queue, delivery with retries, the staff outbox view) and its templates,
and support tickets (threads, the staff queue). Every feature may import this package; it imports only
services.common. A new kind of message, channel or template goes here."""

from __future__ import annotations

# Readers: view data for screens and routes.
from ._readers.notifications import (
    NotificationView as NotificationView,
)
from ._readers.notifications import (
    banners as banners,
)
from ._readers.notifications import (
    notifications_page as notifications_page,
)
from ._readers.outbox import (
    OUTBOX_STATUS_LABELS as OUTBOX_STATUS_LABELS,
)
from ._readers.outbox import (
    OUTBOX_STATUSES as OUTBOX_STATUSES,
)
from ._readers.outbox import (
    outbox_page as outbox_page,
)
from ._readers.tickets import (
    QueueFilters as QueueFilters,
)
from ._readers.tickets import (
    TicketRow as TicketRow,
)
from ._readers.tickets import (
    clean_filters as clean_filters,
)
from ._readers.tickets import (
    customer_tickets as customer_tickets,
)
from ._readers.tickets import (
    open_by_age as open_by_age,
)
from ._readers.tickets import (
    staff_members as staff_members,
)
from ._readers.tickets import (
    staff_queue as staff_queue,
)
from ._readers.tickets import (
    ticket_thread as ticket_thread,
)
from ._readers.tickets import (
    tickets_page as tickets_page,
)
from ._rules import (
    AGE_LABELS as AGE_LABELS,
)

# Vocabulary: values, limits and messages.
from ._rules import (
    AGES as AGES,
)
from ._rules import (
    CATEGORIES as CATEGORIES,
)
from ._rules import (
    MSG_CATEGORY as MSG_CATEGORY,
)
from ._rules import (
    MSG_MESSAGE as MSG_MESSAGE,
)
from ._rules import (
    MSG_SUBJECT as MSG_SUBJECT,
)
from ._rules import (
    ORDER_ATTENTION_KINDS as ORDER_ATTENTION_KINDS,
)
from ._rules import (
    STATUSES as STATUSES,
)
from ._rules import (
    STICKY_KINDS as STICKY_KINDS,
)
from ._rules import (
    SUBJECT_MAX as SUBJECT_MAX,
)
from ._templates import (
    MAIL_CONFIRM_BODY as MAIL_CONFIRM_BODY,
)
from ._templates import (
    MAIL_CONFIRM_SUBJECT as MAIL_CONFIRM_SUBJECT,
)
from ._templates import (
    MAIL_NOTICE_BODY as MAIL_NOTICE_BODY,
)
from ._templates import (
    MAIL_NOTICE_SUBJECT as MAIL_NOTICE_SUBJECT,
)
from ._templates import (
    MAIL_WELCOME_BODY as MAIL_WELCOME_BODY,
)
from ._templates import (
    MAIL_WELCOME_SUBJECT as MAIL_WELCOME_SUBJECT,
)
from ._templates import (
    TEMPLATES as TEMPLATES,
)

# Writers: commands that change data.
from ._writers.email import (
    MAX_ATTEMPTS as MAX_ATTEMPTS,
)
from ._writers.email import (
    backoff as backoff,
)
from ._writers.email import (
    deliver_due as deliver_due,
)
from ._writers.email import (
    queue_email as queue_email,
)
from ._writers.email import (
    retry_message as retry_message,
)
from ._writers.notification_rows import (
    NOTIFICATION_INSERT as NOTIFICATION_INSERT,
)
from ._writers.notification_rows import (
    notifications_from_select as notifications_from_select,
)
from ._writers.notifications import (
    dismiss as dismiss,
)
from ._writers.notifications import (
    dismiss_all as dismiss_all,
)
from ._writers.notifications import (
    dispatch_emails as dispatch_emails,
)
from ._writers.notifications import (
    notify as notify,
)
from ._writers.notifications import (
    post_notice as post_notice,
)
from ._writers.notifications import (
    resolve as resolve,
)
from ._writers.tickets import (
    assign_ticket as assign_ticket,
)
from ._writers.tickets import (
    close_ticket as close_ticket,
)
from ._writers.tickets import (
    create_ticket as create_ticket,
)
from ._writers.tickets import (
    open_system_ticket as open_system_ticket,
)
from ._writers.tickets import (
    reply as reply,
)
