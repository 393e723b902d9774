"""What an event handler works with, resolved once per event: `ctx = await Ctx.of(self)`.

- `ctx.viewer`: who sent the event, resolved from the HttpOnly session cookie of the websocket handshake
  (`router.headers.cookie`, never sent to the browser; None when signed out). The Reflex tab token is not a
  credential: every handler asks this, and staff handlers are guarded on top (`state.guard`).
- `ctx.lang`: the tab's language (`LocaleState`, a cookie); `viewer_lang` is the one way to read it.
- `ctx.ip`: the client address (`domain.addresses.client_address`, the same rule as the HTTP routes).
- `ctx.session()`: one unit of work (commit on success, roll back on any error); inside `page_load()` every
  session of the page load is that one shared session.
- `ctx.run(...)`: one service call in one unit of work, its result or the service's refusal translated
  (`Refused`); `ctx.refusal(exc)` translates a refusal caught by hand.

This is the only module of the state layer that opens database sessions (an import contract in
pyproject.toml keeps it so).
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TypeVar

import reflex as rx
from reflex.state import BaseState
from sqlmodel import Session

from introserv_app.config import get_settings
from introserv_app.db.session import page_load_session, session_scope
from introserv_app.domain.addresses import client_address
from introserv_app.domain.text import N_
from introserv_app.i18n import SUPPORTED_LANGUAGES, normalize_language, translate_error, translate_message
from introserv_app.services.accounts import resolve_session, sessions_generation, set_language, token_from_cookie_header
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.state.fields import event
from introserv_app.state.reloaders import reloader_for, shell_reloaders

T = TypeVar("T")


def client_ip(state: BaseState) -> str:
    """The client's address by the same rule as the HTTP routes (`domain.addresses.client_address`): the socket
    peer of the websocket handshake, X-Forwarded-For only through INTROSERV_TRUSTED_PROXY_HOPS proxies."""
    headers = state.router.headers.raw_headers
    peer = headers.get("asgi-scope-client", "") or state.router.session.client_ip or ""
    return client_address(peer, headers.get("x-forwarded-for", ""), get_settings().trusted_proxy_hops)


#: A page load runs several handlers in a row (the session check, the page's data, the banners), each of
#: which must know the viewer: the answer is reused for VIEWER_TTL seconds by the same worker, unless this
#: process ended a session or changed a viewer's rights meanwhile (`auth.sessions_changed`). A session
#: ended on another worker or machine stops working there at most VIEWER_TTL later.
VIEWER_TTL = 1.0
_viewers: dict[tuple[str, str], tuple[float, int, Viewer]] = {}


def current_viewer(state: BaseState) -> Viewer | None:
    """The logged-in viewer of this event, or None."""
    token = token_from_cookie_header(state.router.headers.cookie)
    if not token:
        return None
    ip = client_ip(state)
    key, now, generation = (token, ip), time.monotonic(), sessions_generation()
    hit = _viewers.get(key)
    if hit is not None and hit[0] > now and hit[1] == generation:
        return hit[2]
    with session_scope() as session:
        viewer = resolve_session(session=session, token=token, ip=ip)
    if len(_viewers) > 10_000:
        _viewers.clear()
    if viewer is None:
        _viewers.pop(key, None)
    else:
        _viewers[key] = (now + VIEWER_TTL, generation, viewer)
    return viewer


class LocaleState(rx.State):
    """`lang` lives in a cookie (so the login page has it too) and in the user's profile."""

    lang: str = rx.Cookie("en", name="introserv_lang", same_site="strict", max_age=365 * 24 * 3600)

    @event
    def switch_language(self, lang: str):
        if lang not in SUPPORTED_LANGUAGES:
            return None
        self.lang = lang
        viewer = current_viewer(self)
        if viewer is not None:
            with session_scope() as session:
                set_language(session=session, viewer=viewer, language=lang)
        page = reloader_for(self.router.url.path if self.router.url else "/")
        return [*shell_reloaders(), *([page] if page is not None else [])]


async def viewer_lang(state: BaseState) -> str:
    """The language of the tab the event came from (the one way to read it)."""
    return (await state.get_state(LocaleState)).lang


async def adopt_language(state: BaseState, language: str) -> str:
    """The tab takes the signed-in user's language (from the profile); returns it."""
    locale = await state.get_state(LocaleState)
    locale.lang = normalize_language(language)
    return locale.lang


#: How long a sign-in waits for its turn at the password check before it is told the panel is busy.
PASSWORD_WAIT = 5.0
MSG_BUSY = N_("Many people are signing in right now. Please try again in a few seconds.")
_gates: dict[int, asyncio.Semaphore] = {}


def _password_gate() -> asyncio.Semaphore:
    """The running event loop's limit on password checks at once (`Settings.password_checks`)."""
    loop = id(asyncio.get_running_loop())
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = asyncio.Semaphore(get_settings().password_checks)
    return gate


@dataclass(frozen=True)
class Refused:
    """A service's refusal, translated for the tab ("" when there was nobody signed in to act for)."""

    message: str


@dataclass
class Ctx:
    """A handler's viewer, language, address and database access; see the module docstring."""

    state: BaseState
    lang: str

    @classmethod
    async def of(cls, state: BaseState) -> Ctx:
        return cls(state=state, lang=await viewer_lang(state))

    @functools.cached_property
    def viewer(self) -> Viewer | None:
        """The signed-in viewer (resolved on first use, then kept for the event)."""
        return current_viewer(self.state)

    @property
    def ip(self) -> str:
        return client_ip(self.state)

    @staticmethod
    def session() -> AbstractContextManager[Session]:
        """One unit of work: commit on success, roll back on any error (the page load's, inside `page_load`)."""
        return session_scope()

    def run(self, action: Callable[[Session, Viewer], T]) -> T | Refused:
        """`action(session, viewer)` in one unit of work: its result, or the refusal translated. Nobody signed
        in: `Refused("")`, and nothing runs."""
        viewer = self.viewer
        if viewer is None:
            return Refused("")
        try:
            with session_scope() as session:
                return action(session, viewer)
        except ServiceError as exc:
            return Refused(self.refusal(exc))

    def attempt(self, action: Callable[[Session], T]) -> T | Refused:
        """`action(session)` in one unit of work, for what needs no sign-in (a pay link): result or refusal."""
        try:
            with session_scope() as session:
                return action(session)
        except ServiceError as exc:
            return Refused(self.refusal(exc))

    async def password_work(self, work: Callable[[], T]) -> T | Refused:
        """`work()` (an argon2 verification: CPU only, no database) on a worker thread, so the event loop serves
        every other tab of the worker meanwhile. At most `password_checks` run at once per process; one that cannot
        start within PASSWORD_WAIT seconds is refused with MSG_BUSY rather than queue without end."""
        gate = _password_gate()
        try:
            await asyncio.wait_for(gate.acquire(), PASSWORD_WAIT)
        except TimeoutError:
            return Refused(self.text(MSG_BUSY))
        try:
            return await asyncio.to_thread(work)
        finally:
            gate.release()

    def refusal(self, exc: ServiceError) -> str:
        """A service's refusal in the tab's language (amounts formatted, reasons translated)."""
        return translate_error(self.lang, exc.message, exc.values)

    def explain(self, exc: ServiceError) -> str:
        """A refusal for a dialog: each field's problems (a form's `SettingsInvalid`), else the refusal."""
        fields = getattr(exc, "errors", None)
        if isinstance(fields, dict) and fields:
            return "\n".join(
                translate_error(self.lang, item.message, item.values)
                for error in fields.values()
                for item in error.items
            )
        return self.refusal(exc)

    def text(self, msgid: str, values: Mapping[str, object] | None = None) -> str:
        """A message in the tab's language, with its `{placeholders}` filled."""
        return translate_message(self.lang, msgid, values)


@contextmanager
def page_load() -> Iterator[None]:
    """One database session (one pooled connection, one transaction) for every handler of a page load: the
    session check, the page's data and the banners (`db.session.page_load_session`). Reads only."""
    with page_load_session():
        yield
