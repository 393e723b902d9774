"""Which event reloads the server-formatted data of the page at a path (after a language switch, after a
dialog's action). The app's page registry (`introserv_app.py`) fills it from its one table of pages."""

from __future__ import annotations

#: Route as registered (placeholders included, e.g. `/orders/[order_id]`) -> the event that reloads that page.
_PAGES: dict[str, object] = {}
#: Events that reload server-formatted data shown on every page (the top bar).
_SHELL: list[object] = []


def register_page(route: str, reload: object) -> None:
    """`reload` refreshes the page at `route` (a route of the registry, with its `[placeholders]`)."""
    _PAGES["/" + route.strip("/")] = reload


def register_shell(*events: object) -> None:
    """Events that refresh what every page shows (the top bar, the banners)."""
    _SHELL[:] = list(events)


def shell_reloaders() -> list[object]:
    return list(_SHELL)


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def _matches(route: str, path: str) -> bool:
    """Whether `path` is a URL of `route`: a `[placeholder]` segment stands for any one segment."""
    pattern, parts = _segments(route), _segments(path)
    return len(pattern) == len(parts) and all(
        want == got or (want.startswith("[") and want.endswith("]")) for want, got in zip(pattern, parts, strict=True)
    )


def reloader_for(path: str) -> object | None:
    """The reload event of the page at `path`: `/orders/123` finds the one registered as `/orders/[order_id]`."""
    path = "/" + path.strip("/")
    found = _PAGES.get(path)
    if found is None:
        found = next((reload for route, reload in _PAGES.items() if _matches(route, path)), None)
    return found
