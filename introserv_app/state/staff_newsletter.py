"""Staff: write a newsletter in English and Russian, preview it, send it once to the subscribers."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields, parse_id
from introserv_app.i18n import format_amount, format_datetime, translate_message
from introserv_app.services.common.viewer import Viewer
from introserv_app.services.messaging import (
    NewsletterRow,
    list_newsletters,
    save_newsletter,
    send_newsletter,
    subscriber_count,
)
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.guard import STAFF_STATES, staff_only

MSG_SAVED = N_("The draft is saved.")
MSG_SENT = N_("The newsletter is queued for {count} subscribers; it goes out after the service mails.")
MSG_CONFIRM = N_("Send “{subject}” to {count} subscribers, each in their language? It can be sent only once.")
STATE_LABELS = {"draft": N_("Draft"), "sent": N_("Sent")}
FIELDS = ("subject_en", "subject_ru", "body_en", "body_ru")


class NewsletterState(rx.State):
    rows: Field[list[dict[str, str]]] = field([])
    subscribers: Field[str] = field("0")
    error: Field[str] = field("")
    #: The draft being edited ("" for a new one) and its texts (the form's values, and the preview).
    editing_id: Field[str] = field("")
    draft: Field[dict[str, str]] = field({k: "" for k in FIELDS})
    form_key: Field[int] = field(0)
    confirm_id: Field[str] = field("")
    confirm_text: Field[str] = field("")
    busy: Field[bool] = field(False)

    def _row(self, r: NewsletterRow, lang: str) -> dict[str, str]:
        return {
            "id": str(r.id),
            "subject_en": r.subject_en,
            "subject_ru": r.subject_ru,
            "body_en": r.body_en,
            "body_ru": r.body_ru,
            "state": r.state,
            "state_label": translate_message(lang, STATE_LABELS.get(r.state, r.state)),
            "created": format_datetime(r.created_at, lang, "short"),
            "sent": format_datetime(r.sent_at, lang, "short"),
            "recipients": format_amount(r.recipients, lang) if r.state == "sent" else "",
        }

    @event
    @staff_only
    async def load(self):
        ctx = await Ctx.of(self)

        def read(s: Session, v: Viewer) -> tuple[list[NewsletterRow], int]:
            return list_newsletters(session=s, viewer=v, ip=ctx.ip), subscriber_count(session=s)

        found = ctx.run(read)
        if isinstance(found, Refused):
            self.rows = []
            return
        rows, count = found
        self.rows = [self._row(r, ctx.lang) for r in rows]
        self.subscribers = format_amount(count, ctx.lang)

    @event
    @staff_only
    def edit(self, newsletter_id: str):
        """Open a draft in the form (or a sent one's texts as the start of a new draft)."""
        row = next((r for r in self.rows if r["id"] == newsletter_id), None)
        if row is None:
            return
        self.editing_id = row["id"] if row["state"] == "draft" else ""
        self.draft = {k: row[k] for k in FIELDS}
        self.form_key += 1
        self.error = ""

    @event
    @staff_only
    def new(self):
        self.editing_id, self.draft, self.error = "", {k: "" for k in FIELDS}, ""
        self.form_key += 1

    @event
    @staff_only
    async def save(self, form: dict):
        ctx = await Ctx.of(self)
        fields = form_fields(form)
        texts = {k: fields.get(k, "") for k in FIELDS}
        editing = parse_id(self.editing_id) if self.editing_id else None
        saved = ctx.run(lambda s, v: save_newsletter(session=s, viewer=v, newsletter_id=editing, ip=ctx.ip, **texts))
        if isinstance(saved, Refused):
            self.error = saved.message
            return None
        self.error, self.editing_id = "", str(saved.id)
        self.draft = {k: v if isinstance(v, str) else "" for k, v in texts.items()}
        await self.load()
        return rx.toast.success(ctx.text(MSG_SAVED))

    @event
    @staff_only
    async def ask_send(self, newsletter_id: str):
        ctx = await Ctx.of(self)
        row = next((r for r in self.rows if r["id"] == newsletter_id and r["state"] == "draft"), None)
        if row is None:
            return
        await self.load()
        values = {"subject": row["subject_en"], "count": self.subscribers}
        self.confirm_id, self.confirm_text, self.busy = row["id"], ctx.text(MSG_CONFIRM, values), False

    @event
    @staff_only
    def close_confirm(self, open_: bool = False):
        if not open_:
            self.confirm_id = ""

    @event
    @staff_only
    async def send(self):
        ctx = await Ctx.of(self)
        letter = parse_id(self.confirm_id)
        if letter is None or self.busy:
            return None
        self.busy = True
        sent = ctx.run(lambda s, v: send_newsletter(session=s, viewer=v, newsletter_id=letter, ip=ctx.ip))
        self.busy, self.confirm_id = False, ""
        await self.load()
        if isinstance(sent, Refused):
            return rx.toast.error(sent.message)
        if self.editing_id == str(letter):
            self.editing_id = ""
        return rx.toast.success(ctx.text(MSG_SENT, {"count": format_amount(sent, ctx.lang)}))


STAFF_STATES.append(NewsletterState)
