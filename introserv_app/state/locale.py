"""The viewer's interface language."""

from __future__ import annotations

import reflex as rx

from introserv_app.db.session import session_scope
from introserv_app.i18n import SUPPORTED_LANGUAGES
from introserv_app.services.profile import set_language
from introserv_app.state.guard import current_viewer

#: Route -> the event that reloads that page's server-formatted data (filled by the app module).
PAGE_RELOADERS: dict[str, object] = {}
#: Events that reload server-formatted data shown on every page (the top bar).
SHELL_RELOADERS: list[object] = []


class LocaleState(rx.State):
    """`lang` lives in a cookie (so the login page has it too) and in the user's profile."""

    lang: str = rx.Cookie("en", name="introserv_lang", same_site="strict", max_age=365 * 24 * 3600)

    @rx.event
    def switch_language(self, lang: str):
        if lang not in SUPPORTED_LANGUAGES:
            return None
        self.lang = lang
        viewer = current_viewer(self)
        if viewer is not None:
            with session_scope() as session:
                set_language(session=session, viewer=viewer, language=lang)
        path = (self.router.url.path if self.router.url else "/").rstrip("/") or "/"
        page = PAGE_RELOADERS.get(path)
        return [*SHELL_RELOADERS, *([page] if page is not None else [])]
