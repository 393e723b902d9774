"""Settings → API keys (the customer: create with scopes, an IP list and an expiry; the key shown once; revoke)
and the staff customer page's list of a customer's keys (prefix, scopes, last use; revoke)."""

from __future__ import annotations

import reflex as rx

from introserv_app.db.types import utcnow
from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields, parse_id
from introserv_app.i18n import format_datetime, gettext, translate_error
from introserv_app.services import apikeys
from introserv_app.services.common.errors import ServiceError
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.guard import STAFF_STATES, staff_only
from introserv_app.state.url import page_url

MSG_CREATED = N_("API key “{name}” created. Copy it now: it is shown only once.")
MSG_REVOKED = N_("API key {prefix} revoked: scripts using it are refused from now on.")
STATES = {"active": N_("Active"), "expired": N_("Expired"), "revoked": N_("Revoked")}


def _rows(lines: list[apikeys.KeyLine], lang: str) -> list[dict[str, str]]:
    now = utcnow()
    return [
        {
            "id": str(k.id),
            "name": k.name,
            "prefix": k.prefix,
            "scopes": " · ".join(k.scopes),
            "ips": ", ".join(k.ip_list.split("\n")) if k.ip_list else gettext(lang, N_("anywhere")),
            "expires": format_datetime(k.expires_at, lang, "short") if k.expires_at else gettext(lang, N_("never")),
            "created": format_datetime(k.created_at, lang, "short"),
            "used": (f"{format_datetime(k.last_used_at, lang, 'short')} · {k.last_used_ip}" if k.last_used_at else "—"),
            "state": gettext(lang, STATES[k.state(now)]),
            "active": "1" if k.state(now) == "active" else "",
        }
        for k in lines
    ]


class ApiKeysState(rx.State):
    rows: Field[list[dict[str, str]]] = field([])
    #: Field -> its problems, and "form" for a refusal of the whole form.
    errors: Field[dict[str, str]] = field({})
    #: The key just created: shown once, until "Done" or the next page load.
    secret: Field[str] = field("")
    notice: Field[str] = field("")
    form_key: Field[int] = field(0)

    @event
    async def load(self):
        ctx = await Ctx.of(self)
        found = ctx.run(lambda session, viewer: apikeys.api_keys(session=session, viewer=viewer))
        self.rows = [] if isinstance(found, Refused) else _rows(found, ctx.lang)
        self.secret, self.notice = "", ""

    @event
    async def create(self, form: dict):
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None:
            return
        data = form_fields(form)
        scopes = [s for s in apikeys.SCOPES if data.get(f"scope_{s}") in ("on", True, "true")]
        try:
            with ctx.session() as session:
                made = apikeys.create_key(
                    session=session,
                    viewer=viewer,
                    name=data.get("name", ""),
                    scopes=scopes,
                    ip_list=data.get("ip_list", ""),
                    expires=data.get("expires", ""),
                    password=data.get("password"),
                    ip=ctx.ip,
                )
        except apikeys.KeyFormInvalid as exc:
            self.errors = {
                name: " ".join(translate_error(ctx.lang, e.message, e.values) for e in items)
                for name, items in exc.fields.items()
            }
            return
        except ServiceError as exc:
            self.errors = {"form": ctx.refusal(exc)}
            return
        name = str(data.get("name", "")).strip()
        await self.load()
        self.errors, self.form_key = {}, self.form_key + 1
        self.secret, self.notice = made.secret, ctx.text(MSG_CREATED, {"name": name})

    @event
    async def done(self):
        self.secret, self.notice = "", ""

    @event
    async def revoke(self, key_id: str):
        ctx = await Ctx.of(self)
        kid = parse_id(key_id)
        done = ctx.run(
            lambda session, viewer: apikeys.revoke_key(session=session, viewer=viewer, key_id=kid, ip=ctx.ip)
        )
        await self.load()
        if isinstance(done, Refused):
            return rx.toast.error(done.message) if done.message else None
        return rx.toast.success(ctx.text(MSG_REVOKED, {"prefix": done}))


class CustomerApiKeysState(rx.State):
    rows: Field[list[dict[str, str]]] = field([])

    @event
    @staff_only
    async def load(self):
        ctx = await Ctx.of(self)
        uid = page_url(self).path_id() or 0
        found = ctx.run(lambda s, v: apikeys.api_keys(session=s, viewer=v, user_id=uid, ip=ctx.ip))
        self.rows = [] if isinstance(found, Refused) else _rows(found, ctx.lang)

    @event
    @staff_only
    async def revoke(self, key_id: str):
        ctx = await Ctx.of(self)
        kid, uid = parse_id(key_id), page_url(self).path_id() or 0
        listed = {r["id"] for r in self.rows}
        if kid is None or str(kid) not in listed or uid == 0:
            return None
        done = ctx.run(lambda s, v: apikeys.revoke_key(session=s, viewer=v, key_id=kid, owner_id=uid, ip=ctx.ip))
        await self.load()
        if isinstance(done, Refused):
            return rx.toast.error(done.message) if done.message else None
        return rx.toast.success(ctx.text(MSG_REVOKED, {"prefix": done}))


STAFF_STATES.append(CustomerApiKeysState)
