"""Notification banners (Orders tab, dashboard) and the /notifications list."""

from __future__ import annotations

import reflex as rx

from introserv_app.domain.validation import parse_id, parse_page
from introserv_app.services import messaging
from introserv_app.services.messaging import NotificationView
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.incidents import incident_banner_rows
from introserv_app.state.url import page_url


def _row(view: NotificationView) -> dict[str, str]:
    return {
        "id": str(view.id),
        "severity": view.severity,
        "title": view.title,
        "body": view.body,
        "created": view.created,
        "order_id": str(view.order_id or ""),
        "dismissible": "1" if view.dismissible else "",
        "state": "resolved" if view.resolved else ("dismissed" if view.dismissed else "open"),
    }


class NotificationsState(rx.State):
    banners: Field[list[dict[str, str]]] = field([])
    more: Field[int] = field(0)
    #: Incidents that affect the viewer: open ones, and those resolved in the last day (components/incidents.py).
    incidents: Field[list[dict[str, str]]] = field([])
    rows: Field[list[dict[str, str]]] = field([])
    total: Field[int] = field(0)
    page: Field[int] = field(1)
    pages: Field[int] = field(1)

    @event
    async def load_banners(self):
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None:
            self.banners, self.more, self.incidents = [], 0, []
            return
        with ctx.session() as session:
            shown = messaging.banners(session=session, viewer=viewer, lang=ctx.lang)
            self.incidents = incident_banner_rows(session, viewer, ctx.lang)
        self.banners, self.more = [_row(v) for v in shown.items], shown.more

    @event
    async def load(self):
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None:
            self.rows = []
            return
        with ctx.session() as session:
            page = messaging.notifications_page(
                session=session, viewer=viewer, lang=ctx.lang, page=page_url(self).page()
            )
        self.rows, self.total, self.page, self.pages = [_row(v) for v in page.items], page.total, page.page, page.pages
        await self.load_banners()

    @event
    def go_page(self, page: int):
        return rx.redirect(f"/notifications?page={parse_page(page) or 1}")

    @event
    async def dismiss(self, notification_id: str):
        ctx = await Ctx.of(self)
        if ctx.viewer is None:
            return None
        nid = parse_id(notification_id) or 0
        done = ctx.run(lambda s, v: messaging.dismiss(session=s, viewer=v, notification_id=nid))
        if isinstance(done, Refused):
            return rx.toast.error(done.message)
        await self._reload()
        return None

    @event
    async def dismiss_all(self):
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None:
            return
        with ctx.session() as session:
            messaging.dismiss_all(session=session, viewer=viewer)
        await self._reload()

    async def _reload(self) -> None:
        """The banners, and the list when this is the notifications page."""
        if self.rows:
            await self.load()  # reloads the banners too
        else:
            await self.load_banners()
