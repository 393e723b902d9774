"""The tab binding while the database does not answer (state/binding.py): the same cookie keeps the tab's
states (the handlers fail and say so), any other cookie or none gets empty states."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlalchemy.exc as sa_exc

from introserv_app.services.accounts import SESSION_COOKIE, token_hash
from introserv_app.state import binding


def _state(cookie: str) -> SimpleNamespace:
    return SimpleNamespace(router=SimpleNamespace(headers=SimpleNamespace(cookie=cookie)))


def _down(_: object) -> None:
    raise sa_exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("database restarting"))


def test_while_the_database_is_down_only_the_bound_cookie_keeps_the_tab(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(binding, "current_viewer", _down)
    bound = "42." + token_hash("victims-token")[:16]
    assert binding.binding_of(_state(f"{SESSION_COOKIE}=victims-token"), bound) == bound
    assert binding.binding_of(_state(f"{SESSION_COOKIE}=attackers-token"), bound) == ""
    assert binding.binding_of(_state(""), bound) == ""
    assert binding.binding_of(_state(f"{SESSION_COOKIE}=victims-token"), "") == ""


def test_other_errors_are_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(binding, "current_viewer", broken)
    with pytest.raises(ValueError, match="a bug"):
        binding.binding_of(_state(f"{SESSION_COOKIE}=t"), "")


def test_a_resolved_sign_in_binds_to_its_session_and_cookie(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(binding, "current_viewer", lambda _: SimpleNamespace(session_id=7))
    assert binding.binding_of(_state(f"{SESSION_COOKIE}=tok"), "") == "7." + token_hash("tok")[:16]
    monkeypatch.setattr(binding, "current_viewer", lambda _: None)
    assert binding.binding_of(_state(f"{SESSION_COOKIE}=expired"), "7.x") == ""
