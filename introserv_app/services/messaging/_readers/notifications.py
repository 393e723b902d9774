"""Notifications as the customer sees them: the banners of the Orders tab and the dashboard, and the list."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from introserv_app.db.tables import Notification
from introserv_app.i18n import format_datetime
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging._rules import STICKY_KINDS
from introserv_app.services.messaging._templates import Rendered, render

BANNERS_MAX = 5


PAGE_SIZE = 25


@dataclass(frozen=True)
class NotificationView:
    id: int
    severity: str
    title: str
    body: str
    created: str
    order_id: int | None
    dismissible: bool
    dismissed: bool
    resolved: bool


@dataclass(frozen=True)
class Banners:
    items: list[NotificationView]
    more: int  # open notifications beyond the ones shown


def _view(row: Notification, lang: str) -> NotificationView:
    text: Rendered = render(row.kind, row.params or {}, row.body, lang, row.created_at.date())
    return NotificationView(
        id=row.id or 0,
        severity=row.severity,
        title=text.title,
        body=text.body,
        created=format_datetime(row.created_at, lang, "short"),
        order_id=row.order_id,
        dismissible=row.dismissed_at is None and not (row.kind in STICKY_KINDS and row.resolved_at is None),
        dismissed=row.dismissed_at is not None,
        resolved=row.resolved_at is not None,
    )


def _open(user_id: Any) -> tuple[Any, ...]:
    """The user's open notifications (neither dismissed nor resolved); `user_id` a value or a bind parameter."""
    return (
        col(Notification.user_id) == user_id,
        col(Notification.dismissed_at).is_(None),
        col(Notification.resolved_at).is_(None),
    )


_OPEN = _open(sa.bindparam("user_id"))


# Built once: the banners are asked for on every page load.
_BANNERS = (
    select(Notification)
    .where(*_OPEN)
    .order_by(
        sa.case({"critical": 0, "warning": 1}, value=col(Notification.severity), else_=2),
        col(Notification.created_at).desc(),
        col(Notification.id).desc(),
    )
    .limit(BANNERS_MAX)
)


_OPEN_COUNT = sa.select(sa.func.count()).select_from(Notification).where(*_OPEN)


def banners(*, session: Session, viewer: Viewer, lang: str) -> Banners:
    """The viewer's open notifications for the banners: critical first, then newest. Staff have none."""
    if viewer.is_staff:
        return Banners([], 0)
    rows = session.execute(_BANNERS, {"user_id": viewer.user_id}).scalars().all()
    total = len(rows)
    if total == BANNERS_MAX:  # only then can there be more than are shown
        total = int(session.connection().execute(_OPEN_COUNT, {"user_id": viewer.user_id}).scalar_one())
    return Banners([_view(r, lang) for r in rows], max(total - len(rows), 0))


@dataclass(frozen=True)
class NotificationsPage:
    items: list[NotificationView]
    total: int
    page: int
    pages: int


def notifications_page(*, session: Session, viewer: Viewer, lang: str, page: int = 1) -> NotificationsPage:
    """All of the viewer's notifications, newest first, a page at a time."""
    where = col(Notification.user_id) == viewer.user_id
    total = int(session.exec(select(sa.func.count()).select_from(Notification).where(where)).one())
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page if isinstance(page, int) and not isinstance(page, bool) else 1, 1), pages)
    rows = session.exec(
        select(Notification)
        .where(where)
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return NotificationsPage([_view(r, lang) for r in rows], total, page, pages)
