"""The scopes an API key may carry (also the command line's choices, which must not import the services)."""

from __future__ import annotations

from introserv_app.domain.text import N_

#: Scope -> its label msgid. `read`: every GET; `billing`: renew, pay, order, cancel, comments; `tickets`:
#: open, reply, close (and read) tickets; `servers`: power and sensors of managed servers.
SCOPES: dict[str, str] = {
    "read": N_("Read: orders, invoices, balance, tickets"),
    "billing": N_("Billing: renew, pay, order, cancel"),
    "tickets": N_("Tickets: open, reply, close"),
    "servers": N_("Servers: power and sensors"),
}
