"""Errors that services raise for the UI to show (messages are msgids, translated when shown)."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal with a user-facing message (a translatable msgid plus format values)."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message)
        self.message = message
        self.values = values


class PermissionDenied(ServiceError):
    """The viewer may not do this (the action has been audited)."""
