"""A tab's page state belongs to the sign-in that loaded it.

Reflex keeps each browser tab's state on the server under the tab's token (sessionStorage), not under the
sign-in: whatever a page loaded stays there until something clears it, and the next page load of that tab
(the login page after a sign-out, too) would send it again. So every event first compares the sign-in it
arrives with (the session resolved from the HttpOnly cookie of the websocket handshake; none when signed
out, expired, revoked or refused by the IP restrictions) with the one the tab's state was loaded under. When
they differ, every state that can hold user data is reset to its defaults *before* the event runs and
before anything is sent, and the tab is bound to the new sign-in. The tab token alone therefore reads
nothing: another browser presenting it arrives with another sign-in (or none) and finds empty states.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import reflex as rx
from reflex.middleware import Middleware
from reflex.state import BaseState

from introserv_app.services.accounts import token_from_cookie_header, token_hash
from introserv_app.state.context import LocaleState, current_viewer
from introserv_app.state.errors import is_database_unavailable

if TYPE_CHECKING:
    from reflex.app import App
    from reflex.state import StateUpdate


class TabBindingState(rx.State):
    """The sign-in ("<session id>.<token digest>"; "" for none) this tab's states were loaded under."""

    _bound_session: str = ""


#: States that hold no user data: the interface language (a cookie the browser has anyway) and the binding.
UNBOUND_STATES: tuple[type[BaseState], ...] = (LocaleState, TabBindingState)


@functools.cache
def user_data_states() -> tuple[type[BaseState], ...]:
    """Every State class of the app that may hold a user's data (all of ours but UNBOUND_STATES)."""
    found: list[type[BaseState]] = []
    todo: list[type[BaseState]] = list(rx.State.get_substates())
    while todo:
        cls = todo.pop()
        todo.extend(cls.get_substates())
        if cls.__module__.startswith("introserv_app.") and cls not in UNBOUND_STATES:
            found.append(cls)
    return tuple(sorted(found, key=lambda c: c.get_full_name()))


def binding_of(state: BaseState, bound: str) -> str:
    """The sign-in an event arrives with: "<session id>.<digest of the cookie token>", or "" when there is none.

    While the database does not answer, the session cannot be checked: the tab keeps its binding only when the
    event carries the very cookie the tab was bound with (its handlers fail on the database anyway, and the error
    toast must still be sent); any other cookie, or none, gets empty states."""
    token = token_from_cookie_header(state.router.headers.cookie)
    if not token:
        return ""
    digest = token_hash(token)[:16]
    try:
        viewer = current_viewer(state)
    except Exception as exc:
        if not is_database_unavailable(exc):
            raise
        return bound if bound.endswith("." + digest) else ""
    return f"{viewer.session_id}.{digest}" if viewer is not None else ""


async def clear_user_states(state: BaseState, binding: str) -> None:
    """Reset every user-data state of this tab to its defaults and bind the tab to `binding`."""
    for cls in user_data_states():
        (await state.get_state(cls)).reset()
    (await state.get_state(TabBindingState))._bound_session = binding


class SessionBinding(Middleware):
    """Runs before every event (the hydrate of a page load included): see the module docstring."""

    async def preprocess(self, app: App, state: BaseState, event: Any) -> StateUpdate | None:
        root = state._get_root_state()
        bound = await root.get_state(TabBindingState)
        binding = binding_of(root, bound._bound_session)
        if bound._bound_session != binding:
            await clear_user_states(root, binding)
        return None
