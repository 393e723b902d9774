"""Staff handlers: `staff_only` / `admin_only` refuse (and audit) anyone else before the handler runs.

Hiding a button is not access control: every public method of a State can be called from the browser.
The services check the role again.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx
from reflex.state import BaseState

from introserv_app.config import get_settings
from introserv_app.i18n import translate_message
from introserv_app.services.accounts import MSG_STAFF_2FA_FIRST, staff_lacks_second_factor
from introserv_app.services.common import access
from introserv_app.services.common.access import MSG_ADMIN_ONLY, MSG_STAFF_ONLY
from introserv_app.services.common.viewer import Viewer
from introserv_app.state.context import Ctx

F = TypeVar("F", bound=Callable[..., Any])

STAFF_2FA_FIRST = MSG_STAFF_2FA_FIRST


def staff_2fa_required() -> bool:
    """`INTROSERV_STAFF_2FA=required` (read per call: tests switch it)."""
    return get_settings().staff_2fa == "required"


#: Every State class whose handlers are for staff only (tests/integration/test_staff_refusals.py calls each
#: handler of each of them with a customer's session and expects a refusal).
STAFF_STATES: list[type[BaseState]] = []


def refuse(ctx: Ctx, target: str, msgid: str) -> Any:
    """Send a signed-out event to the login page; audit anyone else's and answer with `msgid` (in the language
    of their profile)."""
    viewer = ctx.viewer
    if viewer is None:
        return rx.redirect("/login", replace=True)
    with ctx.session() as session:
        access.record_denied(session=session, viewer=viewer, target=target, ip=ctx.ip)
    return rx.toast.error(translate_message(viewer.language, msgid))


def _guarded(allowed: Callable[[Viewer], bool], msgid: str) -> Callable[[F], F]:
    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        async def handler(self: BaseState, *args: Any, **kwargs: Any) -> Any:
            ctx = await Ctx.of(self)
            if ctx.viewer is None or not allowed(ctx.viewer):
                return refuse(ctx, f"{type(self).__name__}.{fn.__name__}", msgid)
            if staff_2fa_required():
                with ctx.session() as session:
                    waiting = staff_lacks_second_factor(session, is_staff=True, user_id=ctx.viewer.user_id)
                if waiting:
                    return refuse(ctx, f"{type(self).__name__}.{fn.__name__}", STAFF_2FA_FIRST)
            result = fn(self, *args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        handler.staff_guard = msgid  # type: ignore[attr-defined]
        return handler  # type: ignore[return-value]

    return decorate


def staff_only(fn: F) -> F:
    """A handler support staff and admins may run; anyone else is refused (audited, a toast)."""
    return _guarded(lambda v: v.is_staff, MSG_STAFF_ONLY)(fn)


def admin_only(fn: F) -> F:
    """A handler only admins may run; support staff and customers are refused (audited, a toast)."""
    return _guarded(lambda v: v.role.is_admin, MSG_ADMIN_ONLY)(fn)
