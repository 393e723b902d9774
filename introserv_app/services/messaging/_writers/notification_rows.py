"""Notifications for many orders at once, written by one INSERT ... SELECT (the lifecycle job's steps)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from introserv_app.db.sql import json_object, key_expr, timestamp_literal
from introserv_app.db.tables import Notification, table_of
from introserv_app.services import messaging

NOTIFICATION_INSERT = (
    "user_id", "order_id", "severity", "kind", "title", "body", "params", "email_state", "dedupe_key", "created_at",
)  # fmt: skip


def notifications_from_select(
    session: Session,
    rows: Any,
    kind: str,
    params: Callable[[Any], dict[str, Any]],
    dedupe: str,
    now: datetime,
    *filters: Any,
) -> Any:
    """INSERT ... SELECT of a `kind` notification (email pending) for each of `rows`."""
    template = messaging.TEMPLATES[kind]
    return sa.insert(table_of(Notification)).from_select(
        NOTIFICATION_INSERT,
        sa.select(
            rows.user_id, rows.id, sa.literal(template.severity), sa.literal(kind), sa.literal(template.title[:200]),
            sa.literal(""), json_object(session, {"order": rows.service_name, **params(rows)}), sa.literal("pending"),
            key_expr(dedupe, rows.id, rows.paid_until), timestamp_literal(now),
        ).where(*filters),
    )  # fmt: skip
