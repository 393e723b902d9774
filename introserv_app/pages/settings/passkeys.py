"""Settings → Passkeys (its own card, outside the settings form)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.dialog_parts import actions, current_password, error_line
from introserv_app.components.translate import t
from introserv_app.state.passkeys import PasskeysState as S
from introserv_app.state.security import SecurityState as Sec


def _confirm_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.form(
                rx.vstack(
                    rx.dialog.title(
                        rx.cond(
                            S.dialog == "delete",
                            t("Delete this passkey?"),
                            rx.cond(
                                Sec.passwordless, t("Stop passwordless sign-in?"), t("Sign in with a passkey alone?")
                            ),
                        )
                    ),
                    rx.cond(
                        (S.dialog == "passwordless") & ~Sec.passwordless,
                        rx.text(
                            t(
                                "The login page's “Sign in with a passkey” will then need no password. IP "
                                "restrictions still apply."
                            ),
                            size="2",
                        ),
                    ),
                    current_password("pk-password"),
                    error_line(S.error, "pk-error"),
                    actions(t("Confirm"), "pk-confirm"),
                    spacing="3",
                ),
                on_submit=S.confirm,
                reset_on_submit=True,
            ),
            max_width="28em",
        ),
        open=S.dialog != "",
        on_open_change=S.close,
    )


def passkeys_card() -> rx.Component:
    return rx.card(
        rx.heading(t("Passkeys"), size="3", margin_bottom="0.25em"),
        rx.text(
            t(
                "A passkey signs you in with the phone's or computer's screen lock or a security key, as the "
                "second step after the password, or alone if you choose so."
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.table.root(
            rx.table.body(
                rx.foreach(
                    Sec.passkey_rows,
                    lambda r: rx.table.row(
                        rx.table.cell(rx.text.strong(r["name"])),
                        rx.table.cell(t("Added"), ": ", r["created"]),
                        rx.table.cell(t("Last used"), ": ", r["used"]),
                        rx.table.cell(
                            rx.button(
                                t("Delete"),
                                type="button",
                                size="1",
                                variant="soft",
                                color_scheme="red",
                                on_click=S.ask("delete", r["id"]),
                                class_name="passkey-delete",
                            )
                        ),
                        class_name="passkey-row",
                    ),
                )
            ),
            size="1",
            width="100%",
            id="passkeys-table",
        ),
        rx.form(
            rx.hstack(
                rx.input(
                    name="passkey_name",
                    id="passkey-name",
                    placeholder=t("Name, e.g. Work laptop"),
                    max_length=64,
                    required=True,
                ),
                rx.button(
                    rx.icon("key-round", size=16), t("Add a passkey"), type="submit", id="passkey-add", loading=S.busy
                ),
                wrap="wrap",
            ),
            on_submit=S.start,
            reset_on_submit=False,
            margin_top="0.5em",
        ),
        rx.cond(
            Sec.passkey_rows.length() > 0,  # type: ignore[attr-defined]
            rx.hstack(
                rx.cond(
                    Sec.passwordless,
                    rx.badge(t("Passwordless sign-in is on"), color_scheme="green", id="passwordless-status"),
                    rx.text(t("Passwordless sign-in is off"), size="2", id="passwordless-status"),
                ),
                rx.button(
                    rx.cond(Sec.passwordless, t("Turn off"), t("Turn on")),
                    type="button",
                    size="1",
                    variant="soft",
                    on_click=S.ask("passwordless", ""),
                    id="passwordless-toggle",
                ),
                align="center",
                margin_top="0.5em",
            ),
        ),
        _confirm_dialog(),
        width="100%",
        max_width="60em",
        id="passkeys",
    )
