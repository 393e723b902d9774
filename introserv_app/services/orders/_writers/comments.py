"""What a customer writes on their orders: comments, and the grid columns they chose."""

from __future__ import annotations

import json

from sqlmodel import Session

from introserv_app.db.tables import UserPreference
from introserv_app.db.types import utcnow
from introserv_app.domain.grid import OPTIONAL_COLUMNS
from introserv_app.domain.text import N_
from introserv_app.domain.validation import TextError, check_text
from introserv_app.services.common import audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.scope import own_order
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.orders._readers.grid import GRID_COLUMNS_KEY

COMMENT_MAX = 255


MSG_COMMENT_TOO_LONG = N_("A comment can have at most 255 characters.")


MSG_COMMENT_CHARACTERS = N_("The comment contains characters that cannot be used (invisible control characters).")


def normalize_comment(raw: object) -> str:
    """Trimmed one-line text; refused (ServiceError) when too long or with unusable characters (NUL and
    other controls, lone surrogates). Scripts and formulas stay plain text (escaped where shown)."""
    try:
        return check_text(raw, max_len=COMMENT_MAX)
    except TextError as exc:
        raise ServiceError(MSG_COMMENT_CHARACTERS if exc.problem == "characters" else MSG_COMMENT_TOO_LONG) from None


def set_comment(*, session: Session, viewer: Viewer, order_id: int, comment: str) -> str:
    """Save the owner's comment on an order; returns the stored text. Foreign ids are refused and audited."""
    text = normalize_comment(comment)
    order = own_order(session=session, viewer=viewer, order_id=order_id, target="order.comment")
    if order.comment != text:
        audit.record(
            session=session,
            action="order.comment",
            actor_id=viewer.user_id,
            subject_user_id=order.user_id,
            details={"order_id": order.id, "old": order.comment, "new": text},
        )
        order.comment = text
    return text


def set_grid_columns(*, session: Session, viewer: Viewer, columns: list[str]) -> tuple[str, ...]:
    """Remember the viewer's optional columns; unknown names are ignored."""
    chosen = tuple(c for c in OPTIONAL_COLUMNS if isinstance(columns, list) and c in columns)
    pref = session.get(UserPreference, (viewer.user_id, GRID_COLUMNS_KEY))
    value = json.dumps(list(chosen))
    if pref is None:
        session.add(UserPreference(user_id=viewer.user_id, key=GRID_COLUMNS_KEY, value=value, updated_at=utcnow()))
    else:
        pref.value, pref.updated_at = value, utcnow()
    return chosen
