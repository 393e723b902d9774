"""The app shell's state: who is logged in, the top bar (balance), banners, logout."""

from __future__ import annotations

import os
import socket
from urllib.parse import quote

import reflex as rx

from introserv_app.db.session import session_scope
from introserv_app.i18n import format_money, normalize_language, translate_message
from introserv_app.services.accounts import logout, token_from_cookie_header
from introserv_app.services.billing import balance
from introserv_app.services.common import access
from introserv_app.services.common.viewer import Viewer
from introserv_app.state.binding import clear_user_states
from introserv_app.state.guard import client_ip, current_viewer
from introserv_app.state.locale import LocaleState


def worker_id() -> str:
    """This backend worker, "host:pid" (read per call: workers are forked after the app is imported)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class SessionState(rx.State):
    username: str = ""
    role: str = ""
    is_staff: bool = False
    balance_text: str = ""
    checked: bool = False
    #: "host:pid" of the backend worker that ran the last page load (several workers share the state in Redis).
    served_by: str = ""
    #: Last value of `echo` (the load test's no-op round trip: no database, no service).
    echo_value: int = 0

    async def _apply(self, viewer: Viewer) -> None:
        self.username, self.role, self.is_staff = viewer.username, viewer.role.value, viewer.is_staff
        locale = await self.get_state(LocaleState)
        locale.lang = normalize_language(viewer.language)
        if viewer.is_staff:
            self.balance_text = ""
        else:
            with session_scope() as session:
                self.balance_text = format_money(balance(session=session, user_id=viewer.user_id), locale.lang)
        self.checked = True
        self.served_by = worker_id()

    def _to_login(self):
        self.checked = False
        path = self.router.url.path if self.router.url else "/"
        return rx.redirect(f"/login?next={quote(path, safe='/', errors='replace')}", replace=True)

    async def _signed_in(self) -> Viewer | None:
        viewer = current_viewer(self)
        if viewer is not None:
            await self._apply(viewer)
        return viewer

    @rx.event
    async def check_login(self):
        """on_load of every signed-in page."""
        return self._to_login() if await self._signed_in() is None else None

    @rx.event
    async def check_staff(self):
        """on_load of every /staff page: customers are refused (audited) and sent home."""
        viewer = await self._signed_in()
        if viewer is None:
            return self._to_login()
        if not viewer.is_staff:
            with session_scope() as session:
                access.record_denied(
                    session=session, viewer=viewer, target=self.router.route_id or "staff", ip=client_ip(self)
                )
            locale = await self.get_state(LocaleState)
            return [
                rx.redirect("/"),
                rx.toast.error(translate_message(locale.lang, access.MSG_STAFF_ONLY)),
            ]
        return None

    @rx.event
    def echo(self, value: int):
        """A no-op round trip: the floor the load test (`python -m bench load`) compares real actions with."""
        self.echo_value = value if isinstance(value, int) else 0

    @rx.event
    async def sign_out(self):
        """Revoke the session, empty every state of this tab, then the POST route deletes the HttpOnly cookie
        and the browser loads the login page (a new socket without the cookie)."""
        token = token_from_cookie_header(self.router.headers.cookie)
        with session_scope() as session:
            logout(session=session, token=token, ip=client_ip(self))
        await clear_user_states(self, "")
        return rx.call_script("window.introservSignOut()")
