"""Notification banners (Orders tab, dashboard) and the /notifications list."""

from __future__ import annotations

import reflex as rx

from introserv_app.db.session import session_scope
from introserv_app.domain.validation import parse_id, parse_page
from introserv_app.i18n import translate_error
from introserv_app.services import messaging
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.messaging import NotificationView
from introserv_app.state.guard import current_viewer, page_from_url
from introserv_app.state.locale import LocaleState


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
    banners: list[dict[str, str]] = []
    more: int = 0
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    pages: int = 1

    @rx.event
    async def load_banners(self):
        viewer = current_viewer(self)
        if viewer is None:
            self.banners, self.more = [], 0
            return
        lang = (await self.get_state(LocaleState)).lang
        with session_scope() as session:
            shown = messaging.banners(session=session, viewer=viewer, lang=lang)
        self.banners, self.more = [_row(v) for v in shown.items], shown.more

    @rx.event
    async def load(self):
        viewer = current_viewer(self)
        if viewer is None:
            self.rows = []
            return
        lang = (await self.get_state(LocaleState)).lang
        with session_scope() as session:
            page = messaging.notifications_page(session=session, viewer=viewer, lang=lang, page=page_from_url(self))
        self.rows, self.total, self.page, self.pages = [_row(v) for v in page.items], page.total, page.page, page.pages
        await self.load_banners()

    @rx.event
    def go_page(self, page: int):
        return rx.redirect(f"/notifications?page={parse_page(page) or 1}")

    @rx.event
    async def dismiss(self, notification_id: str):
        viewer = current_viewer(self)
        if viewer is None:
            return None
        lang = (await self.get_state(LocaleState)).lang
        try:
            with session_scope() as session:
                messaging.dismiss(
                    session=session,
                    viewer=viewer,
                    notification_id=parse_id(notification_id) or 0,
                )
        except ServiceError as exc:
            return rx.toast.error(translate_error(lang, exc.message, exc.values))
        await self._reload()
        return None

    @rx.event
    async def dismiss_all(self):
        viewer = current_viewer(self)
        if viewer is None:
            return
        with session_scope() as session:
            messaging.dismiss_all(session=session, viewer=viewer)
        await self._reload()

    async def _reload(self) -> None:
        """The banners, and the list when this is the notifications page."""
        if self.rows:
            await self.load()  # reloads the banners too
        else:
            await self.load_banners()
