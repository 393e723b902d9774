"""The orders grid (customers at /orders, staff at /staff/orders): one State, the URL is the source of truth.

Every control turns the current query into a new URL (`domain.grid.grid_query_string`) and navigates
there; the page's on_load parses the URL (`parse_grid_query`) and asks the service for that one page.
So reload, back/forward and a shared link all restore the same view. The scope (own orders or
everyone's) is decided by `services.orders` from the session, never from the page.
"""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import parse_qsl

import reflex as rx

from introserv_app.db.search import MIN_INDEXED
from introserv_app.domain.grid import (
    OPTIONAL_COLUMNS,
    PAGE_SIZES,
    SORT_KEYS,
    TEXT_MAX,
    GridQuery,
    OrderFilters,
    grid_query_string,
    parse_grid_query,
)
from introserv_app.domain.statuses import OrderStatus
from introserv_app.domain.text import N_
from introserv_app.domain.validation import clean_search, form_fields, parse_id, parse_number, parse_page
from introserv_app.i18n import format_amount, gettext, translate_message
from introserv_app.services.billing import invoice_counts
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.orders import (
    MATCHING_LIMIT,
    MSG_SEARCH_SHORT,
    OrdersPage,
    grid_columns,
    matching_order_ids,
    orders_page,
    set_comment,
    set_grid_columns,
)
from introserv_app.state.context import Ctx, Refused, page_load
from introserv_app.state.fields import Field, event, field
from introserv_app.state.notifications import NotificationsState
from introserv_app.state.order_rows import grid_row, total_text
from introserv_app.state.session import SessionState
from introserv_app.state.url import page_url

CUSTOMER_PATH, STAFF_PATH = "/orders", "/staff/orders"
MSG_PAGE_NUMBER = N_("Enter a page number from 1 to {pages}.")
MSG_SELECTION_CAPPED = N_(
    "At most {limit} orders can be selected and renewed at once; the first {limit} are selected. "
    "Renew them, then select the rest."
)
MSG_SELECT_ALL = N_("Select all matching ({total})")
MSG_SELECT_FIRST = N_("Select the first {limit} of {total}")
MSG_SELECTION_LIMIT = N_("up to {limit} at once")


class OrdersGridState(rx.State):
    loaded: Field[bool] = field(False)
    scope_all: Field[bool] = field(False)
    base_path: Field[str] = field(CUSTOMER_PATH)
    query_string: Field[str] = field("")
    rows: Field[list[dict[str, str]]] = field([])
    total: Field[int] = field(0)
    total_text: Field[str] = field("0")
    # False while the grid shows "more than 10,000"; "Count" asks for the exact total of these filters
    total_exact: Field[bool] = field(True)
    _exact_filters: str = ""
    select_all_text: Field[str] = field("")
    selection_limit_text: Field[str] = field("")
    page: Field[int] = field(1)
    pages: Field[int] = field(1)
    range_text: Field[str] = field("")
    page_size: Field[str] = field(str(PAGE_SIZES[0]))
    sort: Field[str] = field("created_at")
    direction: Field[str] = field("desc")
    # The filter form, as the URL has it
    q: Field[str] = field("")
    f_name: Field[str] = field("")
    f_comment: Field[str] = field("")
    f_ids: Field[str] = field("")
    f_customer: Field[str] = field("")
    created_from: Field[str] = field("")
    created_to: Field[str] = field("")
    paid_from: Field[str] = field("")
    paid_to: Field[str] = field("")
    statuses: Field[list[str]] = field([])
    filters_active: Field[bool] = field(False)
    filters_open: Field[bool] = field(True)
    notices: Field[list[str]] = field([])
    columns: Field[list[str]] = field([])
    # Selection: ids live on the server only; the page sees counts and per-row flags
    _selected: list[int] = []
    selected_count: Field[int] = field(0)
    page_all_selected: Field[bool] = field(False)
    all_matching_selected: Field[bool] = field(False)
    _matching_filters: str = ""
    selection_note: Field[str] = field("")
    # Inline comment editing
    editing_id: Field[str] = field("")
    edit_text: Field[str] = field("")
    comment_error: Field[str] = field("")

    # ---- loading -------------------------------------------------------------------------------

    def _query(self) -> tuple[GridQuery, list[str]]:
        return parse_grid_query(page_url(self).params)

    def _current(self) -> GridQuery:
        return self._query()[0]

    def _go(self, query: GridQuery, *, replace_entry: bool = False):
        qs = grid_query_string(query)
        return rx.redirect(self.base_path + (f"?{qs}" if qs else ""), replace=replace_entry)

    def _refresh_selection_flags(self) -> None:
        selected = set(self._selected)
        self.rows = [{**row, "selected": "1" if int(row["id"]) in selected else ""} for row in self.rows]
        self.selected_count = len(selected)
        self.page_all_selected = bool(self.rows) and all(row["selected"] for row in self.rows)

    @event
    async def open_page(self):
        """on_load of /orders in one event (one state round trip instead of three) and one database
        session (`context.page_load`): the session check, the page of orders, the banners."""
        with page_load():
            refused = await (await self.get_state(SessionState)).check_login()
            if refused is not None:
                return refused
            out = await self.load()
            await (await self.get_state(NotificationsState)).load_banners()
        return out

    @event
    async def load(self):
        """on_load: parse the URL, check the scope, fetch one page."""
        ctx = await Ctx.of(self)
        viewer, lang = ctx.viewer, ctx.lang
        if viewer is None:
            self.loaded = False
            return None
        path = (page_url(self).path if self.router.url else CUSTOMER_PATH).rstrip("/")
        if viewer.is_staff and path == CUSTOMER_PATH:
            # staff work on everyone's orders: the same grid with the customer column (the query as parsed: only
            # what the grid understands, and nothing that cannot be sent back)
            qs = grid_query_string(self._current())
            return rx.redirect(STAFF_PATH + (f"?{qs}" if qs else ""), replace=True)
        base = STAFF_PATH if path == STAFF_PATH else CUSTOMER_PATH
        if base != self.base_path:
            self._selected, self.all_matching_selected, self.selection_note = [], False, ""
        self.base_path = base
        query, problems = self._query()
        with ctx.session() as session:
            exact = self._exact_filters == f"{base}|{_filters_key(query)}"
            page = orders_page(session=session, viewer=viewer, query=query, exact=exact)
            self.columns = list(grid_columns(session=session, user_id=viewer.user_id))
            counts = invoice_counts(session=session, viewer=viewer, order_ids=[r.id for r in page.rows])
        self._show(query, page, lang, viewer)
        self.rows = [{**row, "invoices": str(counts.get(int(row["id"]), 0))} for row in self.rows]
        if viewer.is_staff and 0 < len(query.filters.q) < MIN_INDEXED:
            problems.append(MSG_SEARCH_SHORT)
        self.notices = [gettext(lang, p) for p in problems]
        if page.page != query.page and query.page > 1:
            # a page past the end: show the last one, and say so in the URL too
            return self._go(query.with_page(page.page), replace_entry=True)
        return None

    def _show(self, query: GridQuery, page: OrdersPage, lang: str, viewer: Viewer) -> None:
        f = query.filters
        self.scope_all = page.scope_all
        self.query_string = grid_query_string(query)
        self.rows = [grid_row(r, lang, set(self._selected)) for r in page.rows]
        self.total, self.total_exact = page.total, page.total_exact
        self.total_text = total_text(page, lang)
        limit = {"total": self.total_text, "limit": format_amount(MATCHING_LIMIT, lang)}
        self.select_all_text = translate_message(
            lang, MSG_SELECT_FIRST if page.total > MATCHING_LIMIT else MSG_SELECT_ALL, limit
        )
        self.selection_limit_text = translate_message(lang, MSG_SELECTION_LIMIT, limit)
        self.page, self.pages, self.page_size = page.page, page.pages, str(page.page_size)
        first = (page.page - 1) * page.page_size + 1 if page.total else 0
        last = first + len(page.rows) - 1 if page.rows else 0
        self.range_text = translate_message(
            lang,
            "{first}–{last} of {total}",
            {"first": format_amount(first, lang), "last": format_amount(last, lang), "total": self.total_text},
        )
        self.sort = query.sort if (query.sort != "customer" or viewer.is_staff) else "created_at"
        self.direction = query.direction
        self.q, self.f_name, self.f_comment, self.f_customer = f.q, f.name, f.comment, f.customer
        self.f_ids = ", ".join(str(i) for i in f.ids)
        self.created_from = f.created_from.isoformat() if f.created_from else ""
        self.created_to = f.created_to.isoformat() if f.created_to else ""
        self.paid_from = f.paid_from.isoformat() if f.paid_from else ""
        self.paid_to = f.paid_to.isoformat() if f.paid_to else ""
        self.statuses = [s.value for s in f.statuses]
        self.filters_active = f.active
        if self.all_matching_selected and self._matching_filters != _filters_key(query):
            self.all_matching_selected = False  # other filters: "select all matching" means other rows now
        if f.active:
            self.filters_open = True
        self.editing_id, self.comment_error = "", ""
        self._refresh_selection_flags()
        self.loaded = True

    # ---- navigation: every control becomes a URL ------------------------------------------------

    @event
    def search(self, value: str):
        current = self._current()
        # unusable characters (controls, lone surrogates) go first: the text must be encodable in the URL
        text = clean_search(value, TEXT_MAX + 1)
        if text == current.filters.q:
            return None
        query = replace(current, filters=replace(current.filters, q=text), page=1)
        # the text is validated by parsing the URL it produces
        query = parse_grid_query(_params(query))[0]
        return self._go(query, replace_entry=bool(current.filters.q))

    @event
    def toggle_status(self, status: str):
        current = self._current()
        chosen = [s.value for s in current.filters.statuses]
        chosen = [s for s in chosen if s != status] if status in chosen else [*chosen, status]
        statuses = tuple(OrderStatus(s) for s in chosen if s in OrderStatus.__members__.values())
        return self._go(replace(current, filters=replace(current.filters, statuses=statuses), page=1))

    @event
    async def apply_filters(self, form: dict):
        current = self._current()
        params = _params(current)
        fields = form_fields(form)
        for key in ("name", "comment", "ids", "customer", "created_from", "created_to", "paid_from", "paid_to"):
            value = fields.get(key, "")
            params[key] = value if isinstance(value, str) else ""
        params["page"] = "1"
        query, problems = parse_grid_query(params)
        if problems:
            ctx = await Ctx.of(self)
            return rx.toast.error(" ".join(ctx.text(p) for p in problems))
        return self._go(query)

    @event
    def clear_filters(self):
        current = self._current()
        return self._go(replace(current, filters=OrderFilters(), page=1))

    @event
    def toggle_filters(self):
        self.filters_open = not self.filters_open

    @event
    def sort_by(self, key: str):
        if key not in SORT_KEYS:
            return None
        current = self._current()
        if current.sort == key:
            direction = "asc" if current.direction == "desc" else "desc"
        else:
            direction = "desc" if key in ("created_at", "id", "price") else "asc"
        return self._go(replace(current, sort=key, direction=direction, page=1))

    @event
    def go_page(self, page: int):
        if not isinstance(page, int) or isinstance(page, bool):
            return None
        # past the last page of an uncounted result, the grid shows the last page (and counts to find it)
        last = self.pages if self.total_exact else page
        return self._go(self._current().with_page(min(max(1, page), max(1, last))))

    @event
    async def count_exactly(self):
        """ "Count": the exact total of these filters, kept while they stay the same."""
        self._exact_filters = f"{self.base_path}|{_filters_key(self._current())}"
        return await self.load()

    @event
    async def go_last(self):
        if not self.total_exact:
            refused = await self.count_exactly()
            if refused is not None:
                return refused
        return self.go_page(self.pages)

    @event
    async def jump_to_page(self, form: dict):
        page = parse_page(form_fields(form).get("page"))
        if page is None:
            ctx = await Ctx.of(self)
            return rx.toast.error(ctx.text(MSG_PAGE_NUMBER, {"pages": format_amount(self.pages, ctx.lang)}))
        return self.go_page(page)

    @event
    def set_page_size(self, size: str | list[str]):
        value = size[0] if isinstance(size, list) and size else size
        page_size = parse_number(value, maximum=max(PAGE_SIZES))
        if page_size not in PAGE_SIZES:
            return None
        return self._go(replace(self._current(), page_size=page_size, page=1))

    # ---- the "Show:" menu ------------------------------------------------------------------------

    @event
    async def toggle_column(self, column: str):
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None or column not in OPTIONAL_COLUMNS:
            return None
        chosen = [c for c in self.columns if c != column] if column in self.columns else [*self.columns, column]
        with ctx.session() as session:
            self.columns = list(set_grid_columns(session=session, viewer=viewer, columns=chosen))
        return None

    # ---- batch selection -------------------------------------------------------------------------

    async def _set_selection(self, chosen: list[int], *, all_matching: bool = False) -> None:
        """The selection, kept within the batch limit (the note says so when it had to be cut)."""
        capped = len(chosen) > MATCHING_LIMIT
        self._selected, self.all_matching_selected = chosen[:MATCHING_LIMIT], all_matching
        self.selection_note = ""
        if capped or (all_matching and self.total > MATCHING_LIMIT):
            lang = (await Ctx.of(self)).lang
            self.selection_note = translate_message(
                lang, MSG_SELECTION_CAPPED, {"limit": format_amount(MATCHING_LIMIT, lang)}
            )
        self._refresh_selection_flags()

    @event
    async def toggle_row(self, order_id: str):
        oid = parse_id(order_id)
        if oid is None or oid not in {int(r["id"]) for r in self.rows}:
            return  # only rows this viewer was shown can be selected
        chosen = [i for i in self._selected if i != oid] if oid in self._selected else [*self._selected, oid]
        await self._set_selection(chosen)

    @event
    async def toggle_page(self):
        ids = [int(r["id"]) for r in self.rows]
        if self.page_all_selected:
            drop = set(ids)
            chosen = [i for i in self._selected if i not in drop]
        else:
            have = set(self._selected)
            chosen = [*self._selected, *(i for i in ids if i not in have)]
        await self._set_selection(chosen)

    @event
    async def select_all_matching(self):
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None:
            return
        query = self._current()
        with ctx.session() as session:
            ids = matching_order_ids(session=session, viewer=viewer, filters=query.filters)
        have = set(self._selected)
        self._matching_filters = _filters_key(query)
        await self._set_selection([*self._selected, *(i for i in ids if i not in have)], all_matching=True)

    def _selected_ids(self) -> list[int]:
        """The selection, for the batch renewal dialog (server side only)."""
        return list(self._selected)

    def _drop_from_selection(self, ids: set[int]) -> None:
        """The renewal dialog's "remove them from the selection"."""
        self._selected = [i for i in self._selected if i not in ids]
        self.all_matching_selected, self.selection_note = False, ""
        self._refresh_selection_flags()

    @event
    def clear_selection(self):
        self._selected, self.all_matching_selected, self.selection_note = [], False, ""
        self._refresh_selection_flags()

    # ---- inline comments -------------------------------------------------------------------------

    @event
    def start_edit(self, order_id: str):
        row = next((r for r in self.rows if r["id"] == order_id), None)
        if row is None:
            return
        self.editing_id, self.edit_text, self.comment_error = order_id, row["comment"], ""

    @event
    def cancel_edit(self):
        self.editing_id, self.comment_error = "", ""

    @event
    async def save_comment(self, form: dict):
        ctx = await Ctx.of(self)
        if ctx.viewer is None:
            return None
        text = form_fields(form).get("comment", "")
        oid = parse_id(self.editing_id)
        if oid is None:
            self.editing_id = ""
            return None
        comment = text if isinstance(text, str) else ""
        stored = ctx.run(lambda s, v: set_comment(session=s, viewer=v, order_id=oid, comment=comment))
        if isinstance(stored, Refused):
            self.comment_error = stored.message
            return None
        self.rows = [{**r, "comment": stored} if r["id"] == str(oid) else r for r in self.rows]
        self.editing_id, self.comment_error = "", ""
        return rx.toast.success(ctx.text(N_("Comment saved.")))

    # ---- export ----------------------------------------------------------------------------------

    @rx.var
    def export_url(self) -> str:
        return "/export/orders.csv" + (f"?{self.query_string}" if self.query_string else "")

    @event
    async def export_csv(self):
        """Start the download in the browser (assets/export.js streams it and shows the progress)."""
        ctx = await Ctx.of(self)
        if ctx.viewer is None:
            return None
        lang = ctx.lang
        args = ", ".join(
            json.dumps(a)
            for a in (self.export_url, gettext(lang, "Exported rows:"), gettext(lang, "The export failed."))
        )
        return rx.call_script(f"window.introservExport({args})")


def _filters_key(query: GridQuery) -> str:
    return grid_query_string(GridQuery(filters=query.filters))


def _params(query: GridQuery) -> dict[str, str]:
    return dict(parse_qsl(grid_query_string(query), keep_blank_values=True))
