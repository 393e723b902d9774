"""The login form."""

from __future__ import annotations

import json
from urllib.parse import quote

import reflex as rx

from introserv_app.db.session import session_scope
from introserv_app.i18n import translate_message
from introserv_app.services.auth import authenticate
from introserv_app.state.guard import client_ip, current_viewer
from introserv_app.state.locale import LocaleState


def safe_next(path: str) -> str:
    """Only same-site absolute paths (no `//host`, no scheme) are followed after login."""
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    if len(path) > 512 or any(ch in path for ch in "\r\n\t"):
        return "/"
    return path


class LoginState(rx.State):
    error: str = ""
    busy: bool = False

    @rx.event
    def open_page(self):
        """Signed-in users go straight to the dashboard."""
        self.error, self.busy = "", False
        if current_viewer(self) is not None:
            return rx.redirect("/", replace=True)
        return None

    @rx.event
    async def submit(self, form_data: dict):
        username = form_data.get("username", "")
        password = form_data.get("password", "")
        locale = await self.get_state(LocaleState)
        self.busy = True
        with session_scope() as session:
            outcome = authenticate(
                session=session,
                username=username if isinstance(username, str) else "",
                password=password if isinstance(password, str) else "",
                ip=client_ip(self),
                user_agent=self.router.headers.user_agent or "",
            )
        if not outcome.ok or not outcome.ticket:
            self.busy = False
            self.error = translate_message(locale.lang, outcome.error or "", {"seconds": outcome.retry_after})
            return None
        self.error = ""
        next_path = safe_next(self.router.url.query_parameters.get("next", "/") if self.router.url else "/")
        target = f"/auth/complete?ticket={quote(outcome.ticket)}&next={quote(next_path, safe='/')}"
        return rx.call_script(f"window.location.assign({json.dumps(target)})")
