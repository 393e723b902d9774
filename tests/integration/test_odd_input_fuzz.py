"""Every handler of every State of the app, fed arbitrary Unicode (issue 17, item 5), on SQLite and PostgreSQL.

For each handler, hypothesis draws who calls it (a customer, support, an admin, nobody), the page URL (an odd
last path segment, odd query parameters), up to two earlier calls of the same State (so that what one
handler stores, the next one reads: `open_for_order` then `submit`, `open_cancel` then `confirm_cancel`),
and the arguments: text with lone surrogates, NUL and other controls, digits of other scripts (`²`, `٣`,
`①`, full-width), emoji with joiners, right-to-left marks, very long strings, numbers out of range, lists,
dicts, None; forms start from a valid one with some fields replaced, so the checks behind the first one
are reached too. Each call must

- raise nothing (in the app that is the "Something went wrong" toast),
- leave the state and the events it sends encodable as UTF-8 (else the socket drops),
- when it refuses (an error toast, or an error field that was empty before), change no row.

Sign-in, the cheap password hashing and the state harness are in handler_calls.py.
"""

from __future__ import annotations

import inspect
import os
import re
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import reflex as rx
from hypothesis import HealthCheck, Phase, assume, given, note, settings
from hypothesis import strategies as st
from reflex.state import State
from sqlalchemy.engine import Engine

from introserv_app.domain.grid import OPTIONAL_COLUMNS, SORT_KEYS
from introserv_app.domain.statuses import OrderStatus
from introserv_app.domain.validation import is_encodable
from introserv_app.services.accounts import FORM_FIELDS
from introserv_app.services.billing import INVOICE_STATUSES
from introserv_app.services.messaging import AGES, CATEGORIES, OUTBOX_STATUSES
from introserv_app.state.settings import SettingsState
from tests.support.builders import PASSWORD
from tests.support.handlers import (
    World,
    app_db,  # noqa: F401 - fixture
    build_world,
    call,
    error_toasts,
    handler_of,
    parameters,
    sent_to_browser,
    state_for,
    table_contents,
)

#: Examples per handler (ODD_INPUT_EXAMPLES=200 for a deeper run on a quiet machine).
EXAMPLES_PER_HANDLER = int(os.environ.get("ODD_INPUT_EXAMPLES", "8"))
STATE_DIR = Path(__file__).resolve().parents[2] / "introserv_app" / "state"
#: Reflex's own states and handlers (hydration, client storage, frontend errors, the field setter).
REFLEX_STATES = {"OnLoadInternalState", "UpdateVarsInternalState", "FrontendEventExceptionState"}
#: Ends the session every later example signs in with (its own tests are in test_auth.py).
NOT_FUZZED = {("SessionState", "sign_out")}
#: Known failures in files this change does not own, avoided here and pinned as strict xfails in
#: test_odd_input.py: LoginState.submit takes its form for a dict (state/login.py), and SessionState._to_login
#: quotes the raw path of a signed-out visitor, which fails on a lone surrogate (state/session.py).
FORM_ALWAYS_A_DICT = {("LoginState", "submit")}
#: Tables a refusal writes to on purpose: the audit log and sessions (left out of every comparison), and the
#: phone code attempts (a wrong code counts against the limit).
WRITTEN_ON_REFUSAL = ("audit_events", "sessions", "phone_verifications")


def _app_states(cls: type[rx.State] = State) -> Iterator[type[rx.State]]:
    for sub in cls.get_substates():
        if sub.__name__ not in REFLEX_STATES:
            yield sub
        yield from _app_states(sub)


STATES = sorted(_app_states(), key=lambda c: c.__name__)


def _handler_names(cls: type[rx.State]) -> list[str]:
    return sorted(n for n in cls.event_handlers if n != "setvar" and (cls.__name__, n) not in NOT_FUZZED)


# ---- what the browser may send --------------------------------------------------------------------------------

ODD_PIECES = [
    *("²", "٣", "①", "１２", "¹²", "߂", "𝟙"),  # digits of other scripts
    *("\x00", "\x1b", "\x7f", "\x85", "\r\n", "\r", "\n", "\t", "\u2028"),  # controls, line breaks
    *("\ud800", "\udfff", "\udc80", "\ud83d"),  # lone surrogates
    *("\u202e", "\u2066", "\u200f", "\u200e", "\u200d", "\ufeff", "\u0301"),  # bidi, joiners, BOM, combining
    *("👨‍👩‍👧", "🙂", "🇳🇱", "1️⃣"),  # emoji
    *("%", "%00", "%C2%B2", "&", "=", "?", "#", "/", "\\", "'", '"', "<b>", "{x}", "{", "}", "$", "*", "_"),
    *("-", "+", ".", ",", " ", "e", "0", "1", "9", "a", "Z", "é", "名"),
]
ODD_WORDS = ["", " ", "0", "1", "-1", "+-100", "--1", "1e3", "1.234", "9" * 30, "2147483648", "NaN", "x" * 600]
odd_text = st.one_of(
    st.text(st.characters(codec=None), max_size=40),
    st.lists(st.sampled_from(ODD_PIECES), max_size=12).map("".join),
    st.sampled_from(ODD_WORDS),
    st.sampled_from(["x" * 12_000, "é" * 3000 + "\x00", "👨‍👩‍👧" * 300]),
)
#: Words the pages really send (statuses, sort keys, dialogs, actions...), so the handlers get past their
#: first check and odd values meet the deeper ones.
VOCAB = sorted(
    {
        *SORT_KEYS,
        *OPTIONAL_COLUMNS,
        *(s.value for s in OrderStatus),
        *INVOICE_STATUSES,
        *OUTBOX_STATUSES,
        *CATEGORIES,
        *AGES,
        *("all", "any", "active", "me", "none", "asc", "desc", "25", "50", "100", "1", "3", "6", "12"),
        *("en", "ru", "sms", "call", "support", "admin", "immediate", "period_end", "status", "category", "age"),
        *("assigned", "adjust", "country", "suspend", "lift", "cancel", "notice", "deliver", "email", "password"),
        *("verify_company", "clear_ip", "reset_code_word", "resend_confirmation", "code_word", "call_password"),
        *("phone", "card", "decline", "helper", "boss", "bob"),
    }
)


def _keys_read_by_the_states() -> list[str]:
    """Every form field and URL parameter a State reads (`form.get("x")`, `params.get("x")`, ...)."""
    found: set[str] = set(FORM_FIELDS)
    for path in STATE_DIR.glob("*.py"):
        found |= set(re.findall(r"""\.get\(\s*f?["']([\w-]+)["']""", path.read_text(encoding="utf-8")))
    found |= {"p1", "p3", "p6", "p12", "rate-USD", "rate-GBP", "confirm_password", "current_password"}
    found |= {"q", "name", "status", "created_from", "created_to", "paid_from", "paid_to", "comment", "ids"}
    found |= {"customer", "sort", "dir", "page", "size", "order", "number", "from", "to", "actor", "action"}
    return sorted(found)


KEYS = _keys_read_by_the_states()


def _strategies(world: World) -> tuple[st.SearchStrategy[Any], st.SearchStrategy[str]]:
    """(any value an event may carry, a text an event may carry) for this world's ids."""
    ids = [str(i) for i in world.ids.values()]
    text = st.one_of(odd_text, st.sampled_from(VOCAB + ids), st.sampled_from(ids).map(lambda i: i + "²"))
    value = st.one_of(
        text,
        text,
        st.integers(min_value=-(2**64), max_value=2**64),
        st.sampled_from([int(i) for i in ids]),
        st.none(),
        st.booleans(),
        st.floats(),
        st.lists(text, max_size=3),
        st.dictionaries(text, text, max_size=2),
    )
    return value, text


def _base_forms(world: World, engine: Engine) -> dict[str, dict[str, object]]:
    """A valid form for each form handler: odd values replace some of its fields."""
    _, settings_state = state_for(SettingsState, world.tokens["bob"], "/settings")
    call(settings_state, handler_of(SettingsState, "load"))
    return {
        "CustomerState.adjust": {"amount": "1", "reason": "Goodwill"},
        "CustomerState.change_country": {"country": "FR", "reason": "Moved"},
        "OrderDetailState.post_notice": {"notice": "Hello", "severity": "info"},
        "OrderDetailState.deliver": {"main_ip": "192.0.2.44"},
        "OrderDetailState.staff_order_action": {"action": "suspend", "reason": "Abuse"},
        "TicketFormState.submit": {"subject": "Help", "category": "technical", "message": "Hi"},
        "TicketThreadState.send": {"message": "More"},
        "TariffsState.save": {"code": "fz", "name": "Fuzz", "type": "vps", "currency": "EUR", "p1": "1"},
        "TariffsState.save_rates": {"rate-USD": "1.1"},
        "AdminState.add_staff": {
            "username": "newbie",
            "password": "a-long-password-1",
            "role": "support",
            "email": "n@example.com",
        },
        "AdminState.save_seller": {"seller_name": "Introserv", "seller_address": "Main 1", "seller_country": "NL"},
        "AuditState.apply": {"actor": "helper", "from": "2025-01-01"},
        "CustomerSearchState.search": {"q": "bob"},
        "SettingsState.save": dict(settings_state.form),
        "SettingsState.change_email": {"new_email": "bob2@example.com", "current_password": PASSWORD},
        "SettingsState.change_password": {
            "current_password": PASSWORD,
            "new_password": "another-long-secret",
            "confirm_password": "another-long-secret",
        },
        "SettingsState.set_code_word": {"code_word": "word", "current_password": PASSWORD},
        "SettingsState.set_call_password": {"call_password": "word", "current_password": "pw"},
        "PhoneState.check_code": {"code": "123456"},
        "OrdersGridState.apply_filters": {"name": "n", "ids": "1", "created_from": "2025-01-01"},
        "OrdersGridState.jump_to_page": {"page": "1"},
        "OrdersGridState.save_comment": {"comment": "c"},
        "OrderActionsState.confirm_cancel": {"mode": "period_end", "reason": "r"},
        "InvoicesState.apply_filters": {"number": "2026", "from": "2025-01-01"},
        "FundsState.submit": {"amount": "10", "method": "card"},
        "LoginState.submit": {"username": "bob", "password": PASSWORD},
    }


def _paths(world: World) -> dict[str, list[str]]:
    order, ticket, bob = world.ids["order"], world.ids["ticket"], world.ids["bob"]
    return {
        "OrdersGridState": ["/orders", "/staff/orders"],
        "OrderDetailState": [f"/orders/{order}"],
        "OrderActionsState": ["/orders", f"/orders/{order}"],
        "TicketThreadState": [f"/tickets/{ticket}"],
        "TicketsState": ["/tickets"],
        "TicketFormState": ["/orders"],
        "CustomerState": [f"/staff/customers/{bob}"],
        "CustomerSearchState": ["/staff/customers"],
        "InvoicesState": ["/invoices"],
        "NotificationsState": ["/notifications", "/orders"],
        "SettingsState": ["/settings"],
        "AuditState": ["/staff/audit"],
        "StaffTicketsState": ["/staff/tickets"],
        "AdminState": ["/staff/admin"],
        "TariffsState": ["/staff/tariffs"],
        "OutboxState": ["/staff/outbox"],
        "CatalogState": ["/order"],
        "LoginState": ["/login"],
    }


def _users(handler: Any) -> list[str | None]:
    guard = getattr(handler.fn, "staff_guard", None)
    if guard is None:
        return ["bob", "bob", "helper", None]
    return ["boss"] if "admin" in guard.lower() else ["helper", "boss"]


def _error_fields(state: rx.State) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in state.base_vars:
        value = getattr(state, name)
        if "error" in name and isinstance(value, str):
            out[name] = value
        elif name == "errors" and isinstance(value, dict):
            out.update({f"errors.{k}": str(v) for k, v in value.items()})
    return out


# ---- the sweep ------------------------------------------------------------------------------------------------


def _sweep(cls: type[rx.State], engine: Engine) -> None:
    world = build_world(engine)
    value, text = _strategies(world)
    forms, paths = _base_forms(world, engine), _paths(world)
    names = _handler_names(cls)
    keys = st.one_of(st.sampled_from(KEYS), text)

    def draw_args(data: st.DataObject, name: str) -> list[object]:
        handler = handler_of(cls, name)
        args: list[object] = []
        for param in parameters(handler):
            if param.default is not inspect.Parameter.empty and data.draw(st.booleans(), label="omit optional"):
                break
            annotation = str(param.annotation)
            if "dict" in annotation:
                base = forms.get(f"{cls.__name__}.{name}", {})
                changes = data.draw(st.dictionaries(keys, value, max_size=4), label=f"{param.name} changes")
                form = {**base, **changes}
                if (cls.__name__, name) in FORM_ALWAYS_A_DICT:
                    args.append(form)
                    continue
                args.append(data.draw(st.one_of(st.just(form), st.just(form), value), label=param.name))
            elif "str" in annotation:
                args.append(data.draw(st.one_of(text, text, text, value), label=param.name))
            else:
                args.append(data.draw(value, label=param.name))
        return args

    url = st.sampled_from(paths.get(cls.__name__, ["/"]))
    odd_path = st.builds(lambda p, seg: p.rsplit("/", 1)[0] + "/" + seg, url, odd_text)
    query = st.dictionaries(st.sampled_from(KEYS), text, max_size=3).map(
        lambda q: "&".join(f"{k}={v}" for k, v in q.items())
    )
    page_url = st.builds(lambda p, q: p + ("?" + q if q else ""), st.one_of(url, url, odd_path), query)

    def invoke(root: State, state: rx.State, name: str, args: list[object]) -> Any:
        note(f"{cls.__name__}.{name}({', '.join(ascii(a)[:300] for a in args)})")
        result = call(state, handler_of(cls, name), *args)
        sent_to_browser(root, result)  # raises when the socket could not send it
        return result

    def fuzz_one(name: str) -> Callable[[], None]:
        @settings(
            max_examples=EXAMPLES_PER_HANDLER,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            # no shrinking: every call touches the database, and the note below names the failing call already
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        )
        @given(data=st.data())
        def fuzz(data: st.DataObject) -> None:
            user = data.draw(st.sampled_from(_users(handler_of(cls, name))), label="signed in as")
            path = data.draw(page_url, label="page")
            assume(user is not None or is_encodable(path.split("?")[0]))  # see FORM_ALWAYS_A_DICT
            root, state = state_for(cls, world.tokens[user] if user else None, path)
            for _ in range(data.draw(st.integers(0, 2), label="earlier calls")):
                earlier = data.draw(st.sampled_from(names), label="earlier handler")
                invoke(root, state, earlier, draw_args(data, earlier))
            args = draw_args(data, name)
            errors_before, rows_before = _error_fields(state), table_contents(engine, WRITTEN_ON_REFUSAL)
            result = invoke(root, state, name, args)
            errors_after = _error_fields(state)
            new_errors = [k for k, v in errors_after.items() if v and not errors_before.get(k)]
            if error_toasts(result) or new_errors:
                assert table_contents(engine, WRITTEN_ON_REFUSAL) == rows_before, "a refused call changed rows"

        return fuzz

    failures: list[str] = []
    for name in names:  # every handler is swept, and every failing one reported
        try:
            fuzz_one(name)()
        except Exception as exc:  # noqa: BLE001 - collected, then reported together below
            failures.append(f"{cls.__name__}.{name}: {_where(exc)}\n" + "".join(traceback.format_exception_only(exc)))
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


def _where(exc: BaseException) -> str:
    """The app's frames the failure went through (hypothesis re-raises the minimal example's error)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in frames if "/introserv_app/" in f.filename]
    return " > ".join(ours) or (f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "")


@pytest.mark.parametrize("cls", STATES, ids=lambda c: c.__name__)
def test_no_handler_fails_on_odd_input(app_db: Engine, cls: type[rx.State]) -> None:  # noqa: F811
    _sweep(cls, app_db)


def test_the_sweep_covers_the_handlers_of_the_issue() -> None:
    covered = {(c.__name__, n) for c in STATES for n in _handler_names(c)}
    for expected in (
        ("OrderActionsState", "open_renew"),
        ("OrderActionsState", "set_months"),
        ("OrderActionsState", "withdraw"),
        ("OrdersGridState", "toggle_row"),
        ("OrdersGridState", "jump_to_page"),
        ("OrdersGridState", "search"),
        ("TicketFormState", "submit"),
        ("InvoicesState", "pay"),
        ("InvoicesState", "share_link"),
        ("NotificationsState", "dismiss"),
        ("CustomerSearchState", "search"),
        ("LoginState", "submit"),
        ("SettingsState", "save"),
        ("TariffsState", "save"),
        ("AdminState", "save_seller"),
        ("CustomerState", "adjust"),
        ("OrderDetailState", "load"),
        ("TicketThreadState", "load"),
        ("CustomerState", "load"),
    ):
        assert expected in covered, expected
    assert len(covered) >= 100
