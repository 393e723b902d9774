"""Staff open an incident (the affected customers are written once, by one INSERT ... SELECT), post updates and
resolve it; every step mails every affected customer and is audited. Support and admins only."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from introserv_app.db.tables import Incident, IncidentCustomer, IncidentUpdate, table_of
from introserv_app.db.types import utcnow
from introserv_app.domain.incidents import MSG_NOBODY, MSG_NOT_FOUND, MSG_RESOLVED_ALREADY, IncidentState
from introserv_app.domain.validation import is_row_id
from introserv_app.services.common import access, audit
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.incidents._rules import affected, checked_texts, clean_draft
from introserv_app.services.incidents._writers.mail import event_texts, queue_mails


def open_incident(
    *,
    session: Session,
    viewer: Viewer,
    title_en: object,
    title_ru: object,
    body_en: object,
    body_ru: object,
    severity: object,
    scope: object,
    tariffs: object = (),
    ranges: object = "",
    orders: object = "",
    ip: str = "",
    now: datetime | None = None,
) -> Incident:
    """Open an incident: the customers it affects are written at once, each gets a banner and a mail."""
    now = now or utcnow()
    access.require_staff(session=session, viewer=viewer, target="incident.open", ip=ip)
    draft = clean_draft(
        session, title_en=title_en, title_ru=title_ru, body_en=body_en, body_ru=body_ru, severity=severity,
        scope=scope, tariffs=tariffs, ranges=ranges, orders=orders,
    )  # fmt: skip
    incident = Incident(
        title_en=draft.title.en,
        title_ru=draft.title.ru,
        body_en=draft.body.en,
        body_ru=draft.body.ru,
        severity=draft.severity,
        scope_kind=draft.scope.value,
        scope_data=draft.scope_data(),
        opened_by=viewer.user_id,
        opened_at=now,
    )
    session.add(incident)
    session.flush()
    rows = affected(session, draft).subquery()
    session.execute(
        sa.insert(table_of(IncidentCustomer)).from_select(
            ("incident_id", "user_id", "orders"), sa.select(sa.literal(incident.id), rows.c.user_id, rows.c.orders)
        )
    )
    ic = table_of(IncidentCustomer).c
    customers, orders_count = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(ic.orders), 0)).where(ic.incident_id == incident.id)
    ).one()
    if not customers:
        raise ServiceError(MSG_NOBODY)  # the caller's transaction rolls the incident back
    incident.customers, incident.orders = int(customers), int(orders_count)
    mails = queue_mails(session, incident, "open", now, event_texts(incident, "open"))
    audit.record(
        session=session,
        action="incident.open",
        actor_id=viewer.user_id,
        ip=ip,
        details={
            "incident_id": incident.id,
            "title": draft.title.en[:200],
            "severity": draft.severity,
            "scope": draft.scope.value,
            "scope_data": draft.scope_data(),
            "customers": incident.customers,
            "orders": incident.orders,
            "mails": mails,
        },
        now=now,
    )
    return incident


def _open_one(session: Session, viewer: Viewer, incident_id: object, target: str, ip: str) -> Incident:
    access.require_staff(session=session, viewer=viewer, target=target, ip=ip)
    incident = session.get(Incident, incident_id, with_for_update=True) if is_row_id(incident_id) else None
    if incident is None:
        raise ServiceError(MSG_NOT_FOUND)
    if incident.state != IncidentState.OPEN:
        raise ServiceError(MSG_RESOLVED_ALREADY)
    return incident


def post_update(
    *,
    session: Session,
    viewer: Viewer,
    incident_id: object,
    text_en: object,
    text_ru: object,
    ip: str = "",
    now: datetime | None = None,
) -> IncidentUpdate:
    """Staff say what changed; every affected customer is mailed."""
    now = now or utcnow()
    incident = _open_one(session, viewer, incident_id, "incident.update", ip)
    text = checked_texts(text_en, text_ru)
    update = IncidentUpdate(
        incident_id=incident.id or 0, text_en=text.en, text_ru=text.ru, posted_by=viewer.user_id, posted_at=now
    )
    session.add(update)
    session.flush()
    mails = queue_mails(session, incident, f"u{update.id}", now, event_texts(incident, "update", (text.en, text.ru)))
    audit.record(
        session=session,
        action="incident.update",
        actor_id=viewer.user_id,
        ip=ip,
        details={"incident_id": incident.id, "update_id": update.id, "text": text.en[:200], "mails": mails},
        now=now,
    )
    return update


def resolve_incident(
    *,
    session: Session,
    viewer: Viewer,
    incident_id: object,
    resolution_en: object,
    resolution_ru: object,
    ip: str = "",
    now: datetime | None = None,
) -> Incident:
    """The incident is over: the resolution is shown in the banner for a day and mailed."""
    now = now or utcnow()
    incident = _open_one(session, viewer, incident_id, "incident.resolve", ip)
    text = checked_texts(resolution_en, resolution_ru)
    incident.state, incident.resolved_at, incident.resolved_by = IncidentState.RESOLVED.value, now, viewer.user_id
    incident.resolution_en, incident.resolution_ru = text.en, text.ru
    session.flush()
    mails = queue_mails(session, incident, "resolved", now, event_texts(incident, "resolved"))
    audit.record(
        session=session,
        action="incident.resolve",
        actor_id=viewer.user_id,
        ip=ip,
        details={"incident_id": incident.id, "resolution": text.en[:200], "mails": mails},
        now=now,
    )
    return incident
