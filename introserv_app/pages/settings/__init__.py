"""/settings: every field of the profile document, in sections, one Save; dialogs for the secrets."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import shell
from introserv_app.components.tickets import ticket_dialog
from introserv_app.components.translate import t
from introserv_app.pages.settings.api_keys import api_keys_card
from introserv_app.pages.settings.dialogs import dialogs
from introserv_app.pages.settings.passkeys import passkeys_card
from introserv_app.pages.settings.privacy import privacy_card
from introserv_app.pages.settings.sections import account, address, billing, contact, notifications, security
from introserv_app.pages.settings.sessions import sessions_card
from introserv_app.pages.settings.two_factor import two_factor_card
from introserv_app.state.session import SessionState
from introserv_app.state.settings import SettingsState as S


def settings_page() -> rx.Component:
    return shell(
        dialogs(),
        ticket_dialog(),
        rx.cond(
            S.missing != "",
            rx.callout(
                S.missing,
                icon="info",
                color_scheme="orange",
                id="settings-missing",
                width="100%",
            ),
        ),
        rx.cond(S.notice != "", rx.callout(S.notice, icon="info", id="settings-notice", width="100%")),
        rx.form(
            rx.vstack(
                account(),
                contact(),
                address(),
                notifications(),
                billing(),
                security(),
                rx.cond(
                    S.ip_warning != "",
                    rx.callout(
                        rx.vstack(
                            rx.text(S.ip_warning),
                            rx.hstack(
                                rx.button(
                                    t("Save anyway"),
                                    type="button",
                                    color_scheme="red",
                                    on_click=S.save_anyway,
                                    id="ip-confirm",
                                ),
                                rx.button(
                                    t("Keep my access"),
                                    type="button",
                                    variant="soft",
                                    on_click=S.keep_access,
                                    id="ip-keep",
                                ),
                            ),
                        ),
                        icon="shield-alert",
                        color_scheme="red",
                        id="ip-warning",
                        width="100%",
                    ),
                ),
                rx.cond(
                    S.form_error != "",
                    rx.callout(
                        S.form_error, icon="triangle-alert", color_scheme="red", id="settings-error", width="100%"
                    ),
                ),
                rx.button(t("Save"), type="submit", size="3", loading=S.busy, id="settings-save"),
                spacing="4",
                width="100%",
                max_width="60em",
            ),
            on_submit=S.save,
            reset_on_submit=False,
            key=S.form_key,
        ),
        two_factor_card(),
        passkeys_card(),
        sessions_card(),
        rx.cond(SessionState.is_staff, rx.fragment(), api_keys_card()),
        privacy_card(),
        active="/settings",
        title=t("Settings"),
    )
