"""Settings → Two-factor authentication: the authenticator app (set up with a QR code and a first code, turned
off with the password) and the recovery codes (shown once, replaced with the password)."""

from __future__ import annotations

import reflex as rx

from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields
from introserv_app.i18n import format_datetime
from introserv_app.services import accounts
from introserv_app.services.common.errors import ServiceError
from introserv_app.state.context import Ctx
from introserv_app.state.fields import Field, event, field
from introserv_app.state.forms import text

MSG_TOTP_ON = N_("Two-factor authentication is on. Keep the recovery codes somewhere safe.")
MSG_TOTP_OFF = N_("Two-factor authentication is off.")
MSG_CODES_NEW = N_("New recovery codes: the old ones no longer work.")
MSG_NEVER = N_("never")


class SecurityState(rx.State):
    """What Settings shows of the account's second factors (one `security_view` per load); the passkey
    actions live in `state.passkeys`."""

    totp_on: Field[bool] = field(False)
    recovery_left: Field[int] = field(0)
    #: The passkeys: id, name, created, used (formatted for the viewer).
    passkey_rows: Field[list[dict[str, str]]] = field([])
    passwordless: Field[bool] = field(False)
    #: "" | "setup" (QR code and first code) | "codes" (the new recovery codes) | "disable" | "regenerate"
    dialog: Field[str] = field("")
    setup_secret: Field[str] = field("")
    setup_qr: Field[str] = field("")
    codes: Field[list[str]] = field([])
    error: Field[str] = field("")

    def _clear(self) -> None:
        self.setup_secret, self.setup_qr, self.codes, self.error = "", "", [], ""

    @event
    async def load(self):
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None:
            return
        with ctx.session() as session:
            view = accounts.security_view(session=session, viewer=viewer)
        self.totp_on, self.recovery_left, self.passwordless = view.totp_on, view.recovery_codes_left, view.passwordless
        never = ctx.text(MSG_NEVER)
        self.passkey_rows = [
            {
                "id": str(p.id),
                "name": p.name,
                "created": format_datetime(p.created_at, ctx.lang),
                "used": format_datetime(p.last_used_at, ctx.lang) if p.last_used_at else never,
            }
            for p in view.passkeys
        ]

    @event
    async def start_setup(self):
        ctx = await Ctx.of(self)
        setup = ctx.run(lambda session, viewer: accounts.start_totp(session=session, viewer=viewer))
        if not isinstance(setup, accounts.TotpSetup):
            return rx.toast.error(setup.message) if setup.message else None
        self._clear()
        self.setup_secret, self.setup_qr, self.dialog = setup.secret, setup.qr_svg, "setup"
        return None

    async def _with_form(self, action, done: str):  # type: ignore[no-untyped-def]
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None:
            return None
        try:
            with ctx.session() as session:
                result = action(session, viewer, ctx.ip)
        except ServiceError as exc:
            self.error = ctx.explain(exc)
            return None
        await self.load()
        if isinstance(result, list):  # new recovery codes: shown once
            self._clear()
            self.codes, self.dialog = result, "codes"
        else:
            self._clear()
            self.dialog = ""
        return rx.toast.success(ctx.text(done))

    @event
    async def enable(self, form: dict):
        code = text(form_fields(form), "code")
        return await self._with_form(
            lambda s, v, ip: accounts.enable_totp(session=s, viewer=v, code=code, ip=ip), MSG_TOTP_ON
        )

    @event
    async def disable(self, form: dict):
        password = text(form_fields(form), "current_password")
        return await self._with_form(
            lambda s, v, ip: accounts.disable_totp(session=s, viewer=v, password=password, ip=ip), MSG_TOTP_OFF
        )

    @event
    async def regenerate(self, form: dict):
        password = text(form_fields(form), "current_password")
        return await self._with_form(
            lambda s, v, ip: accounts.regenerate_recovery_codes(session=s, viewer=v, password=password, ip=ip),
            MSG_CODES_NEW,
        )

    @event
    def open_dialog(self, name: str):
        self._clear()
        self.dialog = name if name in ("disable", "regenerate") else ""

    @event
    def close(self, open_: bool = False):
        if not open_:
            self._clear()
            self.dialog = ""
