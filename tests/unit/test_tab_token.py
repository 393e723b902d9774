"""The tab-token plugin patches the pinned Reflex's state.js, and only once."""

from __future__ import annotations

from pathlib import Path

import pytest
import reflex_base

from introserv_app.web.tab_token import MARKER, secure_state_js

TEMPLATE = Path(reflex_base.__file__).parent / ".templates" / "web" / "utils" / "state.js"


def test_the_pinned_reflex_generator_is_replaced_by_the_secure_one() -> None:
    source = TEMPLATE.read_text()
    patched = secure_state_js(source)
    start = patched.index("export const generateUUID")
    body = patched[start : patched.index("\n};", start)]
    assert MARKER in body and "crypto.getRandomValues" in body and "Math.random" not in body
    assert secure_state_js(patched) == patched
    assert patched.replace(body, "") == source.replace(source[start : source.index("\n};", start)], "")


def test_an_unknown_generator_fails_the_build_instead_of_staying_weak() -> None:
    with pytest.raises(RuntimeError, match="generateUUID was not found"):
        secure_state_js("export const generateUUID = () => crypto.randomUUID();\n")
