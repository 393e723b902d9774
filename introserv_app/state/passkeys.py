"""Settings → Passkeys: add one (the browser's WebAuthn dialog through assets/passkeys.js), delete one or
switch passwordless sign-in (both with the password). The registration challenge stays on the server."""

from __future__ import annotations

import json

import reflex as rx

from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields, parse_id
from introserv_app.services import accounts
from introserv_app.services.common.errors import ServiceError
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.forms import text
from introserv_app.state.security import SecurityState

MSG_PASSKEY_ADDED = N_("The passkey “{name}” is added.")
MSG_PASSKEY_DELETED = N_("The passkey is deleted.")
MSG_PASSWORDLESS_ON = N_("You can now sign in with a passkey alone.")
MSG_PASSWORDLESS_OFF = N_("Sign-in asks for the password again (and a passkey or code as the second step).")


def passkey_script(kind: str, options_json: str) -> str:
    """The browser's half of a WebAuthn ceremony (assets/passkeys.js)."""
    return f"window.introservPasskey({json.dumps(kind)}, {json.dumps(options_json)})"


class PasskeysState(rx.State):
    """The passkey actions; what is shown of the passkeys is in `SecurityState` (loaded once per page)."""

    #: "" | "delete" | "passwordless" (both ask for the password)
    dialog: Field[str] = field("")
    error: Field[str] = field("")
    busy: Field[bool] = field(False)
    _challenge: str = ""
    _name: str = ""
    _target: str = ""

    @event
    async def start(self, form: dict):
        """ "Add a passkey": the options for the browser, then `finish` with what it answers."""
        ctx = await Ctx.of(self)
        name = text(form_fields(form), "passkey_name")
        ceremony = ctx.run(lambda session, viewer: accounts.begin_passkey(session=session, viewer=viewer))
        if isinstance(ceremony, Refused):
            return rx.toast.error(ceremony.message) if ceremony.message else None
        self._challenge, self._name, self.busy = ceremony.challenge.hex(), name, True
        return rx.call_script(passkey_script("create", ceremony.options_json), callback=PasskeysState.finish)

    @event
    async def finish(self, result: str):
        ctx = await Ctx.of(self)
        challenge, name = bytes.fromhex(self._challenge or ""), self._name
        self._challenge, self.busy = "", False  # single use
        codes = ctx.run(
            lambda session, viewer: accounts.add_passkey(
                session=session, viewer=viewer, credential=result, challenge=challenge, name=name, ip=ctx.ip
            )
        )
        if isinstance(codes, Refused):
            return rx.toast.error(codes.message) if codes.message else None
        events: list = [rx.toast.success(ctx.text(MSG_PASSKEY_ADDED, {"name": name})), rx.set_value("passkey-name", "")]
        if codes:  # the account's first second factor: its recovery codes, shown once
            security = await self.get_state(SecurityState)
            security.codes, security.dialog = codes, "codes"
        return [*events, SecurityState.load]

    @event
    def ask(self, dialog: str, target: str = ""):
        self.error, self._target = "", target if isinstance(target, str) else ""
        self.dialog = dialog if dialog in ("delete", "passwordless") else ""

    @event
    def close(self, open_: bool = False):
        if not open_:
            self.dialog, self.error = "", ""

    @event
    async def confirm(self, form: dict):
        ctx = await Ctx.of(self)
        viewer = ctx.viewer
        if viewer is None:
            return None
        password, target, dialog = text(form_fields(form), "current_password"), self._target, self.dialog
        passwordless_now = (await self.get_state(SecurityState)).passwordless
        try:
            with ctx.session() as session:
                if dialog == "delete":
                    accounts.delete_passkey(
                        session=session, viewer=viewer, passkey_id=parse_id(target) or 0, password=password, ip=ctx.ip
                    )
                    done = MSG_PASSKEY_DELETED
                elif dialog == "passwordless":
                    on = not passwordless_now
                    accounts.set_passwordless(session=session, viewer=viewer, on=on, password=password, ip=ctx.ip)
                    done = MSG_PASSWORDLESS_ON if on else MSG_PASSWORDLESS_OFF
                else:
                    return None
        except ServiceError as exc:
            self.error = ctx.explain(exc)
            return None
        self.dialog, self.error = "", ""
        return [rx.toast.success(ctx.text(done)), SecurityState.load]
