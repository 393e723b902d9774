"""What a customer sees when an event fails on the server: never a stack trace, always what to do next.

Reflex calls `on_backend_error` (rx.App's backend_exception_handler) with the exception; it has no state and
cannot await, so it answers with an event of `ErrorState`, which reads the tab's language and shows the
toast. A database that is down or restarting gets its own message (nothing was saved, try again); the
engine's pre-ping replaces the dead connections, so the next try after the database is back succeeds.
A failure of the state store itself (Redis) cannot run a state event: it gets a plain two-language toast.
"""

from __future__ import annotations

import logging

import reflex as rx
import sqlalchemy.exc as sa_exc
from reflex.event import EventSpec
from reflex.state import BaseState

from introserv_app.domain.text import N_
from introserv_app.i18n import translate_message
from introserv_app.services.common.errors import MSG_DB_UNAVAILABLE
from introserv_app.state.context import viewer_lang
from introserv_app.state.fields import event

log = logging.getLogger("introserv")

MSG_FAILED = N_(
    "Something went wrong on our side and nothing was saved. Please try again; if it happens again, contact support."
)
MSG_STATE_STORE = (
    "The connection to the server was interrupted. Please reload the page. / "
    "Соединение с сервером прервано. Пожалуйста, обновите страницу."
)
TOAST_ID = "server-error"


def is_database_unavailable(exc: BaseException) -> bool:
    """A lost or refused database connection (a restart, a failover), not a bug in a query."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, sa_exc.DBAPIError) and (
            cur.connection_invalidated or isinstance(cur, (sa_exc.OperationalError, sa_exc.InterfaceError))
        ):
            return True
        if type(cur).__module__.startswith("psycopg") and type(cur).__name__ in ("OperationalError", "InterfaceError"):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


def is_state_store_error(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("redis")


def _states_with_busy_flags() -> list[type[BaseState]]:
    """Our page states that lock a form while its event runs (`busy`, `busy_id`)."""
    found: list[type[BaseState]] = []
    todo: list[type[BaseState]] = list(rx.State.get_substates())
    while todo:
        cls = todo.pop()
        todo.extend(cls.get_substates())
        if cls.__module__.startswith("introserv_app.") and ({"busy", "busy_id"} & set(cls.base_vars)):
            found.append(cls)
    return found


class ErrorState(rx.State):
    async def _unlock_forms(self) -> None:
        """The failed event may have left its form locked: a retry must be possible."""
        for cls in _states_with_busy_flags():
            state = await self.get_state(cls)
            if "busy" in cls.base_vars and state.busy:  # type: ignore[attr-defined]
                state.busy = False
            if "busy_id" in cls.base_vars and state.busy_id:  # type: ignore[attr-defined]
                state.busy_id = ""

    @event
    async def database_unavailable(self):
        await self._unlock_forms()
        return rx.toast.error(translate_message(await viewer_lang(self), MSG_DB_UNAVAILABLE), id=TOAST_ID)

    @event
    async def failed(self):
        await self._unlock_forms()
        return rx.toast.error(translate_message(await viewer_lang(self), MSG_FAILED), id=TOAST_ID)


def on_backend_error(exception: Exception) -> EventSpec:
    """rx.App's backend_exception_handler (Reflex checks the parameter's name)."""
    exc = exception
    if is_database_unavailable(exc):
        log.warning("database unavailable during an event: %s", str(exc).strip().splitlines()[0] if str(exc) else exc)
        return ErrorState.database_unavailable()
    if is_state_store_error(exc):
        log.warning("state store (Redis) error during an event: %s", exc)
        return rx.toast.error(MSG_STATE_STORE, id=TOAST_ID)
    log.error("event failed", exc_info=exc)
    return ErrorState.failed()
