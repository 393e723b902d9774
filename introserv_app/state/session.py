"""The app shell's state: who is logged in, the top bar (balance), banners, logout."""

from __future__ import annotations

import os
import socket
from urllib.parse import quote

import reflex as rx
from reflex.event import EventSpec

from introserv_app.i18n import format_money
from introserv_app.services.accounts import logout, staff_lacks_second_factor, token_from_cookie_header
from introserv_app.services.billing import balance
from introserv_app.services.common import access
from introserv_app.services.common.viewer import Viewer
from introserv_app.state.binding import clear_user_states
from introserv_app.state.context import Ctx, adopt_language
from introserv_app.state.fields import Field, event, field
from introserv_app.state.guard import STAFF_2FA_FIRST, staff_2fa_required

MSG_STAFF_2FA = STAFF_2FA_FIRST


def worker_id() -> str:
    """This backend worker, "host:pid" (read per call: workers are forked after the app is imported)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class SessionState(rx.State):
    username: Field[str] = field("")
    role: Field[str] = field("")
    is_staff: Field[bool] = field(False)
    balance_text: Field[str] = field("")
    checked: Field[bool] = field(False)
    #: "host:pid" of the backend worker that ran the last page load (several workers share the state in Redis).
    served_by: Field[str] = field("")
    #: Last value of `echo` (the load test's no-op round trip: no database, no service).
    echo_value: Field[int] = field(0)

    async def _apply(self, ctx: Ctx, viewer: Viewer) -> None:
        self.username, self.role, self.is_staff = viewer.username, viewer.role.value, viewer.is_staff
        ctx.lang = await adopt_language(self, viewer.language)
        if viewer.is_staff:
            self.balance_text = ""
        else:
            with ctx.session() as session:
                self.balance_text = format_money(balance(session=session, user_id=viewer.user_id), ctx.lang)
        self.checked = True
        self.served_by = worker_id()

    def _to_login(self) -> EventSpec:
        self.checked = False
        path = self.router.url.path if self.router.url else "/"
        return rx.redirect(f"/login?next={quote(path, safe='/', errors='replace')}", replace=True)

    async def _signed_in(self, ctx: Ctx) -> Viewer | None:
        viewer = ctx.viewer
        if viewer is not None:
            await self._apply(ctx, viewer)
        return viewer

    @event
    async def check_login(self):
        """on_load of every signed-in page."""
        return self._to_login() if await self._signed_in(await Ctx.of(self)) is None else None

    @event
    async def check_staff(self):
        """on_load of every /staff page: customers are refused (audited) and sent home."""
        ctx = await Ctx.of(self)
        viewer = await self._signed_in(ctx)
        if viewer is None:
            return self._to_login()
        if not viewer.is_staff:
            with ctx.session() as session:
                access.record_denied(session=session, viewer=viewer, target=self.router.route_id or "staff", ip=ctx.ip)
            return [rx.redirect("/"), rx.toast.error(ctx.text(access.MSG_STAFF_ONLY))]
        if staff_2fa_required():
            with ctx.session() as session:
                waiting = staff_lacks_second_factor(session, is_staff=True, user_id=viewer.user_id)
            if waiting:  # INTROSERV_STAFF_2FA=required: the console waits for a second factor
                return [rx.redirect("/settings#two-factor"), rx.toast.warning(ctx.text(MSG_STAFF_2FA))]
        return None

    @event
    def echo(self, value: int):
        """A no-op round trip: the floor the load test (`python -m bench load`) compares real actions with."""
        self.echo_value = value if isinstance(value, int) else 0

    @event
    async def sign_out(self):
        """Revoke the session, empty every state of this tab, then the POST route deletes the HttpOnly cookie
        and the browser loads the login page (a new socket without the cookie)."""
        ctx = await Ctx.of(self)
        token = token_from_cookie_header(self.router.headers.cookie)
        with ctx.session() as session:
            logout(session=session, token=token, ip=ctx.ip)
        await clear_user_states(self, "")
        return rx.call_script("window.introservSignOut()")
