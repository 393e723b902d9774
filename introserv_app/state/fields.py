"""State fields and event handlers as mypy sees them.

At run time these are Reflex's own: `Field` is `rx.Field`, `event` is `rx.event`, and `field(default)` is
`rx.field` (a mutable default becomes a factory of copies, as Reflex recommends). Reflex types them for
pyright: under mypy `@rx.event` makes every handler an `EventNamespace`, and a field's class-level Var
comes out as `ArrayVar[Never]` for a dict. The stand-ins below give mypy what Reflex gives at run time:
on the class (in pages and components) a field is the Var of its type (`StringVar`, `NumberVar`,
`BooleanVar`, `ArrayVar`, `ObjectVar`) and a handler is an event to call with values or Vars; on an
instance a field is its value and a handler the bound function.

    class OrdersGridState(rx.State):
        rows: Field[list[dict[str, str]]] = field([])

        @event
        async def load(self): ...
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import reflex as rx

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

if TYPE_CHECKING:
    from reflex.event import EventSpec
    from reflex.vars import ArrayVar, BooleanVar, NumberVar, ObjectVar, StringVar

    class Field(Generic[T]):
        @overload
        def __get__(self: Field[bool], instance: None, owner: Any) -> BooleanVar: ...
        @overload
        def __get__(self: Field[int], instance: None, owner: Any) -> NumberVar[int]: ...
        @overload
        def __get__(self: Field[str], instance: None, owner: Any) -> StringVar[str]: ...
        @overload
        def __get__(self: Field[list[V]], instance: None, owner: Any) -> ArrayVar[list[V]]: ...
        @overload
        def __get__(self: Field[dict[K, V]], instance: None, owner: Any) -> ObjectVar[dict[K, V]]: ...
        @overload
        def __get__(self, instance: object, owner: Any) -> T: ...
        def __get__(self, instance: object, owner: Any) -> Any: ...
        def __set__(self, instance: object, value: T) -> None: ...

    def field(default: T) -> Field[T]: ...

    class Event:
        """A handler: on the class, an event for the page (called with values or Vars); on a state, the
        bound function (a handler may await another one of its state)."""

        fn: Callable[..., Any]

        @overload
        def __get__(self, instance: None, owner: Any) -> Event: ...
        @overload
        def __get__(self, instance: object, owner: Any) -> Callable[..., Any]: ...
        def __get__(self, instance: object, owner: Any) -> Any: ...
        def __call__(self, *args: Any) -> EventSpec: ...

    def event(fn: Callable[..., Any]) -> Event: ...

else:
    Field = rx.Field
    event = rx.event
    Event = rx.EventHandler

    def field(default):
        """A State field with this default (lists and dicts are copied for every state)."""
        if isinstance(default, list | dict | set):
            return rx.field(default_factory=functools.partial(copy.deepcopy, default))
        return rx.field(default)


__all__ = ["Event", "Field", "event", "field"]
