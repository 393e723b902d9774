"""A local SMTP server for the tests (aiosmtpd): an inbox, a free port, the SMTP settings pointing at it."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

from introserv_app.config import SmtpSettings


@dataclass
class Inbox:
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings(port: int) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1", port=port, username="", password="", starttls=False, sender="INTROSERV <billing@example.com>"
    )


class Mailbox:
    """A real SMTP server on a free port (aiosmtpd) and the panel's own sender delivering a database's outbox
    to it: what a customer's mail client would receive, for the browser tests."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.inbox = Inbox()
        self.port = free_port()
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> Mailbox:
        self._controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._controller.stop()

    def deliver(self, db_url: str) -> None:
        """Run the outbox sender once against `db_url` (what the panel's mail job does every 30 s)."""
        from introserv_app.db.session import create_db_engine
        from introserv_app.services.messaging import deliver_due

        engine = create_db_engine(db_url)
        try:
            deliver_due(engine=engine, smtp=settings(self.port))
        finally:
            engine.dispose()

    def text_to(self, address: str) -> list[str]:
        """The plain-text bodies of the messages delivered to `address`, oldest first."""
        bodies = []
        for message in self.inbox.messages:
            if address.lower() in (message.get("To") or "").lower():
                part = next((p for p in message.walk() if p.get_content_type() == "text/plain"), message)
                payload = part.get_payload(decode=True)
                bodies.append(payload.decode(part.get_content_charset() or "utf-8") if payload else "")
        return bodies
