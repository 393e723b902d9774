"""Errors that services raise for the UI to show (messages are msgids, translated when shown)."""

from __future__ import annotations

from introserv_app.domain.text import N_

#: What a customer is told when the database does not answer (a restart, a failover): an event's toast, a
#: route's 503.
MSG_DB_UNAVAILABLE = N_(
    "The service is temporarily unavailable: the database does not answer. Nothing was saved — "
    "please try again in a moment."
)


class ServiceError(Exception):
    """A refusal with a user-facing message (a translatable msgid plus format values)."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message)
        self.message = message
        self.values = values


class PermissionDenied(ServiceError):
    """The viewer may not do this (the action has been audited)."""
