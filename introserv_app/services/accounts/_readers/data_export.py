""" "Download my data": everything the panel keeps about the viewer, as JSON and CSV files for a zip (the
profile, orders, invoices with lines, ledger, tickets with messages, notifications, sign-ins). Secrets
(password, code word, call password, TOTP secret, recovery codes, passkey keys) are never part of it: only
whether they are set."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.db.tables import (
    AuditEvent,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Notification,
    Order,
    Passkey,
    Profile,
    Ticket,
    TicketMessage,
    User,
    UserSession,
)
from introserv_app.domain.csvcells import neutralize_formulas
from introserv_app.services.accounts import _second_factor as factors
from introserv_app.services.common.viewer import Viewer

#: The profile's secrets: exported only as "set" or not.
SECRET_FIELDS = ("code_word_hash", "call_password_hash")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(session: Session, stmt: Any) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row._mapping.items()} for row in session.connection().execute(stmt)]


def _columns(model: Any, *skip: str) -> list[Any]:
    return [c for c in model.__table__.columns if c.name not in skip]  # type: ignore[attr-defined]


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: neutralize_formulas([v])[0] if isinstance(v, str) else v for k, v in row.items()})
    return out.getvalue().encode("utf-8-sig")


def my_data_files(*, session: Session, viewer: Viewer) -> Iterator[tuple[str, bytes]]:
    """(file name, content) of the viewer's data, section by section (each as .json, tables also as .csv)."""
    uid = viewer.user_id
    user = session.get(User, uid)
    profile = session.get(Profile, uid)
    assert user is not None
    account: dict[str, Any] = {
        "username": user.username,
        "created_at": _plain(user.created_at),
        "last_login_at": _plain(user.last_login_at),
        "last_login_ip": user.last_login_ip,
        "two_factor": {
            "authenticator_app": factors.has_totp(session, uid),
            "passkeys": [
                {"name": p.name, "created_at": _plain(p.created_at), "last_used_at": _plain(p.last_used_at)}
                for p in session.exec(select(Passkey).where(Passkey.user_id == uid))
            ],
            "passwordless": user.passwordless,
        },
    }
    if profile is not None:
        fields = {c.name: _plain(getattr(profile, c.name)) for c in _columns(Profile, "user_id", *SECRET_FIELDS)}
        account["profile"] = fields
        account["code_word_set"] = profile.code_word_hash is not None
        account["call_password_set"] = profile.call_password_hash is not None
    yield "profile.json", json.dumps(account, ensure_ascii=False, indent=2).encode()
    tables: list[tuple[str, Any]] = [
        ("orders", sa.select(*_columns(Order)).where(col(Order.user_id) == uid).order_by(col(Order.id))),
        ("invoices", sa.select(*_columns(Invoice)).where(col(Invoice.user_id) == uid).order_by(col(Invoice.id))),
        (
            "invoice_lines",
            sa.select(*_columns(InvoiceLine))
            .join(Invoice, col(Invoice.id) == col(InvoiceLine.invoice_id))
            .where(col(Invoice.user_id) == uid)
            .order_by(col(InvoiceLine.id)),
        ),
        (
            "ledger",
            sa.select(*_columns(LedgerEntry)).where(col(LedgerEntry.user_id) == uid).order_by(col(LedgerEntry.id)),
        ),
        ("tickets", sa.select(*_columns(Ticket)).where(col(Ticket.user_id) == uid).order_by(col(Ticket.id))),
        (
            "ticket_messages",
            sa.select(*_columns(TicketMessage, "author_id"))
            .join(Ticket, col(Ticket.id) == col(TicketMessage.ticket_id))
            .where(col(Ticket.user_id) == uid)
            .order_by(col(TicketMessage.id)),
        ),
        (
            "notifications",
            sa.select(*_columns(Notification, "dedupe_key", "email_state"))
            .where(col(Notification.user_id) == uid)
            .order_by(col(Notification.id)),
        ),
        (
            "sessions",
            sa.select(*_columns(UserSession, "token_hash", "ticket_hash", "challenge_hash"))
            .where(col(UserSession.user_id) == uid)
            .order_by(col(UserSession.id)),
        ),
        (
            "sign_ins",
            sa.select(col(AuditEvent.created_at), col(AuditEvent.action), col(AuditEvent.success), col(AuditEvent.ip))
            .where(
                col(AuditEvent.subject_user_id) == uid,
                col(AuditEvent.action).in_(("login", "login.throttled", "logout", "login.password_ok")),
            )
            .order_by(col(AuditEvent.id)),
        ),
    ]
    for name, stmt in tables:
        rows = _rows(session, stmt)
        yield f"{name}.json", json.dumps(rows, ensure_ascii=False, indent=2, default=str).encode()
        yield f"{name}.csv", _csv(rows)
