"""Incidents without a database: severities, who an incident affects (its scope) and how the scope's input is read,
the texts' limits, and the sortable key of an IP address that range matching compares."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from introserv_app.domain.settings_rules import FieldError, parse_ip_rules
from introserv_app.domain.text import N_
from introserv_app.domain.validation import ID_MAX, TextError, check_text, clean_search

SEVERITIES: dict[str, str] = {"info": N_("Information"), "warning": N_("Warning"), "critical": N_("Critical")}


class Scope(StrEnum):
    """Who an incident affects."""

    EVERYONE = "everyone"
    TARIFFS = "tariffs"
    IP_RANGES = "ip_ranges"
    ORDERS = "orders"


SCOPE_LABELS: dict[str, str] = {
    Scope.EVERYONE: N_("Every customer"),
    Scope.TARIFFS: N_("Customers of these tariffs"),
    Scope.IP_RANGES: N_("Orders in these IP ranges"),
    Scope.ORDERS: N_("These orders"),
}


class IncidentState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


#: How long a resolved incident's banner stays (showing the resolution).
RESOLVED_BANNER = timedelta(hours=24)
TITLE_MAX, TEXT_MAX = 200, 5000
ORDER_REFS_MAX = 1000
SERVICE_NAME_MAX = 32

MSG_TITLE = N_("Write the title in English and in Russian (at most 200 characters each).")
MSG_TEXT = N_("Write the text in English and in Russian (at most 5,000 characters each).")
MSG_CHARACTERS = N_("The text contains characters that cannot be used (invisible control characters).")
MSG_SEVERITY = N_("Choose how severe the incident is.")
MSG_SCOPE = N_("Choose who is affected.")
MSG_TARIFFS = N_("Choose at least one tariff.")
MSG_RANGES = N_("Enter at least one IP address, network (CIDR) or range a-b.")
MSG_ORDERS = N_("Enter at least one order (its ID or name), at most 1,000.")
MSG_ORDER_REF = N_("“{text}” is not an order ID or name.")
MSG_NOBODY = N_("No customer is affected: nothing was opened.")
MSG_NOT_FOUND = N_("Incident not found.")
MSG_RESOLVED_ALREADY = N_("This incident is already resolved.")


@dataclass(frozen=True)
class Texts:
    """A text in both languages."""

    en: str
    ru: str


def both_texts(en: object, ru: object, *, max_len: int, refusal: str, multiline: bool) -> Texts:
    """Trimmed English and Russian texts; FieldError(refusal) when either is empty or too long, FieldError of the
    characters message when either holds unusable characters."""
    out = []
    for raw in (en, ru):
        try:
            value = check_text(raw, max_len=max_len, multiline=multiline)
        except TextError as exc:
            raise FieldError(MSG_CHARACTERS if exc.problem == "characters" else refusal) from None
        if not value:
            raise FieldError(refusal)
        out.append(value)
    return Texts(out[0], out[1])


def ip_key(text: str | None) -> str | None:
    """A string that sorts like the address: `4` or `6`, then the address as 32 hex digits (None: not an address).
    Ranges are compared on it (`ip_key(a) <= ip_key(x) <= ip_key(b)`)."""
    if not text:
        return None
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return f"{address.version}{int(address):032x}"


@dataclass(frozen=True)
class IpRange:
    first: str
    last: str

    def keys(self) -> tuple[str, str]:
        return ip_key(self.first) or "", ip_key(self.last) or ""


def parse_ranges(raw: object) -> tuple[str, list[IpRange]]:
    """(the normal text, the ranges): one address, network (CIDR) or range a-b a line, as the Settings IP list
    reads it; FieldError with a message per bad line, or MSG_RANGES when there is none."""
    text, rules = parse_ip_rules(raw)
    if not rules:
        raise FieldError(MSG_RANGES)
    return text, [IpRange(str(r.first), str(r.last)) for r in rules]


def parse_order_refs(raw: object) -> tuple[list[int], list[str]]:
    """(order ids, service names) from text with one reference per line, comma or space: digits are an ID, anything
    else a service name. FieldError for a reference that can be neither, or none, or more than ORDER_REFS_MAX."""
    text = raw if isinstance(raw, str) else ""
    parts = [p for p in text.replace(",", " ").split() if p]
    if not parts or len(parts) > ORDER_REFS_MAX:
        raise FieldError(MSG_ORDERS)
    ids: list[int] = []
    names: list[str] = []
    for part in parts:
        if part.isascii() and part.isdigit():
            number = int(part)
            if not 0 < number <= ID_MAX:
                raise FieldError(MSG_ORDER_REF, text=clean_search(part, 40))
            ids.append(number)
        elif len(part) <= SERVICE_NAME_MAX and part.isprintable() and clean_search(part, SERVICE_NAME_MAX) == part:
            names.append(part)
        else:
            raise FieldError(MSG_ORDER_REF, text=clean_search(part, 40))
    return sorted(set(ids)), sorted(set(names))
