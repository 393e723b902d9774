"""/staff/tickets (the queue), /staff/audit (the audit log), /staff/admin (staff users, seller, VAT rates)."""

from __future__ import annotations

import reflex as rx

from introserv_app.components.layout import shell
from introserv_app.components.pager import simple_pager
from introserv_app.components.translate import t
from introserv_app.domain.text import N_
from introserv_app.pages.tickets import ticket_status
from introserv_app.pages.vat import vat_rates_section
from introserv_app.state.staff_admin import AdminState, AuditState, StaffTicketsState


def _filter(label: str, key: str, options: rx.Var) -> rx.Component:
    S = StaffTicketsState
    return rx.vstack(
        rx.text(t(label), size="1", color_scheme="gray"),
        rx.el.select(
            rx.foreach(options, lambda o: rx.el.option(o[1], value=o[0])),
            value=S.filters[key],
            on_change=lambda value: S.set_filter(key, value),
            id=f"queue-{key}",
            class_name="native-select",
        ),
        spacing="1",
    )


def staff_tickets_page() -> rx.Component:
    S = StaffTicketsState
    return shell(
        rx.hstack(
            _filter(N_("Status"), "status", S.status_options),
            _filter(N_("Category"), "category", S.category_options),
            _filter(N_("Time since the last message"), "age", S.age_options),
            rx.vstack(
                rx.text(t("Assigned to"), size="1", color_scheme="gray"),
                rx.el.select(
                    rx.el.option(t("Anyone"), value="any"),
                    rx.el.option(t("Me"), value="me"),
                    rx.el.option(t("Nobody"), value="none"),
                    value=S.filters["assigned"],
                    on_change=lambda value: S.set_filter("assigned", value),
                    id="queue-assigned",
                    class_name="native-select",
                ),
                spacing="1",
            ),
            wrap="wrap",
            spacing="4",
            align="end",
        ),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red")),
        rx.text(t("Tickets"), ": ", rx.text.strong(S.total, id="queue-total"), size="2"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t("Subject")),
                    rx.table.column_header_cell(t("Customer")),
                    rx.table.column_header_cell(t("Category")),
                    rx.table.column_header_cell(t("Status")),
                    rx.table.column_header_cell(t("Assigned to")),
                    rx.table.column_header_cell(t("Last message")),
                )
            ),
            rx.table.body(
                rx.foreach(
                    S.rows,
                    lambda r: rx.table.row(
                        rx.table.cell(
                            rx.link(
                                "#",
                                r["id"],
                                " ",
                                r["subject"],
                                href="/tickets/" + r["id"],
                                id="queue-ticket-" + r["id"],
                            ),
                            rx.cond(
                                r["order"] != "", rx.text(t("Order"), " ", r["order"], size="1", color_scheme="gray")
                            ),
                        ),
                        rx.table.cell(r["customer"]),
                        rx.table.cell(r["category"]),
                        rx.table.cell(ticket_status(r)),
                        rx.table.cell(rx.cond(r["assigned"] != "", r["assigned"], "—")),
                        rx.table.cell(r["updated"]),
                    ),
                )
            ),
            width="100%",
            variant="surface",
            id="queue-table",
        ),
        simple_pager(S.page, S.pages, S.go_page),
        active="/staff/tickets",
        title=t("Ticket queue"),
    )


def _audit_input(label: str, name: str, value: rx.Var, placeholder: str = "", type_: str = "text") -> rx.Component:
    return rx.vstack(
        rx.el.label(t(label), html_for=f"audit-{name}", class_name="field-label"),
        rx.input(
            name=name,
            id=f"audit-{name}",
            default_value=value,
            key=value,
            placeholder=placeholder,
            type=type_,
            max_length=64,
        ),
        spacing="1",
    )


def audit_page() -> rx.Component:
    S = AuditState
    return shell(
        rx.form(
            rx.hstack(
                _audit_input(N_("Staff member or user"), "actor", S.filters["actor"]),
                _audit_input(N_("Customer"), "customer", S.filters["customer"]),
                _audit_input(N_("Action"), "action", S.filters["action"], "order. / login / settings.update"),
                _audit_input(N_("From"), "from", S.filters["from"], "", "date"),
                _audit_input(N_("To"), "to", S.filters["to"], "", "date"),
                rx.button(t("Filter"), type="submit", id="audit-apply"),
                rx.link(
                    rx.button(rx.icon("download", size=16), t("Export CSV"), variant="soft", type="button"),
                    href=S.export_url,
                    is_external=True,
                    id="audit-export",
                ),
                wrap="wrap",
                spacing="3",
                align="end",
            ),
            on_submit=S.apply,
        ),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red", id="audit-error")),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t("Date")),
                    rx.table.column_header_cell(t("By")),
                    rx.table.column_header_cell(t("Customer")),
                    rx.table.column_header_cell(t("Action")),
                    rx.table.column_header_cell(t("IP address")),
                    rx.table.column_header_cell(t("Details")),
                )
            ),
            rx.table.body(
                rx.foreach(
                    S.rows,
                    lambda r: rx.table.row(
                        rx.table.cell(r["at"]),
                        rx.table.cell(r["actor"]),
                        rx.table.cell(r["customer"]),
                        rx.table.cell(
                            rx.code(r["action"]),
                            rx.cond(r["ok"] == "", rx.badge(t("refused"), color_scheme="red", margin_left="0.3em")),
                        ),
                        rx.table.cell(r["ip"]),
                        rx.table.cell(rx.text(r["details"], size="1", class_name="audit-details")),
                    ),
                )
            ),
            width="100%",
            size="1",
            variant="surface",
            id="audit-table",
        ),
        rx.hstack(
            rx.button(t("Previous page"), on_click=S.go_page(S.page - 1), variant="soft", disabled=S.page <= 1),
            rx.text(t("Page"), " ", S.page, size="2"),
            rx.button(t("Next page"), on_click=S.go_page(S.page + 1), variant="soft", disabled=~S.has_next),
            align="center",
        ),
        active="/staff/audit",
        title=t("Audit log"),
    )


def _payment_methods() -> rx.Component:
    """The rule table: which payment provider a customer is offered, by currency and country; which are on."""
    S = AdminState
    return rx.card(
        rx.heading(t("Payment methods"), size="4"),
        rx.text(
            t(
                "Customers see a provider when it is on (INTROSERV_PAYMENT_PROVIDERS), takes the currency of the "
                "payment and serves their country. Point each provider's notifications at its webhook address."
            ),
            size="2",
            color_scheme="gray",
            margin_bottom="0.5em",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t("Payment method")),
                    rx.table.column_header_cell(t("Status")),
                    rx.table.column_header_cell(t("Currencies")),
                    rx.table.column_header_cell(t("Not for customers in")),
                    rx.table.column_header_cell(t("Webhook address")),
                )
            ),
            rx.table.body(
                rx.foreach(
                    S.methods,
                    lambda m: rx.table.row(
                        rx.table.cell(m["label"]),
                        rx.table.cell(
                            rx.cond(
                                m["on"] == "1",
                                rx.badge(t("On"), color_scheme="green", variant="soft"),
                                rx.badge(t("Off"), color_scheme="gray", variant="soft"),
                            )
                        ),
                        rx.table.cell(m["currencies"]),
                        rx.table.cell(m["excluded"]),
                        rx.table.cell(rx.code(m["webhook"])),
                        class_name="payment-method-row",
                        data_provider=m["provider"],
                    ),
                )
            ),
            width="100%",
            size="1",
            id="payment-methods",
        ),
        width="100%",
    )


def admin_page() -> rx.Component:
    S = AdminState
    staff_table = rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell(t("Username")),
                rx.table.column_header_cell(t("Email")),
                rx.table.column_header_cell(t("Role")),
                rx.table.column_header_cell(t("Last login")),
                rx.table.column_header_cell(t("Account")),
            )
        ),
        rx.table.body(
            rx.foreach(
                S.staff,
                lambda u: rx.table.row(
                    rx.table.cell(u["username"]),
                    rx.table.cell(u["email"]),
                    rx.table.cell(
                        rx.el.select(
                            rx.el.option(t("Support"), value="support"),
                            rx.el.option(t("Administrator"), value="admin"),
                            value=u["role"],
                            on_change=lambda value: S.set_role(u["id"], value),
                            class_name="native-select",
                            id="role-" + u["username"],
                        )
                    ),
                    rx.table.cell(u["last_login"]),
                    rx.table.cell(
                        rx.cond(
                            u["active"] == "1",
                            rx.button(
                                t("Switch off"),
                                size="1",
                                variant="soft",
                                color_scheme="red",
                                on_click=S.set_active(u["id"], False),
                            ),
                            rx.button(
                                t("Switch on"),
                                size="1",
                                variant="soft",
                                color_scheme="green",
                                on_click=S.set_active(u["id"], True),
                            ),
                        )
                    ),
                ),
            )
        ),
        width="100%",
        id="staff-table",
    )
    add_form = rx.form(
        rx.hstack(
            rx.input(name="username", id="staff-username", placeholder=t("Username"), max_length=64),
            rx.input(name="email", id="staff-email", placeholder=t("Email"), type="email", max_length=254),
            rx.input(
                name="password",
                id="staff-password",
                placeholder=t("Password (12 characters or more)"),
                type="password",
                max_length=128,
            ),
            rx.el.select(
                rx.el.option(t("Support"), value="support"),
                rx.el.option(t("Administrator"), value="admin"),
                name="role",
                class_name="native-select",
            ),
            rx.button(t("Add a staff user"), type="submit", id="staff-add"),
            wrap="wrap",
            spacing="2",
        ),
        rx.cond(
            S.form_error != "",
            rx.callout(S.form_error, icon="triangle-alert", color_scheme="red", size="1", margin_top="0.5em"),
        ),
        on_submit=S.add_staff,
    )
    seller_form = rx.form(
        rx.vstack(
            rx.el.label(t("Seller name"), html_for="seller-name", class_name="field-label"),
            rx.input(
                name="seller_name",
                id="seller-name",
                default_value=S.seller["seller_name"],
                key=S.seller["seller_name"],
                max_length=200,
                width="100%",
            ),
            rx.el.label(
                t("Postal address (lines separated by ;)"), html_for="seller-address", class_name="field-label"
            ),
            rx.input(
                name="seller_address",
                id="seller-address",
                default_value=S.seller["seller_address"],
                key=S.seller["seller_address"],
                max_length=500,
                width="100%",
            ),
            rx.el.label(t("Country (two letters)"), html_for="seller-country", class_name="field-label"),
            rx.input(
                name="seller_country",
                id="seller-country",
                default_value=S.seller["seller_country"],
                key=S.seller["seller_country"],
                max_length=2,
                width="6em",
            ),
            rx.el.label(t("VAT number"), html_for="seller-vat", class_name="field-label"),
            rx.input(
                name="seller_vat_number",
                id="seller-vat",
                default_value=S.seller["seller_vat_number"],
                key=S.seller["seller_vat_number"],
                max_length=32,
            ),
            rx.cond(
                S.seller_error != "", rx.callout(S.seller_error, icon="triangle-alert", color_scheme="red", size="1")
            ),
            rx.button(t("Save"), type="submit", id="seller-save"),
            spacing="2",
            width="100%",
            max_width="36em",
        ),
        on_submit=S.save_seller,
    )
    return shell(
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red", id="admin-error")),
        rx.cond(
            S.allowed,
            rx.vstack(
                rx.card(
                    rx.heading(t("Staff users"), size="4", margin_bottom="0.5em"),
                    staff_table,
                    rx.box(add_form, margin_top="1em"),
                    width="100%",
                ),
                _payment_methods(),
                rx.card(
                    rx.heading(t("Seller and VAT settings"), size="4"),
                    rx.text(
                        t(
                            "Printed on invoices; the country decides the VAT treatment of new invoices. "
                            "Tariffs and currency rates are on the Tariffs page."
                        ),
                        size="2",
                        color_scheme="gray",
                        margin_bottom="0.5em",
                    ),
                    seller_form,
                    width="100%",
                ),
                vat_rates_section(),
                spacing="4",
                width="100%",
            ),
        ),
        active="/staff/admin",
        title=t("Administration"),
    )
