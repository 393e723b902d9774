"""/staff/newsletter : write a newsletter in English and Russian, preview both, send it once, export the subscribers
(support and admins)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import shell
from introserv_app.components.row import Row
from introserv_app.components.translate import t
from introserv_app.domain.text import N_
from introserv_app.state.staff_newsletter import NewsletterState as S

COLUMNS = (N_("Subject"), N_("Status"), N_("Created"), N_("Sent"), N_("Recipients"), "")


def _row(r: Row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.text(r["subject_en"], weight="medium"), rx.text(r["subject_ru"], size="1", color_scheme="gray")
        ),
        rx.table.cell(rx.badge(r["state_label"], color_scheme=rx.cond(r["state"] == "sent", "green", "gray"))),
        rx.table.cell(r["created"]),
        rx.table.cell(r["sent"]),
        rx.table.cell(r["recipients"], class_name="newsletter-recipients"),
        rx.table.cell(
            rx.hstack(
                rx.button(t("Open"), size="1", variant="soft", on_click=S.edit(r["id"])),
                rx.cond(
                    r["state"] == "draft",
                    rx.button(t("Send"), size="1", on_click=S.ask_send(r["id"]), class_name="newsletter-send"),
                ),
                spacing="2",
            )
        ),
        class_name="newsletter-row",
    )


def _field(label: str, name: str, *, rows: str = "") -> rx.Component:
    control = (
        rx.text_area(name=name, default_value=S.draft[name], rows=rows, id=f"newsletter-{name}", width="100%")
        if rows
        else rx.input(name=name, default_value=S.draft[name], max_length=200, id=f"newsletter-{name}", width="100%")
    )
    return rx.vstack(
        rx.el.label(t(label), html_for=f"newsletter-{name}", class_name="field-label"),
        control,
        spacing="1",
        width="100%",
    )


def _preview(lang: str, label: str) -> rx.Component:
    return rx.card(
        rx.text(t(label), size="1", color_scheme="gray"),
        rx.heading(S.draft[f"subject_{lang}"], size="3", id=f"preview-subject-{lang}"),
        rx.text(S.draft[f"body_{lang}"], white_space="pre-wrap", size="2", id=f"preview-body-{lang}"),
        rx.text(t("…and the one-click unsubscribe link."), size="1", color_scheme="gray"),
        width="100%",
    )


def _editor() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(rx.cond(S.editing_id == "", t("New newsletter"), t("Edit the draft")), size="3"),
                rx.grid(
                    _field(N_("Subject (English)"), "subject_en"),
                    _field(N_("Subject (Russian)"), "subject_ru"),
                    _field(N_("Text (English)"), "body_en", rows="8"),
                    _field(N_("Text (Russian)"), "body_ru", rows="8"),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.cond(
                    S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red", id="newsletter-error")
                ),
                rx.hstack(
                    rx.button(t("Save and preview"), type="submit", id="newsletter-save"),
                    rx.button(t("New newsletter"), type="button", variant="soft", on_click=S.new),
                    spacing="2",
                    wrap="wrap",
                ),
                spacing="3",
                width="100%",
            ),
            key=S.form_key.to_string(),
            on_submit=S.save,
            reset_on_submit=False,
        ),
        rx.cond(
            S.draft["subject_en"] != "",
            rx.grid(
                _preview("en", N_("English")),
                _preview("ru", N_("Russian")),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="3",
                margin_top="1em",
                id="newsletter-preview",
            ),
        ),
        width="100%",
    )


def _confirm() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("Send the newsletter")),
            rx.alert_dialog.description(S.confirm_text, id="newsletter-confirm-text"),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("Cancel"), variant="soft", color_scheme="gray")),
                rx.button(t("Send"), on_click=S.send, loading=S.busy, id="newsletter-confirm"),
                justify="end",
                spacing="3",
                margin_top="1em",
            ),
        ),
        open=S.confirm_id != "",
        on_open_change=S.close_confirm,
    )


def newsletter_page() -> rx.Component:
    return shell(
        rx.hstack(
            rx.text(t("Subscribers"), ": ", rx.text.strong(S.subscribers, id="newsletter-subscribers"), size="2"),
            rx.link(
                rx.button(rx.icon("download", size=16), t("Export subscribers (CSV)"), variant="soft", size="2"),
                href="/staff/newsletter/subscribers.csv",
                is_external=True,
                id="newsletter-export",
            ),
            align="center",
            spacing="4",
            wrap="wrap",
        ),
        _editor(),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(h) if h else "") for h in COLUMNS])),
            rx.table.body(rx.foreach(S.rows, _row)),
            width="100%",
            id="newsletter-table",
        ),
        _confirm(),
        active="/staff/newsletter",
        title=t("Newsletter"),
    )
