"""Incident rules without a database: the sortable IP key ranges are compared on, reading ranges and order lists."""

from __future__ import annotations

import pytest

from introserv_app.domain.incidents import ip_key, parse_order_refs, parse_ranges
from introserv_app.domain.settings_rules import FieldError


def test_ip_keys_sort_like_addresses_and_keep_families_apart() -> None:
    addresses = ["9.255.255.255", "10.0.0.0", "10.0.0.255", "10.0.1.0", "::1", "2001:db8::5", "2001:db8::1:0"]
    keys = [ip_key(a) for a in addresses]
    assert keys == sorted(keys)  # type: ignore[type-var]
    assert ip_key("::ffff:10.0.0.1") == ip_key("10.0.0.1")  # IPv4 through a dual-stack socket
    assert [ip_key(x) for x in ("", None, "10.0.0.256", "01.2.3.4", "nonsense")] == [None] * 5


def test_ranges_become_first_and_last_addresses() -> None:
    text, ranges = parse_ranges(" 192.0.2.0/24 \n\n10.0.0.5-10.0.0.9\n2001:db8::/126")
    assert text == "192.0.2.0/24\n10.0.0.5-10.0.0.9\n2001:db8::/126"
    assert [(r.first, r.last) for r in ranges] == [
        ("192.0.2.0", "192.0.2.255"), ("10.0.0.5", "10.0.0.9"), ("2001:db8::", "2001:db8::3"),
    ]  # fmt: skip
    for bad in ("", "10.0.0.9-10.0.0.5", "300.1.1.1", "10.0.0.0/40"):
        with pytest.raises(FieldError):
            parse_ranges(bad)


def test_order_lists_take_ids_and_names() -> None:
    assert parse_order_refs("12, vps-7\n12 dedi9") == ([12], ["dedi9", "vps-7"])
    for bad in ("", "0", "a\u202eb", "x" * 33, " ".join(["1"] * 1001)):
        with pytest.raises(FieldError):
            parse_order_refs(bad)
