"""The viewer's interface language."""

from __future__ import annotations

import reflex as rx

from introserv_app.db.session import session_scope
from introserv_app.i18n import SUPPORTED_LANGUAGES
from introserv_app.services.accounts import set_language
from introserv_app.state.guard import current_viewer

#: Route -> the event that reloads that page's server-formatted data (filled by the app module).
PAGE_RELOADERS: dict[str, object] = {}
#: Events that reload server-formatted data shown on every page (the top bar).
SHELL_RELOADERS: list[object] = []


def reloader_for(path: str) -> object | None:
    """The load event of the page at `path`; `/orders/123` finds the one registered as `/orders/[id]`."""
    path = path.rstrip("/") or "/"
    found = PAGE_RELOADERS.get(path)
    if found is None and "/" in path.strip("/"):
        head, _, last = path.rpartition("/")
        if last.isdigit():
            found = PAGE_RELOADERS.get(head + "/[id]")
    return found


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
        page = reloader_for(self.router.url.path if self.router.url else "/")
        return [*SHELL_RELOADERS, *([page] if page is not None else [])]


async def viewer_lang(state: rx.State) -> str:
    """The language of the tab the event came from."""
    return (await state.get_state(LocaleState)).lang
