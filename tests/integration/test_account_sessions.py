"""Settings → Sessions and the sign-in history (issue 19, item 4): the list, "sign out" per session (only the
account's own), everywhere else, the previous sign-in for "Display last IP", the last 20 sign-ins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from introserv_app.db.session import session_scope
from introserv_app.db.types import utcnow
from introserv_app.services import accounts
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from tests.support.builders import PASSWORD, login, make_user, session_token


def _viewer(engine: Engine, token: str) -> Viewer:
    with session_scope(engine) as session:
        found = accounts.resolve_session(session=session, token=token)
    assert found is not None
    return found


def _sign_in(engine: Engine, username: str, ip: str, agent: str) -> str:
    with session_scope(engine) as session:
        outcome = accounts.authenticate(session=session, username=username, password=PASSWORD, ip=ip,
                                        user_agent=agent)  # fmt: skip
    with session_scope(engine) as session:
        done = accounts.complete_login(session=session, ticket=outcome.ticket or "", binding=outcome.binding or "",
                                       ip=ip)  # fmt: skip
    assert done
    return done.token


FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


def test_the_list_names_each_browser_and_sessions_end_one_by_one_or_all(engine: Engine) -> None:
    make_user(engine, "alice")
    make_user(engine, "mallory")
    here = _sign_in(engine, "alice", "198.51.100.1", FIREFOX_LINUX)
    office = _sign_in(engine, "alice", "203.0.113.5", CHROME_WINDOWS)
    third = _sign_in(engine, "alice", "203.0.113.6", "")
    me = _viewer(engine, here)
    with session_scope(engine) as session:
        lines = accounts.active_sessions(session=session, viewer=me)
    assert [(line.browser, line.system, line.ip, line.this_device) for line in lines] == [
        ("Firefox 133", "Linux", "198.51.100.1", True),
        *sorted([("Chrome 131", "Windows", "203.0.113.5", False), ("", "", "203.0.113.6", False)], key=lambda x: x[2],
                reverse=True),
    ]  # fmt: skip
    office_id = _viewer(engine, office).session_id
    mallory = _viewer(engine, _sign_in(engine, "mallory", "192.0.2.1", ""))
    with pytest.raises(ServiceError), session_scope(engine) as session:  # someone else's session: nothing ends
        accounts.end_session(session=session, viewer=mallory, session_id=office_id)
    with pytest.raises(ServiceError), session_scope(engine) as session:  # this one: the menu's "Log out"
        accounts.end_session(session=session, viewer=me, session_id=me.session_id)
    with session_scope(engine) as session:
        accounts.end_session(session=session, viewer=me, session_id=office_id)
    with session_scope(engine) as session:
        assert accounts.resolve_session(session=session, token=office) is None
        assert accounts.resolve_session(session=session, token=third) is not None
        assert accounts.end_other_sessions(session=session, viewer=me) == 1
    with session_scope(engine) as session:
        assert accounts.resolve_session(session=session, token=third) is None
        assert accounts.resolve_session(session=session, token=here) is not None
        assert [line.this_device for line in accounts.active_sessions(session=session, viewer=me)] == [True]


def test_display_last_ip_shows_the_sign_in_before_this_one_and_the_history_has_twenty(engine: Engine) -> None:
    uid = make_user(engine, "alice")
    with session_scope(engine) as session:
        from introserv_app.db.tables import Profile

        profile = session.get(Profile, uid)
        assert profile is not None
        profile.display_last_ip = True
    _sign_in(engine, "alice", "203.0.113.50", "")
    now = utcnow()
    for n in range(22):
        login(engine, "alice", "wrong-password", ip=f"192.0.2.{n}", now=now - timedelta(minutes=30 - n))
    token = _sign_in(engine, "alice", "198.51.100.77", "")
    with session_scope(engine) as session:
        view = accounts.settings_view(session=session, viewer=_viewer(engine, token))
    assert view.last_login_ip == "203.0.113.50"  # the previous one, not the one in use
    assert len(view.recent_logins) == 20
    assert view.recent_logins[0].ok and view.recent_logins[0].ip == "198.51.100.77"
    assert view.recent_logins[1].ok and view.recent_logins[1].ip == "203.0.113.50"
    assert [r.ok for r in view.recent_logins[2:]] == [False] * 18  # the newest of the 22 failures
    assert session_token(engine, "alice")


def test_a_mail_on_sign_in_from_a_new_browser_when_asked_for(engine: Engine) -> None:
    from sqlmodel import select

    from introserv_app.db.tables import EmailOutbox

    make_user(engine, "alice", email="alice@example.com")

    def sign_in(device: str | None) -> str:
        with session_scope(engine) as session:
            outcome = accounts.authenticate(session=session, username="alice", password=PASSWORD, ip="203.0.113.8",
                                            user_agent=FIREFOX_LINUX)  # fmt: skip
        with session_scope(engine) as session:
            done = accounts.complete_login(session=session, ticket=outcome.ticket or "",
                                           binding=outcome.binding or "", ip="203.0.113.8",
                                           device_cookie=device)  # fmt: skip
        assert done
        return done.device_cookie

    def mails() -> list[str]:
        with session_scope(engine) as session:
            rows = session.exec(select(EmailOutbox).where(EmailOutbox.to_addr == "alice@example.com"))
            return [m.body_text for m in rows]

    known = sign_in(None)  # not asked for yet: no mail
    assert mails() == []
    with session_scope(engine) as session:
        accounts.set_new_device_mail(session=session, viewer=_viewer(engine, _sign_in(engine, "alice", "1.2.3.4", "")),
                                     on=True)  # fmt: skip
    sign_in(known)  # a browser that signed in before: no mail
    assert mails() == []
    sign_in(None)  # a new one
    [body] = mails()
    assert "203.0.113.8" in body and "Firefox 133 · Linux" in body
