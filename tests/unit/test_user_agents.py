"""Browsers and systems named from User-Agent headers for the sessions list."""

from __future__ import annotations

import pytest

from introserv_app.domain.user_agents import describe


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
         "Safari/537.36 Edg/131.0.2903.70", ("Edge 131", "Windows")),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
         "Safari/605.1.15", ("Safari 18", "macOS")),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/18.1 Mobile/15E148 Safari/604.1", ("Safari 18", "iOS")),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
         "Mobile Safari/537.36", ("Chrome 131", "Android")),
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 YaBrowser/24.10.0.0 "
         "Safari/537.36", ("Yandex Browser 24", "Linux")),
        ("curl/8.5.0", ("", "")),
        ("", ("", "")),
        (None, ("", "")),
        ("x" * 100_000, ("", "")),
    ],
)  # fmt: skip
def test_describe(agent: str | None, expected: tuple[str, str]) -> None:
    assert describe(agent) == expected
