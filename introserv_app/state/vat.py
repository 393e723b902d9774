"""VAT rates: the customer's table (/vat) and the admin's history and change form (a section of /staff/admin).

The customer page is for anyone signed in; the admin section's handlers are `admin_only`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import reflex as rx

from introserv_app.domain.text import N_
from introserv_app.domain.validation import form_fields, parse_id
from introserv_app.domain.vat import is_eu
from introserv_app.domain.vat_rates import EU_COUNTRIES
from introserv_app.i18n import format_amount, format_date, format_datetime, gettext
from introserv_app.i18n.countries import country_name
from introserv_app.services import billing
from introserv_app.state.context import Ctx, Refused
from introserv_app.state.fields import Field, event, field
from introserv_app.state.guard import STAFF_STATES, admin_only

MSG_PLANNED = N_("from {date}: {rate}")
MSG_OUTSIDE = N_("You are outside the EU: your invoices carry no VAT (0 %).")
MSG_REVERSE = N_(
    "Your company's VAT number is validated: your invoices carry no VAT (reverse charge); you account for the VAT "
    "in {country}."
)
MSG_DOMESTIC = N_("You are in {country}, the seller's country: your invoices carry its standard rate, {rate}.")
MSG_CONSUMER = N_("Your invoices carry the standard rate of {country}, where you are: {rate}.")
MSG_COMPANY_HINT = N_(
    "A company with a VAT number validated in Settings is invoiced without VAT (reverse charge) instead."
)
MSG_RECORDED = N_("Recorded: {country} {rate} from {date}.")
MSG_WITHDRAWN = N_("Withdrawn: {country} {rate} from {date}.")
MSG_BUILT_IN = N_("built in")


def percent(rate: Decimal, lang: str) -> str:
    """A rate as the reader writes it: "25.5 %" (en), "25,5 %" (ru)."""
    return format_amount(rate.normalize(), lang) + " %"


def _today() -> date:
    return datetime.now(UTC).date()


class VatPageState(rx.State):
    """/vat: every member state's standard rate, the customer's own country highlighted."""

    rows: Field[list[dict[str, str]]] = field([])
    #: The customer is outside the EU ("Other countries, including USA" is their row).
    outside: Field[bool] = field(False)
    #: How the customer's own invoices are taxed, in their language (one or two sentences).
    own_lines: Field[list[str]] = field([])

    @event
    async def load(self):
        ctx = await Ctx.of(self)
        lang = ctx.lang
        result = ctx.run(lambda s, v: billing.vat_overview(session=s, viewer=v, now=datetime.now(UTC)))
        if isinstance(result, Refused):
            self.rows, self.own_lines, self.outside = [], [], False
            return
        own = result.country
        self.rows = sorted(
            (
                {
                    "country": r.country,
                    "name": country_name(r.country, lang),
                    "rate": percent(r.rate, lang),
                    "since": format_date(r.since, lang),
                    "planned": "; ".join(
                        ctx.text(MSG_PLANNED, {"date": format_date(d, lang), "rate": percent(p, lang)})
                        for d, p in r.planned
                    ),
                    "own": "1" if r.country == own else "",
                }
                for r in result.rates
            ),
            key=lambda row: row["name"],
        )
        self.outside = not is_eu(own)
        decision, name = result.decision, country_name(own, lang)
        if self.outside:
            lines = [ctx.text(MSG_OUTSIDE)]
        elif decision.reverse_charge:
            lines = [ctx.text(MSG_REVERSE, {"country": name})]
        elif own == result.seller_country:
            lines = [ctx.text(MSG_DOMESTIC, {"country": name, "rate": percent(decision.rate, lang)})]
        else:
            lines = [ctx.text(MSG_CONSUMER, {"country": name, "rate": percent(decision.rate, lang)})]
            if result.is_company:
                lines.append(ctx.text(MSG_COMPANY_HINT))
        self.own_lines = lines


class VatRatesAdminState(rx.State):
    """The VAT section of /staff/admin: the recorded rates per country and the form to record a change."""

    history: Field[list[dict[str, str]]] = field([])
    countries: Field[list[list[str]]] = field([])
    today: Field[str] = field("")
    error: Field[str] = field("")

    @event
    @admin_only
    async def load(self):
        ctx = await Ctx.of(self)
        lang, ip, today = ctx.lang, ctx.ip, _today()
        result = ctx.run(lambda s, v: billing.vat_rate_history(session=s, viewer=v, ip=ip))
        if isinstance(result, Refused):
            self.history = []
            return
        self.today = today.isoformat()
        self.countries = sorted(([c, country_name(c, lang)] for c in EU_COUNTRIES), key=lambda p: p[1])
        in_force: dict[str, date] = {}
        for r in result:  # newest first per country: the first row on or before today is the one in force
            if r.effective_from <= today and r.country not in in_force:
                in_force[r.country] = r.effective_from
        rows = [
            {
                "id": str(r.id),
                "country": r.country,
                "name": country_name(r.country, lang),
                "since": format_date(r.effective_from, lang),
                "rate": percent(r.rate, lang),
                "source": r.source,
                "by": r.recorded_by or gettext(lang, MSG_BUILT_IN),
                "at": format_datetime(r.recorded_at, lang, "short") if r.recorded_by else "",
                "state": "planned"
                if r.effective_from > today
                else ("current" if in_force.get(r.country) == r.effective_from else "past"),
            }
            for r in result
        ]
        self.history = sorted(rows, key=lambda row: row["name"])  # stable: each country's newest first

    @event
    @admin_only
    async def record(self, form: dict):
        ctx = await Ctx.of(self)
        ip, fields = ctx.ip, form_fields(form)
        done = ctx.run(
            lambda s, v: billing.record_vat_rate(
                session=s,
                viewer=v,
                country=fields.get("country"),
                rate=fields.get("rate"),
                effective_from=fields.get("effective_from"),
                source=fields.get("source"),
                ip=ip,
            )
        )
        self.error = done.message if isinstance(done, Refused) else ""
        if isinstance(done, Refused):
            return rx.toast.error(self.error) if self.error else None
        await self.load()
        values: dict[str, object] = {
            "country": country_name(done.country, ctx.lang),
            "rate": percent(done.rate, ctx.lang),
            "date": format_date(done.effective_from, ctx.lang),
        }
        return [
            rx.toast.success(ctx.text(MSG_RECORDED, values)),
            rx.set_value("vat-rate", ""),
            rx.set_value("vat-source", ""),
        ]

    @event
    @admin_only
    async def withdraw(self, rate_id: str):
        ctx = await Ctx.of(self)
        ip, rid = ctx.ip, parse_id(rate_id) or 0
        done = ctx.run(lambda s, v: billing.withdraw_vat_rate(session=s, viewer=v, rate_id=rid, ip=ip))
        if isinstance(done, Refused):
            return rx.toast.error(done.message) if done.message else None
        await self.load()
        values: dict[str, object] = {
            "country": country_name(done.country, ctx.lang),
            "rate": percent(done.rate, ctx.lang),
            "date": format_date(done.effective_from, ctx.lang),
        }
        return rx.toast.success(ctx.text(MSG_WITHDRAWN, values))


STAFF_STATES.append(VatRatesAdminState)
