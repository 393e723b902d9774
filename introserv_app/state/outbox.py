"""Staff view of the email outbox."""

from __future__ import annotations

import reflex as rx

from introserv_app.domain.statuses import OUTBOX_STATUS_LABELS, OutboxStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import parse_id
from introserv_app.i18n import format_datetime, gettext
from introserv_app.services.common.errors import PermissionDenied
from introserv_app.services.messaging import OUTBOX_STATUSES, outbox_page, retry_message
from introserv_app.state.context import Ctx
from introserv_app.state.fields import Field, event, field
from introserv_app.state.guard import STAFF_STATES, staff_only


class OutboxState(rx.State):
    rows: Field[list[dict[str, str]]] = field([])
    counts: Field[dict[str, int]] = field({})
    status_filter: Field[str] = field("all")

    @event
    @staff_only
    async def load(self):
        ctx = await Ctx.of(self)
        viewer, lang = ctx.viewer, ctx.lang
        if viewer is None:
            return
        status = self.status_filter if self.status_filter in OUTBOX_STATUSES else None
        try:
            with ctx.session() as session:
                page = outbox_page(session=session, viewer=viewer, status=status, ip=ctx.ip)
        except PermissionDenied:
            self.rows, self.counts = [], {}
            return
        self.counts = page.counts
        self.rows = [
            {
                "id": str(r.id),
                "to": r.to_addr,
                "subject": r.subject,
                "status": r.status,
                "status_label": gettext(lang, OUTBOX_STATUS_LABELS[r.status]),
                "attempts": str(r.attempts),
                "error": r.last_error,
                "created": format_datetime(r.created_at, lang, "short"),
                "next": format_datetime(r.next_attempt_at, lang, "short") if r.status == OutboxStatus.PENDING else "",
                "sent": format_datetime(r.sent_at, lang, "short"),
            }
            for r in page.rows
        ]

    @event
    @staff_only
    async def set_filter(self, status: str | list[str]):
        value = status[0] if isinstance(status, list) and status else status
        self.status_filter = value if isinstance(value, str) and value in OUTBOX_STATUSES else "all"
        await self.load()

    @event
    @staff_only
    async def retry(self, message_id: str):
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None:
            return None
        mid = parse_id(message_id)
        if mid is None:
            return None
        try:
            with ctx.session() as session:
                retry_message(session=session, message_id=mid, viewer=viewer, ip=ctx.ip)
        except PermissionDenied:
            return None
        await self.load()
        return rx.toast.success(ctx.text(N_("The message is queued for delivery again.")))


STAFF_STATES.append(OutboxState)
