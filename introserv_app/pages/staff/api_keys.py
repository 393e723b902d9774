"""The customer page's API keys (support): prefix, scopes, addresses, last use; revoke a key."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.translate import t
from introserv_app.pages.settings.api_keys import key_table
from introserv_app.state.api_keys import CustomerApiKeysState as K


def customer_api_keys_card() -> rx.Component:
    return rx.card(
        rx.heading(t("API keys"), size="4", margin_bottom="0.5em"),
        key_table(K.rows, K.revoke, "customer-api-keys"),
        width="100%",
    )
