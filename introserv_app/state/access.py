"""The pages for people who are not signed in: sign-up, "forgot password" and the reset link's page."""

from __future__ import annotations

import reflex as rx

from introserv_app.config import get_settings
from introserv_app.domain.validation import form_fields
from introserv_app.i18n import LANGUAGE_NAMES, translate_error
from introserv_app.i18n.countries import country_choices
from introserv_app.services import accounts
from introserv_app.services.common.errors import ServiceError
from introserv_app.state.context import Ctx
from introserv_app.state.fields import Field, event, field
from introserv_app.state.forms import text
from introserv_app.state.url import page_url


def _errors(lang: str, exc: accounts.SettingsInvalid) -> dict[str, str]:
    return {k: "\n".join(translate_error(lang, e.message, e.values) for e in v.items) for k, v in exc.errors.items()}


class _AccessForm(rx.State, mixin=True):
    """What the three forms share: per-field errors, one message above the form, a busy flag."""

    errors: Field[dict[str, str]] = field({})
    error: Field[str] = field("")
    #: Shown instead of the form once it has done its work.
    done: Field[str] = field("")
    busy: Field[bool] = field(False)

    def _reset_form(self) -> None:
        self.errors, self.error, self.done, self.busy = {}, "", "", False

    def _refused(self, ctx: Ctx, exc: ServiceError) -> None:
        self.busy = False
        if isinstance(exc, accounts.SettingsInvalid):
            self.errors, self.error = _errors(ctx.lang, exc), ctx.refusal(exc)
        else:
            self.errors, self.error = {}, ctx.refusal(exc)


class SignUpState(_AccessForm, rx.State):
    closed: Field[bool] = field(False)
    countries: Field[list[list[str]]] = field([])
    language: Field[str] = field("en")
    _invitation: str = ""

    @event
    async def open_page(self):
        self._reset_form()
        ctx = await Ctx.of(self)
        if ctx.viewer is not None:
            return rx.redirect("/", replace=True)
        self._invitation = (page_url(self).get("invite") or "")[:100]
        self.closed = get_settings().signup != "open" and not self._invitation
        self.countries = [[code, name] for code, name in country_choices(ctx.lang)]
        self.language = ctx.lang
        return None

    @event
    def choose_language(self, value: str):
        self.language = value if isinstance(value, str) and value in LANGUAGE_NAMES else self.language

    @event
    async def submit(self, form_data: dict):
        data = form_fields(form_data)
        ctx = await Ctx.of(self)
        form = accounts.SignUp(
            username=text(data, "username"),
            email=text(data, "email"),
            password=text(data, "password"),
            confirm=text(data, "confirm"),
            country=text(data, "country"),
            language=text(data, "language"),
            invitation=self._invitation or None,
        )
        self.busy = True
        try:
            with ctx.session() as session:
                address = accounts.sign_up(session=session, form=form, ip=ctx.ip)
        except ServiceError as exc:
            self._refused(ctx, exc)
            return None
        self.busy, self.errors, self.error = False, {}, ""
        self.done = ctx.text(accounts.MSG_SIGNUP_SENT, {"email": address})
        return None


class ForgotState(_AccessForm, rx.State):
    @event
    async def open_page(self):
        self._reset_form()
        ctx = await Ctx.of(self)
        return rx.redirect("/", replace=True) if ctx.viewer is not None else None

    @event
    async def submit(self, form_data: dict):
        data = form_fields(form_data)
        ctx = await Ctx.of(self)
        try:
            with ctx.session() as session:
                accounts.request_password_reset(session=session, email=text(data, "email"), ip=ctx.ip)
        except ServiceError as exc:
            self._refused(ctx, exc)
            return None
        self.errors, self.error, self.done = {}, "", ctx.text(accounts.MSG_RESET_SENT)
        return None


class ResetState(_AccessForm, rx.State):
    username: Field[str] = field("")
    #: The link is unusable (used, expired, tampered): the page says so and offers a new one.
    invalid: Field[bool] = field(False)

    def _token(self) -> str:
        return (page_url(self).get("t") or "")[:100]

    @event
    async def open_page(self):
        self._reset_form()
        ctx = await Ctx.of(self)
        with ctx.session() as session:
            name = accounts.reset_username(session=session, token=self._token())
        self.username, self.invalid = name or "", name is None
        if self.invalid:
            self.error = ctx.text(accounts.MSG_RESET_LINK_BAD)
        return None

    @event
    async def submit(self, form_data: dict):
        data = form_fields(form_data)
        ctx = await Ctx.of(self)
        self.busy = True
        try:
            with ctx.session() as session:
                accounts.reset_password(
                    session=session,
                    token=self._token(),
                    new=text(data, "new_password"),
                    confirm=text(data, "confirm"),
                    ip=ctx.ip,
                )
        except ServiceError as exc:
            self._refused(ctx, exc)
            self.invalid = not isinstance(exc, accounts.SettingsInvalid)
            return None
        self.busy, self.errors, self.error = False, {}, ""
        self.done = ctx.text(accounts.MSG_RESET_DONE)
        return None
