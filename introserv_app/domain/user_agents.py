"""A browser and a system named from a User-Agent header, for the list of a customer's sessions (pure)."""

from __future__ import annotations

import re

_BROWSERS = (  # order matters: Edge and Opera also say "Chrome", Chrome also says "Safari"
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"(?:OPR|Opera)/(\d+)")),
    ("Yandex Browser", re.compile(r"YaBrowser/(\d+)")),
    ("Firefox", re.compile(r"(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"(?:Chrome|CriOS|Chromium)/(\d+)")),
    ("Safari", re.compile(r"Version/(\d+)[\d.]* (?:Mobile/\S+ )?Safari/")),
)
_SYSTEMS = (
    ("Android", re.compile(r"Android")),
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux|X11")),
)


def describe(user_agent: str | None) -> tuple[str, str]:
    """("Chrome 131", "Windows") from a User-Agent; ("", "") parts that cannot be told."""
    ua = (user_agent or "")[:512]
    browser = ""
    for name, pattern in _BROWSERS:
        found = pattern.search(ua)
        if found:
            browser = f"{name} {found.group(1)}"
            break
    system = next((name for name, pattern in _SYSTEMS if pattern.search(ua)), "")
    return browser, system
