"""Messaging: what the panel tells customers and staff, and what they tell each other. Notifications (banners, the
list, batched e-mails), the e-mail outbox (queue, delivery with retries, the staff outbox view) and its templates,
and support tickets (threads, the staff queue). Every feature may import this package; it imports only
services.common. A new kind of message, channel or template goes here."""

from __future__ import annotations

from ._readers.newsletters import (
    NewsletterRow,
    iter_subscribers_csv,
    list_newsletters,
    subscriber_count,
    unsubscribe_view,
)

# Readers: view data for screens and routes.
from ._readers.notifications import NotificationView, banners, notifications_page
from ._readers.outbox import OUTBOX_STATUSES, outbox_page
from ._readers.tickets import (
    QueueFilters,
    TicketRow,
    clean_filters,
    customer_tickets,
    open_by_age,
    staff_members,
    staff_queue,
    ticket_thread,
    tickets_page,
)

# Vocabulary: values, limits and messages.
from ._rules import (
    AGE_LABELS,
    AGES,
    CATEGORIES,
    MSG_CATEGORY,
    MSG_MESSAGE,
    MSG_SUBJECT,
    ORDER_ATTENTION_KINDS,
    STICKY_KINDS,
    SUBJECT_MAX,
)
from ._templates import (
    MAIL_CONFIRM_BODY,
    MAIL_CONFIRM_SUBJECT,
    MAIL_INVITE_BODY,
    MAIL_INVITE_SUBJECT,
    MAIL_NEW_DEVICE_BODY,
    MAIL_NEW_DEVICE_SUBJECT,
    MAIL_NOTICE_BODY,
    MAIL_NOTICE_SUBJECT,
    MAIL_PASSWORD_RESET_DONE_BODY,
    MAIL_PASSWORD_RESET_DONE_SUBJECT,
    MAIL_RESET_BODY,
    MAIL_RESET_SUBJECT,
    MAIL_SECOND_FACTOR_REMOVED_BODY,
    MAIL_SECOND_FACTOR_REMOVED_SUBJECT,
    MAIL_SIGNUP_NAME_TAKEN_BODY,
    MAIL_SIGNUP_NAME_TAKEN_SUBJECT,
    MAIL_SIGNUP_TAKEN_BODY,
    MAIL_SIGNUP_TAKEN_SUBJECT,
    MAIL_WELCOME_BODY,
    MAIL_WELCOME_SUBJECT,
    TEMPLATES,
)

# Writers: commands that change data.
from ._writers.email import MAX_ATTEMPTS, backoff, deliver_due, queue_email, register_attachment, retry_message
from ._writers.newsletters import mail_text, save_newsletter, send_newsletter, unsubscribe
from ._writers.notification_rows import NOTIFICATION_INSERT, notifications_from_select
from ._writers.notifications import (
    dismiss,
    dismiss_all,
    dispatch_emails,
    notify,
    post_notice,
    recipient_of,
    resolve,
)
from ._writers.tickets import (
    assign_ticket,
    close_ticket,
    create_ticket,
    open_system_ticket,
    reply,
    request_about_account,
)

__all__ = [
    "AGES",
    "AGE_LABELS",
    "CATEGORIES",
    "MAIL_CONFIRM_BODY",
    "MAIL_CONFIRM_SUBJECT",
    "MAIL_INVITE_BODY",
    "MAIL_INVITE_SUBJECT",
    "MAIL_NEW_DEVICE_BODY",
    "MAIL_NEW_DEVICE_SUBJECT",
    "MAIL_NOTICE_BODY",
    "MAIL_NOTICE_SUBJECT",
    "MAIL_PASSWORD_RESET_DONE_BODY",
    "MAIL_PASSWORD_RESET_DONE_SUBJECT",
    "MAIL_RESET_BODY",
    "MAIL_RESET_SUBJECT",
    "MAIL_SECOND_FACTOR_REMOVED_BODY",
    "MAIL_SECOND_FACTOR_REMOVED_SUBJECT",
    "MAIL_SIGNUP_NAME_TAKEN_BODY",
    "MAIL_SIGNUP_NAME_TAKEN_SUBJECT",
    "MAIL_SIGNUP_TAKEN_BODY",
    "MAIL_SIGNUP_TAKEN_SUBJECT",
    "MAIL_WELCOME_BODY",
    "MAIL_WELCOME_SUBJECT",
    "MAX_ATTEMPTS",
    "MSG_CATEGORY",
    "MSG_MESSAGE",
    "MSG_SUBJECT",
    "NOTIFICATION_INSERT",
    "ORDER_ATTENTION_KINDS",
    "OUTBOX_STATUSES",
    "STICKY_KINDS",
    "SUBJECT_MAX",
    "TEMPLATES",
    "NewsletterRow",
    "NotificationView",
    "QueueFilters",
    "TicketRow",
    "assign_ticket",
    "backoff",
    "banners",
    "clean_filters",
    "close_ticket",
    "create_ticket",
    "customer_tickets",
    "deliver_due",
    "dismiss",
    "dismiss_all",
    "dispatch_emails",
    "iter_subscribers_csv",
    "list_newsletters",
    "mail_text",
    "notifications_from_select",
    "notifications_page",
    "notify",
    "open_by_age",
    "open_system_ticket",
    "outbox_page",
    "post_notice",
    "queue_email",
    "recipient_of",
    "register_attachment",
    "reply",
    "request_about_account",
    "resolve",
    "retry_message",
    "save_newsletter",
    "send_newsletter",
    "staff_members",
    "staff_queue",
    "subscriber_count",
    "ticket_thread",
    "tickets_page",
    "unsubscribe",
    "unsubscribe_view",
]
