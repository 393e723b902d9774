"""Settings → API keys (its own card, outside the settings form): the keys with their last use, a form to create
one (name, scopes, the addresses it may be used from, an expiry), the new key shown once, revoke."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.translate import t
from introserv_app.domain.text import N_
from introserv_app.services.apikeys import SCOPES
from introserv_app.state.api_keys import ApiKeysState as S


def _error(name: str) -> rx.Component:
    return rx.cond(
        S.errors.contains(name),
        rx.text(S.errors[name], color_scheme="red", size="1", id=f"api-key-error-{name}"),
    )


def _label(text: str, html_for: str) -> rx.Component:
    return rx.el.label(t(text), html_for=html_for, class_name="field-label")


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading(t("New key"), size="2"),
            _label(N_("Name"), "api-key-name"),
            rx.input(name="name", id="api-key-name", max_length=60, placeholder="backup-script", width="100%"),
            _error("name"),
            rx.text(t("Scopes"), class_name="field-label"),
            rx.flex(
                *[
                    rx.el.label(
                        rx.el.input(type="checkbox", name=f"scope_{scope}", id=f"api-key-scope-{scope}"),
                        t(label),
                        style={"display": "flex", "gap": "0.4em", "alignItems": "center"},
                    )
                    for scope, label in SCOPES.items()
                ],
                wrap="wrap",
                spacing="4",
            ),
            _error("scopes"),
            _label(
                N_("Use only from these addresses (one address, range or CIDR per line; empty: anywhere)"),
                "api-key-ips",
            ),
            rx.text_area(name="ip_list", id="api-key-ips", rows="2", max_length=2000, width="100%"),
            _error("ip_list"),
            _label(N_("Expires (optional)"), "api-key-expires"),
            rx.input(name="expires", id="api-key-expires", type="date", width="12em"),
            _error("expires"),
            _label(N_("Your current password"), "api-key-password"),
            rx.input(
                name="password",
                id="api-key-password",
                type="password",
                auto_complete="current-password",
                max_length=1024,
                width="20em",
            ),
            _error("password"),
            _error("form"),
            rx.button(t("Create key"), type="submit", id="api-key-create"),
            spacing="2",
            width="100%",
            align="start",
        ),
        on_submit=S.create,
        reset_on_submit=False,
        key=S.form_key.to_string(),
        width="100%",
    )


def _secret() -> rx.Component:
    return rx.cond(
        S.secret != "",
        rx.callout(
            rx.vstack(
                rx.text(S.notice, weight="medium"),
                rx.code(S.secret, id="api-key-secret", style={"wordBreak": "break-all", "fontSize": "0.95em"}),
                rx.hstack(
                    rx.button(
                        t("Copy"), type="button", size="1", variant="soft", on_click=rx.set_clipboard(S.secret),
                        id="api-key-copy",
                    ),
                    rx.button(t("Done"), type="button", size="1", on_click=S.done, id="api-key-done"),
                ),
                spacing="2",
                width="100%",
            ),
            icon="key-round",
            color_scheme="green",
            width="100%",
            id="api-key-new",
        ),
    )  # fmt: skip


def key_table(rows: rx.Var, revoke, table_id: str) -> rx.Component:  # type: ignore[no-untyped-def]
    """The keys (shared with the staff customer page)."""
    return rx.cond(
        rows.length() > 0,  # type: ignore[attr-defined]
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(t(h))
                            for h in (
                                N_("Name"),
                                N_("Key"),
                                N_("Scopes"),
                                N_("Allowed from"),
                                N_("Expires"),
                                N_("Last used"),
                                N_("Status"),
                            )
                        ],
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        rows,
                        lambda r: rx.table.row(
                            rx.table.cell(r["name"]),
                            rx.table.cell(rx.code(r["prefix"] + "…", variant="ghost")),
                            rx.table.cell(rx.text(r["scopes"], size="1")),
                            rx.table.cell(rx.text(r["ips"], size="1")),
                            rx.table.cell(r["expires"]),
                            rx.table.cell(rx.text(r["used"], size="1")),
                            rx.table.cell(
                                rx.badge(r["state"], color_scheme=rx.cond(r["active"] == "1", "green", "gray"))
                            ),
                            rx.table.cell(
                                rx.cond(
                                    r["active"] == "1",
                                    rx.button(
                                        t("Revoke"),
                                        type="button",
                                        size="1",
                                        variant="soft",
                                        color_scheme="red",
                                        on_click=revoke(r["id"]),
                                        class_name="api-key-revoke",
                                    ),
                                )
                            ),
                            class_name="api-key-row",
                        ),
                    )
                ),
                size="1",
                width="100%",
                id=table_id,
            ),
            overflow_x="auto",
            width="100%",
        ),
        rx.text(t("No API keys yet."), color_scheme="gray", size="2"),
    )


def api_keys_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(t("API keys"), size="3"),
                rx.spacer(),
                rx.link(t("API documentation"), href="/api/v1/docs", is_external=True, size="2", id="api-docs-link"),
                width="100%",
                align="center",
            ),
            rx.text(
                t(
                    "Scripts use a key as “Authorization: Bearer <key>” to list and renew orders, pay invoices, "
                    "open tickets and manage servers. Your account's IP restrictions apply to every key."
                ),
                size="2",
                color_scheme="gray",
            ),
            _secret(),
            key_table(S.rows, S.revoke, "api-keys-table"),
            _form(),
            spacing="3",
            width="100%",
        ),
        width="100%",
        max_width="60em",
        id="api-keys",
    )
