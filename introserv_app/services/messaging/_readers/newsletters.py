"""Newsletters for the staff page, and who gets them: customers who ticked "Newsletter" in Settings, with a
confirmed address and an open account."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from introserv_app.db.tables import Newsletter, Profile, User
from introserv_app.domain.csvcells import neutralize_formulas
from introserv_app.domain.roles import Role
from introserv_app.services.common import access
from introserv_app.services.common.unsubscribe_token import user_of
from introserv_app.services.common.viewer import Viewer


@dataclass(frozen=True)
class NewsletterRow:
    id: int
    subject_en: str
    subject_ru: str
    body_en: str
    body_ru: str
    state: str
    created_at: datetime
    sent_at: datetime | None
    recipients: int


#: Who gets the newsletter: the Settings box ticked, a confirmed address, an open customer account.
_SUBSCRIBED = (
    col(Profile.newsletter).is_(True),
    col(Profile.email_confirmed).is_(True),
    col(Profile.email) != "",
    col(User.is_active).is_(True),
    col(User.role) == Role.CUSTOMER.value,
)


def _subscribed():  # the subscribers' rows: profile, user
    return (
        select(Profile, User)
        .join(User, col(User.id) == col(Profile.user_id))
        .where(*_SUBSCRIBED)
        .order_by(col(Profile.user_id))
    )


def subscribers(*, session: Session) -> Iterator[tuple[int, str, str]]:
    """(user id, address, language) of every subscriber."""
    for profile, _user in session.exec(_subscribed().execution_options(yield_per=1000)):
        yield profile.user_id, profile.email, profile.language if profile.language in ("en", "ru") else "en"


def subscriber_count(*, session: Session) -> int:
    """How many subscribers a send would reach now (one count in SQL: the staff page asks at every load)."""
    counted = select(func.count()).select_from(Profile).join(User, col(User.id) == col(Profile.user_id))
    return int(session.exec(counted.where(*_SUBSCRIBED)).one())


def list_newsletters(*, session: Session, viewer: Viewer, ip: str = "") -> list[NewsletterRow]:
    """Every newsletter, drafts first, newest first (support and admins)."""
    access.require_staff(session=session, viewer=viewer, target="newsletter.list", ip=ip)
    letters = session.exec(select(Newsletter).order_by(col(Newsletter.state), col(Newsletter.id).desc())).all()
    return [
        NewsletterRow(
            id=n.id or 0,
            subject_en=n.subject_en,
            subject_ru=n.subject_ru,
            body_en=n.body_en,
            body_ru=n.body_ru,
            state=n.state,
            created_at=n.created_at,
            sent_at=n.sent_at,
            recipients=n.recipients,
        )
        for n in letters
    ]


def iter_subscribers_csv(*, session: Session) -> Iterator[str]:
    """The subscriber list as CSV (user id, username, name, e-mail, language), cells neutralised for spreadsheets.
    The caller checks the viewer and audits the export."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["user_id", "username", "name", "email", "language"])
    for n, (profile, user) in enumerate(session.exec(_subscribed().execution_options(yield_per=1000)), 1):
        name = f"{profile.first_name or ''} {profile.last_name or ''}".strip()
        cells = neutralize_formulas([user.username, name, profile.email])
        writer.writerow([profile.user_id, *cells, profile.language])
        if n % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def unsubscribe_view(*, session: Session, token: str) -> tuple[str, bool] | None:
    """For the unsubscribe page: the account's language and whether it still gets the newsletter; None for a link
    that is not genuine."""
    user_id = user_of(token)
    profile = session.get(Profile, user_id) if user_id is not None else None
    if profile is None:
        return None
    return profile.language or "en", bool(profile.newsletter)
