"""Rules of the Settings page, without a database: each field's check and normal form.

Every check returns the stored value or raises `FieldError` with a msgid saying what is wrong. Text
fields lose surrounding spaces and are refused when they hold unusable characters (controls, lone
surrogates: `validation.check_text`) or are too long; what passes is stored exactly.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from introserv_app.domain.text import N_
from introserv_app.domain.validation import (
    MSG_TEXT_CHARACTERS,
    TextError,
    check_text,
    clean_search,
    has_unusable_characters,
)

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

PASSWORD_MIN, PASSWORD_MAX = 12, 128
SECRET_MIN, SECRET_MAX = 4, 64
IP_LINES_MAX, IP_LINE_MAX = 100, 100
COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "resources" / "common-passwords.txt"

MSG_REQUIRED = N_("This field is required.")
MSG_TOO_LONG = N_("At most {max} characters.")
MSG_CHARACTERS = MSG_TEXT_CHARACTERS
MSG_EMAIL = N_("Enter a valid email address.")
MSG_PHONE = N_("Enter a mobile number with its country code, e.g. +49 30 123456.")
MSG_POSTAL = N_("Use letters, digits, spaces and dashes, at most 20.")
MSG_PASSWORD_LENGTH = N_("Use 12 to 128 characters.")
MSG_PASSWORD_COMMON = N_("This password is among the most common ones; choose another.")
MSG_PASSWORD_USERNAME = N_("The password must not be your username.")
MSG_PASSWORD_MATCH = N_("The two new passwords differ.")
MSG_PASSWORD_CHARACTERS = N_("The password contains characters that cannot be used (invisible control characters).")
MSG_SECRET_LENGTH = N_("Use 4 to 64 characters.")
MSG_IP_LINE = N_("Line {line}: “{text}” is not an IP address, a network (CIDR) or a range a-b.")
MSG_IP_RANGE = N_("Line {line}: the range goes backwards or mixes IPv4 and IPv6.")
MSG_IP_TOO_MANY = N_("At most 100 lines.")


class FieldError(ValueError):
    """What is wrong with a field: a msgid and its values; `items` holds several (e.g. one per bad line)."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message)
        self.message, self.values = message, values
        self.items: list[FieldError] = [self]

    @classmethod
    def many(cls, errors: list[FieldError]) -> FieldError:
        first = errors[0]
        combined = cls(first.message, **first.values)
        combined.items = list(errors)
        return combined


def text(raw: object, *, max_len: int, required: bool = False) -> str:
    """Trimmed single-line text; refused when required and empty, too long or with control characters."""
    try:
        value = check_text(raw, max_len=max_len)
    except TextError as exc:
        raise (
            FieldError(MSG_CHARACTERS) if exc.problem == "characters" else FieldError(MSG_TOO_LONG, max=max_len)
        ) from None
    if not value and required:
        raise FieldError(MSG_REQUIRED)
    return value


def email(raw: object, *, required: bool = True) -> str:
    """A deliverable-looking address (syntax only, no DNS), in its normal form; unicode domains allowed."""
    value = raw.strip() if isinstance(raw, str) else ""
    if not value:
        if required:
            raise FieldError(MSG_REQUIRED)
        return ""
    if len(value) > 254 or not value.isprintable():
        raise FieldError(MSG_EMAIL)
    try:
        return str(validate_email(value, check_deliverability=False).normalized)
    except (EmailNotValidError, UnicodeError, ValueError):
        raise FieldError(MSG_EMAIL) from None


def phone(raw: object, *, region: str | None = None) -> str:
    """A valid phone number in E.164 (`+4930123456`); a number without `+` is read for `region`."""
    value = raw.strip() if isinstance(raw, str) else ""
    if not value:
        raise FieldError(MSG_REQUIRED)
    if len(value) > 32 or not value.isprintable():
        raise FieldError(MSG_PHONE)
    try:
        number = phonenumbers.parse(value, region if region and len(region) == 2 else None)
    except phonenumbers.NumberParseException:
        raise FieldError(MSG_PHONE) from None
    if not phonenumbers.is_valid_number(number):
        raise FieldError(MSG_PHONE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def postal_code(raw: object) -> str:
    value = raw.strip() if isinstance(raw, str) else ""
    if value and (len(value) > 20 or not all(c.isascii() and (c.isalnum() or c in " -") for c in value)):
        raise FieldError(MSG_POSTAL)
    return value


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problem(new: object, confirm: object, username: str) -> str | None:
    """None when `new` may be a password; otherwise the reason (a msgid)."""
    if isinstance(new, str) and has_unusable_characters(new):
        return MSG_PASSWORD_CHARACTERS
    if not isinstance(new, str) or not PASSWORD_MIN <= len(new) <= PASSWORD_MAX:
        return MSG_PASSWORD_LENGTH
    if new != confirm:
        return MSG_PASSWORD_MATCH
    if new.lower() in common_passwords():
        return MSG_PASSWORD_COMMON
    if new.lower() == username.lower():
        return MSG_PASSWORD_USERNAME
    return None


def secret(raw: object) -> str:
    """A code word or call password: 4-64 characters without unusable ones (stored hashed)."""
    try:
        value = check_text(raw, max_len=SECRET_MAX)
    except TextError as exc:
        raise FieldError(MSG_CHARACTERS if exc.problem == "characters" else MSG_SECRET_LENGTH) from None
    if len(value) < SECRET_MIN:
        raise FieldError(MSG_SECRET_LENGTH)
    return value


# ---- IP restrictions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IpRule:
    """One line of the list: a network (a single address is a /32 or /128) or an inclusive range."""

    first: IPAddress
    last: IPAddress

    def allows(self, address: IPAddress) -> bool:
        return address.version == self.first.version and self.first <= address <= self.last  # type: ignore[operator]


def _rule(line: str) -> IpRule | None:
    if "%" in line:
        return None  # an IPv6 zone ("fe80::1%eth0") names an interface of one host, not an address of the internet
    if "-" in line and "/" not in line:
        start, _, end = (p.strip() for p in line.partition("-"))
        a, b = ipaddress.ip_address(start), ipaddress.ip_address(end)
        if a.version != b.version or a > b:  # type: ignore[operator]
            return None
        return IpRule(a, b)
    network = ipaddress.ip_network(line, strict=False)
    return IpRule(network.network_address, network.broadcast_address)


def parse_ip_rules(raw: object) -> tuple[str, list[IpRule]]:
    """(the normal text to store, the rules). Every bad line is reported with its number."""
    value = (raw if isinstance(raw, str) else "").replace("\r\n", "\n")
    numbered = [(n, line.strip()) for n, line in enumerate(value.split("\n"), start=1) if line.strip()]
    if len(numbered) > IP_LINES_MAX:
        raise FieldError(MSG_IP_TOO_MANY)
    rules: list[IpRule] = []
    problems: list[FieldError] = []
    for number, line in numbered:
        printable = clean_search(line, 41)
        shown = printable[:40] + ("…" if len(printable) > 40 else "")
        try:
            rule = _rule(line) if len(line) <= IP_LINE_MAX and line.isascii() and line.isprintable() else None
        except ValueError:
            rule = None
        if rule is not None:
            rules.append(rule)
        elif "-" in line and "/" not in line and _both_addresses(line):
            problems.append(FieldError(MSG_IP_RANGE, line=number))
        else:
            problems.append(FieldError(MSG_IP_LINE, line=number, text=shown))
    if problems:
        raise FieldError.many(problems)
    return "\n".join(line for _, line in numbered), rules


def _both_addresses(line: str) -> bool:
    if "%" in line:
        return False
    start, _, end = (p.strip() for p in line.partition("-"))
    try:
        ipaddress.ip_address(start), ipaddress.ip_address(end)
    except ValueError:
        return False
    return True


def ip_allowed(stored: str, ip: str) -> bool:
    """Whether `ip` may use an account whose stored list is `stored` (empty: no restriction)."""
    if not stored.strip():
        return True
    try:
        _, rules = parse_ip_rules(stored)
        address = ipaddress.ip_address(ip.strip())
    except (FieldError, ValueError):
        return False
    candidates: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        candidates.append(address.ipv4_mapped)  # IPv4 through a dual-stack socket
    return any(rule.allows(a) for rule in rules for a in candidates)
