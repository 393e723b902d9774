"""Messaging's vocabulary, shared by its readers and writers: notification kinds and severities, ticket
categories, statuses and ages, limits and messages, and the text rules of a ticket."""

from __future__ import annotations

from introserv_app.domain.statuses import TicketStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import TextError, check_text
from introserv_app.services.common.errors import ServiceError

SEVERITIES = ("info", "warning", "critical")


NOTICE_MAX = 2000


#: Kinds that say an order needs the customer's attention; a payment or a cancellation resolves them.
ORDER_ATTENTION_KINDS = (
    "renewal_reminder",
    "renewal_invoice",
    "auto_renew_invoice",
    "auto_renew_failed",
    "order_suspended",
)


#: Critical notices that stay on screen until their cause is resolved (payment, lifting, cancellation).
STICKY_KINDS = ("order_suspended", "order_suspended_violation")


MSG_NOT_FOUND = N_("Notification not found.")


MSG_CRITICAL = N_("This notice stays until its cause is resolved.")


MSG_NOTICE_EMPTY = N_("Write the notice.")


MSG_NOTICE_LONG = N_("A notice can have at most 2,000 characters.")


MSG_NOTICE_CHARACTERS = N_("The notice contains characters that cannot be used (invisible control characters).")


MSG_BAD_SEVERITY = N_("Choose how important the notice is.")


CATEGORIES: dict[str, str] = {
    "billing": N_("Billing"),
    "technical": N_("Technical"),
    "abuse": N_("Abuse"),
    "complaint": N_("Complaint"),
}


SUBJECT_MAX, MESSAGE_MAX = 200, 10_000


PAGE_SIZE = 25


MSG_SUBJECT = N_("Enter a subject of at most 200 characters.")


MSG_MESSAGE = N_("Enter a message of at most 10,000 characters.")


MSG_SUBJECT_CHARACTERS = N_("The subject contains characters that cannot be used (invisible control characters).")


MSG_MESSAGE_CHARACTERS = N_("The message contains characters that cannot be used (invisible control characters).")


MSG_CATEGORY = N_("Choose a category.")


MSG_TICKET_NOT_FOUND = N_("Ticket not found.")


MSG_TICKET_CLOSED = N_("This ticket is closed; open a new one.")


MSG_ALREADY_CLOSED = N_("This ticket is already closed.")


MSG_ASSIGNEE = N_("Choose a support staff member.")


#: Queue filters: how long since the last message.
AGES: dict[str, tuple[float | None, float | None]] = {
    "lt1d": (None, 1),
    "1to3d": (1, 3),
    "3to7d": (3, 7),
    "gt7d": (7, None),
}


AGE_LABELS: dict[str, str] = {
    "lt1d": N_("Less than a day"),
    "1to3d": N_("1 to 3 days"),
    "3to7d": N_("3 to 7 days"),
    "gt7d": N_("More than 7 days"),
}


ACTIVE_STATUSES = (TicketStatus.OPEN, TicketStatus.WAITING_STAFF)


MAIL_DESK_SUBJECT = "[#{ticket}] {subject}"


MAIL_DESK_BODY = "{who} wrote on ticket #{ticket} ({category}):\n\n{body}\n\n{link}\n"


def clean_ticket_text(text: object, limit: int, *, multiline: bool, refusal: str, characters: str) -> str:
    """Trimmed text (line breaks kept when `multiline`); refused when empty, too long or with unusable
    characters (NUL and other controls, lone surrogates)."""
    try:
        value = check_text(text, max_len=limit, multiline=multiline)
    except TextError as exc:
        raise ServiceError(characters if exc.problem == "characters" else refusal) from None
    if not value:
        raise ServiceError(refusal)
    return value
