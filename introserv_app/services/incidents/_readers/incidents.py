"""Incidents as customers and staff see them: the banners (open ones, and resolved ones for a day), a customer's
history (only incidents that affected them, and those about everyone), one incident, the staff list and the preview of
who an incident would reach."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from introserv_app.db.tables import Incident, IncidentCustomer, IncidentUpdate, TariffPlan, table_of
from introserv_app.db.types import utcnow
from introserv_app.domain.incidents import MSG_NOT_FOUND, RESOLVED_BANNER, IncidentState, Scope
from introserv_app.domain.validation import is_row_id
from introserv_app.services.common import access
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.incidents._rules import clean_draft, counts, pick

BANNERS_MAX = 3
PAGE_SIZE = 20
STAFF_LIST_MAX = 50

_i, _ic, _u = table_of(Incident).c, table_of(IncidentCustomer).c, table_of(IncidentUpdate).c


def _affects(user_id: Any) -> Any:
    """The incident is about everyone, or its customers include `user_id` (a lookup in the primary key)."""
    return sa.or_(
        _i.scope_kind == Scope.EVERYONE.value,
        sa.exists().where(_ic.incident_id == _i.id, _ic.user_id == user_id),
    )


_SEVERITY_RANK = sa.case({"critical": 0, "warning": 1}, value=_i.severity, else_=2)
# Built once: asked on every load of the Orders tab and the dashboard.
BANNER_QUERY = (
    sa.select(table_of(Incident))
    .where(
        sa.or_(_i.state == IncidentState.OPEN.value, _i.resolved_at >= sa.bindparam("since")),
        _affects(sa.bindparam("user_id")),
    )
    .order_by(_i.state, _SEVERITY_RANK, _i.opened_at.desc(), _i.id.desc())
    .limit(BANNERS_MAX)
)


@dataclass(frozen=True)
class UpdateView:
    at: datetime
    text: str


@dataclass(frozen=True)
class IncidentView:
    id: int
    severity: str
    title: str
    body: str
    open: bool
    opened_at: datetime
    resolved_at: datetime | None
    resolution: str
    updates: list[UpdateView]
    #: For staff: the scope, what it names, and how many customers and orders it affected.
    scope: str = ""
    scope_detail: str = ""
    customers: int = 0
    orders: int = 0
    #: The other language's title (staff see both).
    title_other: str = ""


def _updates(session: Session, ids: list[int], lang: str) -> dict[int, list[UpdateView]]:
    out: dict[int, list[UpdateView]] = {i: [] for i in ids}
    if ids:
        rows = session.execute(
            sa.select(_u.incident_id, _u.posted_at, _u.text_en, _u.text_ru)
            .where(_u.incident_id.in_(ids))
            .order_by(_u.posted_at.desc(), _u.id.desc())
        )
        for incident_id, at, en, ru in rows:
            out[incident_id].append(UpdateView(at, pick(lang, en, ru)))
    return out


def _view(row: Any, lang: str, updates: list[UpdateView]) -> IncidentView:
    return IncidentView(
        id=row.id,
        severity=row.severity,
        title=pick(lang, row.title_en, row.title_ru),
        body=pick(lang, row.body_en, row.body_ru),
        open=row.state == IncidentState.OPEN.value,
        opened_at=row.opened_at,
        resolved_at=row.resolved_at,
        resolution=pick(lang, row.resolution_en, row.resolution_ru),
        updates=updates,
    )


def incident_banners(*, session: Session, viewer: Viewer, lang: str, now: datetime | None = None) -> list[IncidentView]:
    """The viewer's incident banners: open ones (most severe first), then those resolved in the last 24 hours with
    their resolution. The latest update of each comes first in its `updates`. Staff have none."""
    if viewer.is_staff:
        return []
    since = (now or utcnow()) - RESOLVED_BANNER
    rows = session.execute(BANNER_QUERY, {"user_id": viewer.user_id, "since": since}).all()
    updates = _updates(session, [r.id for r in rows], lang)
    return [_view(r, lang, updates[r.id]) for r in rows]


@dataclass(frozen=True)
class IncidentsPage:
    items: list[IncidentView]
    total: int
    page: int
    pages: int


def customer_incidents(*, session: Session, viewer: Viewer, lang: str, page: int = 1) -> IncidentsPage:
    """The incidents that affected the viewer (staff: every incident), newest first, with updates and resolution."""
    where = sa.true() if viewer.is_staff else _affects(viewer.user_id)
    total = int(session.execute(sa.select(sa.func.count()).select_from(table_of(Incident)).where(where)).scalar_one())
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page if is_row_id(page) else 1, 1), pages)
    rows = session.execute(
        sa.select(table_of(Incident))
        .where(where)
        .order_by(_i.opened_at.desc(), _i.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    updates = _updates(session, [r.id for r in rows], lang)
    return IncidentsPage([_view(r, lang, updates[r.id]) for r in rows], total, page, pages)


def incident_detail(*, session: Session, viewer: Viewer, lang: str, incident_id: object) -> IncidentView:
    """One incident, for a customer it affected (or staff); anyone else is told it does not exist (audited)."""
    row = None
    if is_row_id(incident_id):
        where = sa.true() if viewer.is_staff else _affects(viewer.user_id)
        row = session.execute(sa.select(table_of(Incident)).where(_i.id == incident_id, where)).first()
    if row is None:
        access.record_denied(
            session=session, viewer=viewer, target="incident.view", details={"id": str(incident_id)[:40]}
        )
        raise ServiceError(MSG_NOT_FOUND)
    return _view(row, lang, _updates(session, [row.id], lang)[row.id])


def staff_incidents(*, session: Session, viewer: Viewer, lang: str, ip: str = "") -> list[IncidentView]:
    """Staff: open incidents first, then the latest resolved ones (at most 50 in all), with scope and reach."""
    access.require_staff(session=session, viewer=viewer, target="incident.list", ip=ip)
    rows = session.execute(
        sa.select(table_of(Incident))
        .order_by(sa.case((_i.state == IncidentState.OPEN.value, 0), else_=1), _i.opened_at.desc(), _i.id.desc())
        .limit(STAFF_LIST_MAX)
    ).all()
    updates = _updates(session, [r.id for r in rows], lang)
    tariff_ids = {int(t) for r in rows for t in (r.scope_data or {}).get("tariffs", []) if isinstance(t, int)}
    t = table_of(TariffPlan).c
    names = dict(session.execute(sa.select(t.id, t.name).where(t.id.in_(tariff_ids))).all()) if tariff_ids else {}
    out = []
    for r in rows:
        data = r.scope_data or {}
        if r.scope_kind == Scope.TARIFFS:
            detail = ", ".join(str(names.get(x, x)) for x in data.get("tariffs", []))
        elif r.scope_kind == Scope.IP_RANGES:
            detail = str(data.get("ranges", "")).replace("\n", ", ")
        elif r.scope_kind == Scope.ORDERS:
            detail = ", ".join(str(x) for x in data.get("orders", [])[:20]) + (
                "…" if len(data.get("orders", [])) > 20 else ""
            )
        else:
            detail = ""
        view = _view(r, lang, updates[r.id])
        out.append(
            IncidentView(
                **{**view.__dict__, "scope": r.scope_kind, "scope_detail": detail, "customers": r.customers,
                   "orders": r.orders, "title_other": pick("en" if lang == "ru" else "ru", r.title_en, r.title_ru)}
            )
        )  # fmt: skip
    return out


@dataclass(frozen=True)
class Preview:
    customers: int
    orders: int


def preview_incident(*, session: Session, viewer: Viewer, ip: str = "", **form: object) -> Preview:
    """Staff: how many customers and orders the incident described by `form` (open_incident's fields) would reach."""
    access.require_staff(session=session, viewer=viewer, target="incident.preview", ip=ip)
    customers, orders = counts(session, clean_draft(session, **form))  # type: ignore[arg-type]
    return Preview(customers, orders)


def tariff_choices(*, session: Session, viewer: Viewer) -> list[tuple[int, str]]:
    """Staff: every tariff (id, "name (code)") for the scope's choice."""
    if not viewer.is_staff:
        return []
    t = table_of(TariffPlan).c
    rows = session.execute(sa.select(t.id, t.name, t.code).order_by(t.name, t.id)).all()
    return [(tid, f"{name} ({code})") for tid, name, code in rows]
