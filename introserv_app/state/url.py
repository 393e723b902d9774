"""The URL of the page an event comes from, parsed in one place: `url = page_url(self)`.

`url.params` are the query parameters as plain strings (nothing else ever reaches a handler); the typed
readers use the input rules of `domain.validation` (ASCII digits only, bounded; a value that does not parse
is None, never an exception): `url.id("order")`, `url.page()`, `url.date("from")`, `url.text("q", 64)`, and
`url.path_id()` for the id that ends a path such as `/orders/42`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from reflex.state import BaseState

from introserv_app.domain.validation import clean_search, id_in_path, parse_date, parse_id, parse_page


@dataclass(frozen=True)
class PageUrl:
    path: str = "/"
    params: Mapping[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        """The parameter as it is in the URL, or None when it is not there."""
        return self.params.get(name)

    def text(self, name: str, max_len: int = 100) -> str:
        """Search-like text (`clean_search`: unusable characters become spaces, cut to `max_len`); "" if absent."""
        return clean_search(self.params.get(name), max_len)

    def id(self, name: str) -> int | None:
        return parse_id(self.params.get(name))

    def page(self) -> int:
        """The `page` parameter (1 when missing or not a page number: `?page=²` is page 1, not an error)."""
        return parse_page(self.params.get("page")) or 1

    def date(self, name: str) -> date | None:
        return parse_date(self.params.get(name))

    def path_id(self) -> int | None:
        """The row id that ends the path (`/orders/42` -> 42), or None."""
        return id_in_path(self.path)


def _plain(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):  # a repeated parameter, as some Reflex versions give it
        return ",".join(v for v in value if isinstance(v, str))
    return ""


def page_url(state: BaseState) -> PageUrl:
    """The URL of the page the event comes from (its path, and its query parameters as strings)."""
    url = state.router.url
    if not url:
        return PageUrl()
    return PageUrl(path=url.path or "/", params={str(k): _plain(v) for k, v in url.query_parameters.items()})
