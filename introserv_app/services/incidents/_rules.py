"""What the readers and writers of incidents share: reading staff's form into a `Draft`, the one query of who a scope
affects (orders of active customers, never cancelled ones), and the texts in a reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import INET
from sqlmodel import Session

from introserv_app.db.tables import Incident, Order, TariffPlan, User, table_of
from introserv_app.domain.incidents import (
    MSG_ORDER_REF,
    MSG_SCOPE,
    MSG_SEVERITY,
    MSG_TARIFFS,
    MSG_TEXT,
    MSG_TITLE,
    SEVERITIES,
    TEXT_MAX,
    TITLE_MAX,
    IpRange,
    Scope,
    Texts,
    both_texts,
    ip_key,
    parse_order_refs,
    parse_ranges,
)
from introserv_app.domain.roles import Role
from introserv_app.domain.settings_rules import FieldError
from introserv_app.domain.statuses import OrderStatus
from introserv_app.domain.validation import clean_search, parse_id
from introserv_app.services.common.errors import ServiceError


@dataclass(frozen=True)
class Draft:
    """An incident as staff described it, checked: texts in both languages, severity and scope."""

    title: Texts
    body: Texts
    severity: str
    scope: Scope
    tariff_ids: tuple[int, ...] = ()
    ranges_text: str = ""
    ranges: tuple[IpRange, ...] = ()
    order_ids: tuple[int, ...] = ()

    def scope_data(self) -> dict[str, object]:
        if self.scope == Scope.TARIFFS:
            return {"tariffs": list(self.tariff_ids)}
        if self.scope == Scope.IP_RANGES:
            return {"ranges": self.ranges_text}
        if self.scope == Scope.ORDERS:
            return {"orders": list(self.order_ids)}
        return {}


def refused(exc: FieldError) -> ServiceError:
    """A form problem as a refusal (the first one when several lines are wrong)."""
    first = exc.items[0] if exc.items else exc
    return ServiceError(first.message, **first.values)


def checked_texts(en: object, ru: object, *, title: bool = False) -> Texts:
    """Both languages of a text (a title when `title`), or the refusal."""
    try:
        if title:
            return both_texts(en, ru, max_len=TITLE_MAX, refusal=MSG_TITLE, multiline=False)
        return both_texts(en, ru, max_len=TEXT_MAX, refusal=MSG_TEXT, multiline=True)
    except FieldError as exc:
        raise refused(exc) from None


def _ids(raw: object) -> list[int]:
    items: Iterable[object] = raw if isinstance(raw, list | tuple) else str(raw or "").replace(",", " ").split()
    return sorted({i for i in (parse_id(x) for x in items) if i is not None})


def clean_draft(
    session: Session,
    *,
    title_en: object,
    title_ru: object,
    body_en: object,
    body_ru: object,
    severity: object,
    scope: object,
    tariffs: object = (),
    ranges: object = "",
    orders: object = "",
) -> Draft:
    """Check staff's form (ServiceError on the first problem); tariffs and orders must exist."""
    title = checked_texts(title_en, title_ru, title=True)
    body = checked_texts(body_en, body_ru)
    if not isinstance(severity, str) or severity not in SEVERITIES:
        raise ServiceError(MSG_SEVERITY)
    if not isinstance(scope, str) or scope not in set(Scope):
        raise ServiceError(MSG_SCOPE)
    kind = Scope(str(scope))
    common = {"title": title, "body": body, "severity": str(severity), "scope": kind}
    if kind == Scope.TARIFFS:
        wanted = _ids(tariffs)[:1000]
        t = table_of(TariffPlan).c
        found = sorted(session.execute(sa.select(t.id).where(t.id.in_(wanted))).scalars()) if wanted else []
        if not found or len(found) != len(wanted):
            raise ServiceError(MSG_TARIFFS)
        return Draft(**common, tariff_ids=tuple(found))  # type: ignore[arg-type]
    if kind == Scope.IP_RANGES:
        try:
            text, parsed = parse_ranges(ranges)
        except FieldError as exc:
            raise refused(exc) from None
        return Draft(**common, ranges_text=text, ranges=tuple(parsed))  # type: ignore[arg-type]
    if kind == Scope.ORDERS:
        try:
            ids, names = parse_order_refs(orders)
        except FieldError as exc:
            raise refused(exc) from None
        return Draft(**common, order_ids=tuple(_resolve_orders(session, ids, names)))  # type: ignore[arg-type]
    return Draft(**common)  # type: ignore[arg-type]


def _resolve_orders(session: Session, ids: list[int], names: list[str]) -> list[int]:
    o = table_of(Order).c
    rows = session.execute(sa.select(o.id, o.service_name).where(sa.or_(o.id.in_(ids), o.service_name.in_(names))))
    by_id, by_name = {}, {}
    for oid, name in rows:
        by_id[oid], by_name[name] = oid, oid
    for ref in [*map(str, ids), *names]:
        if (int(ref) if ref.isdigit() else None) not in by_id and ref not in by_name:
            raise ServiceError(MSG_ORDER_REF, text=clean_search(ref, 40))
    return sorted(set(by_id.values()))


# ---- who a scope affects --------------------------------------------------------------------------------------

_IPV4 = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
#: Only what PostgreSQL's inet accepts is cast (orders' addresses are written checked, this keeps a stray one from
#: failing the statement).
PG_ADDRESS = rf"^({_IPV4}\.){{3}}{_IPV4}$|^[0-9a-fA-F:]*:[0-9a-fA-F:.]*$"
SQLITE_IP_KEY = "introserv_ip_key"


def _in_ranges(session: Session, ranges: Iterable[IpRange]) -> Any:
    o = table_of(Order).c
    if session.get_bind().dialect.name == "postgresql":
        address = sa.case((o.main_ip.op("~")(PG_ADDRESS), sa.cast(o.main_ip, INET)), else_=None)
        return sa.or_(*(address.between(sa.cast(r.first, INET), sa.cast(r.last, INET)) for r in ranges))
    # SQLite: the address's sortable key (`domain.incidents.ip_key`), a function of this connection
    raw = session.connection().connection.dbapi_connection
    raw.create_function(SQLITE_IP_KEY, 1, ip_key, deterministic=True)  # type: ignore[union-attr]
    key = sa.func.introserv_ip_key(o.main_ip)
    return sa.or_(*(key.between(*r.keys()) for r in ranges))


def affected(session: Session, draft: Draft) -> Any:
    """SELECT (user_id, orders): each customer the draft affects, with how many of their orders. Customers are
    active accounts (closed or switched-off ones are not); cancelled orders affect nobody."""
    o, u = table_of(Order).c, table_of(User).c
    customer = (u.role == Role.CUSTOMER.value, u.is_active.is_(sa.true()))
    live = o.status != OrderStatus.CANCELLED.value
    if draft.scope == Scope.EVERYONE:
        per_user = sa.select(o.user_id, sa.func.count().label("n")).where(live).group_by(o.user_id).subquery()
        return (
            sa.select(u.id.label("user_id"), sa.func.coalesce(per_user.c.n, 0).label("orders"))
            .select_from(sa.outerjoin(table_of(User), per_user, per_user.c.user_id == u.id))
            .where(*customer)
        )
    if draft.scope == Scope.TARIFFS:
        which = o.tariff_id.in_(draft.tariff_ids)
    elif draft.scope == Scope.ORDERS:
        which = o.id.in_(draft.order_ids)
    else:
        which = _in_ranges(session, draft.ranges)
    return (
        sa.select(o.user_id.label("user_id"), sa.func.count().label("orders"))
        .select_from(sa.join(table_of(Order), table_of(User), u.id == o.user_id))
        .where(live, which, *customer)
        .group_by(o.user_id)
    )


def counts(session: Session, draft: Draft) -> tuple[int, int]:
    """(customers, orders) the draft affects."""
    sub = affected(session, draft).subquery()
    row = session.execute(sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(sub.c.orders), 0))).one()
    return int(row[0]), int(row[1])


# ---- texts in the reader's language --------------------------------------------------------------------------


def pick(lang: str, en: str | None, ru: str | None) -> str:
    """The text in `lang` (Russian or English; English for any other)."""
    return (ru if lang == "ru" else en) or en or ""


def title_of(incident: Incident | Any, lang: str) -> str:
    return pick(lang, incident.title_en, incident.title_ru)
