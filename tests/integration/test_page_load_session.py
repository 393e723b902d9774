"""One database session per page load (`db.session.page_load_session`), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from introserv_app.db import session as db_session
from introserv_app.db.session import page_load_session, session_scope
from introserv_app.db.tables import AuditEvent
from introserv_app.services.common import audit


@pytest.fixture
def default_engine(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setattr(db_session, "get_engine", lambda: engine)
    return engine


def _actions(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(sa.select(AuditEvent.action)).scalars())  # type: ignore[call-overload]


def test_the_services_of_a_page_load_share_one_session_and_commit_together(default_engine: Engine) -> None:
    with page_load_session() as outer:
        with session_scope() as first:
            audit.record(session=first, action="test.first", actor_id=None)
        with session_scope() as second:
            assert first is second is outer
            audit.record(session=second, action="test.second", actor_id=None)
        assert _actions(default_engine) == []  # not committed before the page load ends
    assert _actions(default_engine) == ["test.first", "test.second"]
    with session_scope() as alone:  # outside a page load every scope is its own unit of work again
        assert alone is not outer


def test_a_caught_error_inside_a_page_load_leaves_nothing_half_saved(default_engine: Engine) -> None:
    with page_load_session():
        try:
            with session_scope() as session:
                audit.record(session=session, action="test.half", actor_id=None)
                raise ValueError("refused")
        except ValueError:
            pass
        with session_scope() as session:
            # work apart from the page load (an audited refusal) survives whatever happens to it
            audit.record_apart(session=session, action="test.apart", actor_id=None)
            audit.record(session=session, action="test.after", actor_id=None)
    assert _actions(default_engine) == ["test.after", "test.apart"]


def test_an_error_that_leaves_the_page_load_rolls_it_back(default_engine: Engine) -> None:
    with pytest.raises(RuntimeError), page_load_session(), session_scope() as session:
        audit.record(session=session, action="test.lost", actor_id=None)
        raise RuntimeError("the database went away")
    assert _actions(default_engine) == []


def test_the_session_touch_is_committed_at_once_not_held_by_the_page_load(default_engine: Engine) -> None:
    """The last-seen time of a sign-in is written in its own short transaction: a page load that awaits
    with its shared session open must not hold that row's lock, and its rollback must not undo it."""
    from datetime import timedelta

    from introserv_app.db.tables import UserSession
    from introserv_app.services.accounts import TOUCH_EVERY, resolve_session
    from tests.support.builders import PASSWORD, T0, exchange, login, make_user

    make_user(default_engine)
    outcome = login(default_engine, "alice", PASSWORD)
    with session_scope(default_engine) as session:
        token = exchange(session, outcome, ip="198.51.100.7", now=T0)
    later = T0 + TOUCH_EVERY + timedelta(seconds=1)
    with pytest.raises(RuntimeError), page_load_session(), session_scope() as session:
        assert resolve_session(session=session, token=token, now=later) is not None
        with default_engine.connect() as other:  # another connection sees the touch before the page load ends
            seen = other.execute(sa.select(UserSession.last_seen_at)).scalar_one()  # type: ignore[call-overload]
        assert seen == later
        raise RuntimeError("the rest of the page load failed")
    with default_engine.connect() as conn:
        assert conn.execute(sa.select(UserSession.last_seen_at)).scalar_one() == later  # type: ignore[call-overload]
