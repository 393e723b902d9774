"""The Settings page's field rules, without a database (property-based where the input space is large)."""

from __future__ import annotations

import ipaddress

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from introserv_app.domain import settings_rules as rules
from introserv_app.domain.settings_rules import FieldError


def test_a_mobile_number_of_every_country_is_stored_in_e164() -> None:
    checked = 0
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
        if example is None:
            continue
        e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
        international = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
        assert rules.phone(international) == e164
        assert rules.phone(national, region=region) == e164  # written without +, read for the profile's country
        checked += 1
    assert checked > 200


@pytest.mark.parametrize("raw", ["12", "+1", "phone", "+49 30 12", "+999 123 456 789", "\x00+4930123456", "1" * 40])
def test_numbers_that_are_not_phones_are_refused(raw: str) -> None:
    with pytest.raises(FieldError):
        rules.phone(raw)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Ivan@Пример.рф", "Ivan@пример.рф"),
        ("user@bücher.example", "user@bücher.example"),
        ("a.b+tag@EXAMPLE.com", "a.b+tag@example.com"),
    ],
)
def test_emails_with_unicode_domains_are_accepted_in_normal_form(raw: str, stored: str) -> None:
    assert rules.email(raw) == stored


@pytest.mark.parametrize("raw", ["plain", "a@", "@b.c", "a b@c.d", "a@b..c", "<script>@x.y", "a@" + "b" * 300 + ".com"])
def test_bad_emails_are_refused(raw: str) -> None:
    with pytest.raises(FieldError):
        rules.email(raw)


@settings(max_examples=300)
@given(st.text(max_size=200))
def test_any_text_gives_an_ip_list_or_numbered_errors(raw: str) -> None:
    try:
        stored, parsed = rules.parse_ip_rules(raw)
    except FieldError as exc:
        assert all("line" in e.values or e.message == rules.MSG_IP_TOO_MANY for e in exc.items)
        return
    assert len(parsed) == len([line for line in stored.split("\n") if line])


@given(st.ip_addresses(), st.integers(min_value=0, max_value=128))
def test_a_network_allows_exactly_its_addresses(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, bits: int
) -> None:
    prefix = min(bits, address.max_prefixlen)
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    assert rules.ip_allowed(str(network), str(address))
    after = int(network.broadcast_address) + 1
    if after < 2**address.max_prefixlen:
        outside = ipaddress.ip_address(after) if address.version == 6 else ipaddress.IPv4Address(after)
        mapped = isinstance(outside, ipaddress.IPv6Address) and outside.ipv4_mapped is not None
        if not mapped:
            assert not rules.ip_allowed(str(network), str(outside))


@pytest.mark.parametrize(
    ("raw", "line"),
    [("10.0.0.300", 1), ("::g", 1), ("10.0.0.1\n10.0.0.9-10.0.0.1", 2), ("1.2.3.4-::1", 1), ("10.0.0.0/33", 1)],
)
def test_each_bad_ip_line_is_named(raw: str, line: int) -> None:
    with pytest.raises(FieldError) as bad:
        rules.parse_ip_rules(raw)
    assert bad.value.items[0].values["line"] == line


def test_ranges_and_mapped_addresses() -> None:
    assert rules.ip_allowed("192.0.2.10-192.0.2.20", "192.0.2.15")
    assert not rules.ip_allowed("192.0.2.10-192.0.2.20", "192.0.2.21")
    assert rules.ip_allowed("192.0.2.0/24", "::ffff:192.0.2.7")  # IPv4 through a dual-stack socket
    assert rules.ip_allowed("", "203.0.113.1")  # empty: no restriction
    assert not rules.ip_allowed("192.0.2.0/24", "not an address")


def test_the_password_rule() -> None:
    assert rules.password_problem("a long enough passphrase", "a long enough passphrase", "ann") is None
    assert rules.password_problem("short", "short", "ann") == rules.MSG_PASSWORD_LENGTH
    assert rules.password_problem("y" * 129, "y" * 129, "ann") == rules.MSG_PASSWORD_LENGTH
    assert rules.password_problem("Qwerty123456", "Qwerty123456", "ann") == rules.MSG_PASSWORD_COMMON
    assert rules.password_problem("annabelle-lee", "annabelle-lee", "Annabelle-Lee") == rules.MSG_PASSWORD_USERNAME
    assert len(rules.common_passwords()) == 10_000
