"""The page registry (introserv_app.py): one table makes every page and the reloaders that a language switch
or a dialog's action uses; the URL parser of the state layer (state/url.py)."""

from __future__ import annotations

from types import SimpleNamespace

import introserv_app.introserv_app as web_app
from introserv_app.state.reloaders import reloader_for, shell_reloaders
from introserv_app.state.url import PageUrl, page_url


def _concrete(route: str) -> str:
    """A URL of `route` (every placeholder an id)."""
    return "/".join("42" if part.startswith("[") else part for part in route.split("/")) or "/"


def test_every_page_of_the_table_is_added_with_its_title_and_loaders() -> None:
    pages = web_app.app._unevaluated_pages
    assert len(pages) == len(web_app.PAGES)
    for page in web_app.PAGES:
        added = pages[page.route.strip("/") or "index"]
        assert str(added.title) == str(web_app.tab_title(page))
        assert not isinstance(page.title, str) or page.title, f"{page.route} has no title of its own"
        loads = added.on_load if isinstance(added.on_load, list) else [added.on_load] if added.on_load else []
        assert [e.fn for e in loads] == [e.fn for e in page.on_load], page.route


def test_each_page_is_reloaded_by_its_own_event_at_any_of_its_urls() -> None:
    for page in web_app.PAGES:
        if page.reload is None:
            continue
        for path in (_concrete(page.route), _concrete(page.route) + "/"):
            assert reloader_for(path) is page.reload, path
    assert reloader_for("/tickets/7") is web_app.TicketThreadState.load
    assert reloader_for("/tickets") is web_app.TicketsState.load
    assert reloader_for("/staff/customers/9") is web_app.CustomerState.load
    assert reloader_for("/nowhere/else") is None
    assert shell_reloaders() == list(web_app.SHELL_RELOADS)


def _state(path: str, params: dict[str, object]) -> SimpleNamespace:
    return SimpleNamespace(router=SimpleNamespace(url=SimpleNamespace(path=path, query_parameters=params)))


def test_the_url_parser_gives_strings_and_typed_values_by_the_input_rules() -> None:
    url = page_url(
        _state("/orders/17/", {"page": "²", "order": "12", "from": "2026-02-30", "q": " a\x00b ", "s": ["x", "y"]})
    )
    assert url.path_id() == 17
    assert url.page() == 1 and url.id("order") == 12 and url.date("from") is None
    assert url.text("q") == "a b" and url.get("s") == "x,y" and url.get("missing") is None
    assert page_url(SimpleNamespace(router=SimpleNamespace(url=""))) == PageUrl()
