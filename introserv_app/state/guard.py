"""Server-side session checks for event handlers.

The Reflex tab token is not a credential: every handler resolves the viewer from the HttpOnly
session cookie of the websocket handshake (`router.headers.cookie`, never sent to the browser).
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx

from introserv_app.db.session import session_scope
from introserv_app.services.accounts import resolve_session, sessions_generation, token_from_cookie_header
from introserv_app.services.common.viewer import Viewer

F = TypeVar("F", bound=Callable[..., Any])


def client_ip(state: rx.State) -> str:
    """The socket peer (X-Forwarded-For only through `trusted_proxy_hops` in rxconfig)."""
    return state.router.session.client_ip or ""


#: A page load runs several handlers in a row (the session check, the page's data, the banners), each of
#: which must know the viewer: the answer is reused for VIEWER_TTL seconds by the same worker, unless this
#: process ended a session or changed a viewer's rights meanwhile (`auth.sessions_changed`). A session
#: ended on another worker or machine stops working there at most VIEWER_TTL later.
VIEWER_TTL = 1.0
_viewers: dict[tuple[str, str], tuple[float, int, Viewer]] = {}


def current_viewer(state: rx.State) -> Viewer | None:
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


def page_from_url(state: rx.State) -> int:
    """The `page` query parameter of the page being loaded (1 when missing or not a page number:
    `validation.parse_page` takes ASCII digits only, so `?page=²` is page 1, not an error)."""
    from introserv_app.domain.validation import parse_page

    raw = (dict(state.router.url.query_parameters) if state.router.url else {}).get("page")
    return parse_page(raw) or 1


#: Every State class whose handlers are for staff only (tests/integration/test_staff_refusals.py calls each
#: handler of each of them with a customer's session and expects a refusal).
STAFF_STATES: list[type[rx.State]] = []


def _refuse(state: rx.State, viewer: Viewer | None, target: str, msgid: str):  # type: ignore[no-untyped-def]
    from introserv_app.i18n import translate_message
    from introserv_app.services.common import access

    if viewer is None:
        return rx.redirect("/login", replace=True)
    with session_scope() as session:
        access.record_denied(session=session, viewer=viewer, target=target, ip=client_ip(state))
    return rx.toast.error(translate_message(viewer.language, msgid))


def _guarded(allowed: Callable[[Viewer], bool], msgid: str) -> Callable[[F], F]:
    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        async def handler(self: rx.State, *args: Any, **kwargs: Any) -> Any:
            viewer = current_viewer(self)
            if viewer is None or not allowed(viewer):
                return _refuse(self, viewer, f"{type(self).__name__}.{fn.__name__}", msgid)
            result = fn(self, *args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        handler.staff_guard = msgid  # type: ignore[attr-defined]
        return handler  # type: ignore[return-value]

    return decorate


def staff_only(fn: F) -> F:
    """A handler support staff and admins may run; anyone else is refused (audited, a toast)."""
    from introserv_app.services.common.access import MSG_STAFF_ONLY

    return _guarded(lambda v: v.is_staff, MSG_STAFF_ONLY)(fn)


def admin_only(fn: F) -> F:
    """A handler only admins may run; support staff and customers are refused (audited, a toast)."""
    from introserv_app.services.common.access import MSG_ADMIN_ONLY

    return _guarded(lambda v: v.role.is_admin, MSG_ADMIN_ONLY)(fn)


def run_service(state: rx.State, lang: str, action: Callable[[Any, Viewer], object]) -> tuple[object, str]:
    """(result, "") or (None, the translated refusal): `action(session, viewer)` in one transaction."""
    from introserv_app.i18n import translate_error
    from introserv_app.services.common.errors import ServiceError

    viewer = current_viewer(state)
    if viewer is None:
        return None, ""
    try:
        with session_scope() as session:
            return action(session, viewer), ""
    except ServiceError as exc:
        return None, translate_error(lang, exc.message, exc.values)
