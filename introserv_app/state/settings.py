"""/settings: the profile form (one Save) and its dialogs (email, password, code word, call password, phone: its
own state in state/phone.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from sqlmodel import Session

from introserv_app.domain.settings_rules import FieldError
from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields, strip_unusable
from introserv_app.i18n import format_datetime, gettext, translate_error, translate_message
from introserv_app.i18n.countries import country_name
from introserv_app.services import accounts
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.common.viewer import Viewer
from introserv_app.state.context import Ctx, LocaleState
from introserv_app.state.fields import Field, event, field
from introserv_app.state.session import SessionState
from introserv_app.state.url import page_url

MSG_SAVED = N_("Settings saved.")
MSG_NOTHING = N_("Nothing changed.")
MSG_EMAIL_SENT = N_("We sent a confirmation link to {email}; it is valid for 24 hours.")
MSG_PASSWORD_CHANGED = N_("Password changed. Other sessions were signed out: {count}.")
MSG_CODE_WORD_DONE = N_("The code word is set.")
MSG_CALL_PASSWORD_DONE = N_("The call password is saved.")
MSG_IP_LOCKOUT = N_(
    "The new list does not include the address you are using now ({ip}). After saving, this session ends and "
    "you can sign in only from the listed addresses. Save anyway?"
)
MSG_MISSING = N_("Payments need these fields: {fields}.")
MSG_EMAIL_CONFIRMED = N_("Your email address is confirmed.")
EXTRA_FIELDS = ("current_password", "new_email", "new_password", "code_word", "call_password")
#: The longest field value echoed back into a refused form (the IP list: 100 lines of 100 characters).
FORM_VALUE_MAX = 10_100


def _error_text(lang: str, error: FieldError) -> str:
    return "\n".join(translate_error(lang, e.message, e.values) for e in error.items)


class SettingsState(rx.State):
    loaded: Field[bool] = field(False)
    username: Field[str] = field("")
    form: Field[dict[str, str]] = field({})
    errors: Field[dict[str, str]] = field({})
    form_error: Field[str] = field("")
    form_key: Field[int] = field(0)
    email: Field[str] = field("")
    email_confirmed: Field[bool] = field(False)
    pending_email: Field[str] = field("")
    phone_verified: Field[bool] = field(False)
    call_password_set: Field[bool] = field(False)
    code_word_set: Field[bool] = field(False)
    company_verification: Field[str] = field("")
    country: Field[str] = field("")
    currency_locked: Field[bool] = field(False)
    missing: Field[str] = field("")
    last_login: Field[str] = field("")
    logins: Field[list[dict[str, str]]] = field([])
    busy: Field[bool] = field(False)
    ip_warning: Field[str] = field("")
    dialog: Field[str] = field("")  # email | password | code_word | call_password | phone
    dialog_error: Field[str] = field("")
    dialog_errors: Field[dict[str, str]] = field({})
    notice: Field[str] = field("")
    _pending: dict[str, str] = {}
    #: A save happened: the next load re-mounts the form even when the stored values look the same as before
    _remount: bool = False

    def _clear_errors(self) -> None:
        self.errors = {name: "" for name in (*accounts.FORM_FIELDS, *EXTRA_FIELDS)}
        self.form_error = ""

    @event
    async def load(self):
        ctx = await Ctx.of(self)
        viewer, lang = ctx.viewer, ctx.lang
        if viewer is None:
            return
        with ctx.session() as session:
            view = accounts.settings_view(session=session, viewer=viewer)
        # the form is re-mounted (its inputs take the stored values) only when those changed or after a save:
        # a reload for another reason (a language switch) keeps what the user is typing
        remount = not self.loaded or self._remount or view.profile != self.form
        self.username, self.form, self._remount = view.username, view.profile, False
        self.email, self.email_confirmed, self.pending_email = view.email, view.email_confirmed, view.pending_email
        self.phone_verified, self.call_password_set = view.phone_verified, view.call_password_set
        self.code_word_set, self.company_verification = view.code_word_set, view.company_verification
        self.country, self.currency_locked = country_name(view.country, lang), view.currency_locked
        self.missing = (
            translate_message(lang, MSG_MISSING, {"fields": ", ".join(gettext(lang, m) for m in view.missing)})
            if view.missing
            else ""
        )
        self.last_login = (
            f"{format_datetime(view.last_login_at, lang)} · {view.last_login_ip}" if view.last_login_at else ""
        )
        self.logins = [
            {"at": format_datetime(r.at, lang), "ip": r.ip, "ok": "1" if r.ok else ""} for r in view.recent_logins
        ]
        self._clear_errors()
        self.ip_warning, self.loaded = "", True
        if remount:
            self.form_key += 1
        outcome = page_url(self).get("email")
        self.notice = (
            gettext(lang, MSG_EMAIL_CONFIRMED)
            if outcome == "confirmed"
            else gettext(lang, accounts.MSG_LINK_BAD)
            if outcome == "invalid"
            else ""
        )

    async def _save(self, raw: dict, confirm: bool):
        ctx = await Ctx.of(self)
        viewer, lang = ctx.viewer, ctx.lang
        if viewer is None or self.busy:
            return None
        form = form_fields(raw)
        self.busy = True
        self._clear_errors()
        old_language = self.form.get("language", "")
        try:
            with ctx.session() as session:
                outcome = accounts.save_settings(
                    session=session, viewer=viewer, form=form, ip=ctx.ip, confirm_ip_lockout=confirm
                )
        except accounts.SettingsInvalid as exc:
            self.busy = False
            self.errors = {**self.errors, **{k: _error_text(lang, v) for k, v in exc.errors.items()}}
            # the form as sent, to correct it: only its own fields, without what can never be shown or stored
            self.form = {
                k: str(v) if isinstance(v, bool) else strip_unusable(v, FORM_VALUE_MAX)
                for k, v in form.items()
                if k in accounts.FORM_FIELDS and isinstance(v, str | bool)
            }
            self.form_error = gettext(lang, exc.message)
            return rx.toast.error(self.form_error)
        self.busy = False
        if outcome.confirm_ip_lockout:
            self._pending = {k: v for k, v in form.items() if isinstance(v, str)}
            self.ip_warning = translate_message(lang, MSG_IP_LOCKOUT, {"ip": ctx.ip or "?"})
            return None
        self._pending, self.ip_warning, self._remount = {}, "", True
        new_language = form.get("language", old_language)
        events: list[Any] = [SettingsState.load, SessionState.check_login]
        if isinstance(new_language, str) and new_language != old_language:
            events.append(LocaleState.switch_language(new_language))
            lang = new_language
        done = MSG_SAVED if outcome.changed else MSG_NOTHING
        return [*events, rx.toast.success(gettext(lang, done))]

    @event
    async def save(self, form: dict):
        return await self._save(form, confirm=False)

    @event
    async def save_anyway(self):
        if not self._pending:
            return None
        return await self._save(dict(self._pending), confirm=True)

    @event
    def keep_access(self):
        self.ip_warning, self._pending = "", {}

    # ---- dialogs -----------------------------------------------------------------------------

    @event
    def open_dialog(self, name: str):
        if name in ("email", "password", "code_word", "call_password", "phone"):
            self.dialog, self.dialog_error, self.busy = name, "", False
            self.dialog_errors = {name: "" for name in EXTRA_FIELDS}

    @event
    def close_dialog(self, open_: bool = False):
        if not open_:
            self.dialog = ""

    async def _run(self, action: Callable[[Session, Viewer, str], Any], done: str):
        """A dialog's action: field errors under the fields, a refusal in the dialog, or done (the dialog closes)."""
        ctx = await Ctx.of(self)
        viewer, lang = ctx.viewer, ctx.lang
        if viewer is None or self.busy:
            return None
        self.busy, self.dialog_error = True, ""
        self.dialog_errors = {name: "" for name in EXTRA_FIELDS}
        try:
            with ctx.session() as session:
                result = action(session, viewer, ctx.ip)
        except accounts.SettingsInvalid as exc:
            self.busy = False
            self.dialog_errors = {**self.dialog_errors, **{k: _error_text(lang, v) for k, v in exc.errors.items()}}
            return None
        except ServiceError as exc:
            self.busy, self.dialog_error = False, ctx.refusal(exc)
            return None
        self.busy, self.dialog = False, ""
        text = ctx.text(done, {"result": result, "count": result, "email": result})
        return [SettingsState.load, rx.toast.success(text)]

    @event
    async def change_email(self, form: dict):
        fields = form_fields(form)
        return await self._run(
            lambda s, v, ip: accounts.request_email_change(
                session=s,
                viewer=v,
                new_email=fields.get("new_email", ""),
                password=fields.get("current_password", ""),
                ip=ip,
            ),
            MSG_EMAIL_SENT,
        )

    @event
    async def confirm_current_email(self):
        email = self.email
        return await self._run(
            lambda s, v, ip: accounts.request_email_change(session=s, viewer=v, new_email=email, password="", ip=ip),
            MSG_EMAIL_SENT,
        )

    @event
    async def change_password(self, form: dict):
        fields = form_fields(form)
        return await self._run(
            lambda s, v, ip: accounts.change_password(
                session=s,
                viewer=v,
                current=fields.get("current_password", ""),
                new=fields.get("new_password", ""),
                confirm=fields.get("confirm_password", ""),
                ip=ip,
            ),
            MSG_PASSWORD_CHANGED,
        )

    @event
    async def set_code_word(self, form: dict):
        fields = form_fields(form)
        return await self._run(
            lambda s, v, ip: accounts.set_code_word(
                session=s,
                viewer=v,
                word=fields.get("code_word", ""),
                password=fields.get("current_password", ""),
                ip=ip,
            ),
            MSG_CODE_WORD_DONE,
        )

    @event
    async def set_call_password(self, form: dict):
        fields = form_fields(form)
        return await self._run(
            lambda s, v, ip: accounts.set_call_password(
                session=s,
                viewer=v,
                word=fields.get("call_password", ""),
                password=fields.get("current_password", ""),
                ip=ip,
            ),
            MSG_CALL_PASSWORD_DONE,
        )
