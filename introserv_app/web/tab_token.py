"""Reflex plugin: browser tabs get their state token from the browser's cryptographic random source.

Reflex's frontend makes a tab's token (`generateUUID` in `.web/utils/state.js`) from `Math.random()` and
the clock, which is predictable. The token is not our credential (state/binding.py makes it read nothing
without the sign-in that loaded the tab), but it should not be guessable either: this plugin replaces the
function at every compile with one that uses `crypto.getRandomValues` (also available on plain http, unlike
`crypto.randomUUID`). A Reflex upgrade that changes the function fails the build here instead of silently
keeping the weak one.
"""

from __future__ import annotations

import re
from typing import Any

from reflex_base.plugins.base import Plugin

STATE_JS = "utils/state.js"
MARKER = "introserv: tab tokens from crypto.getRandomValues"
SECURE_UUID = f"""export const generateUUID = () => {{
  // {MARKER}
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${{h.slice(0, 8)}}-${{h.slice(8, 12)}}-${{h.slice(12, 16)}}-${{h.slice(16, 20)}}-${{h.slice(20)}}`;
}};"""
# Reflex 0.10's function: `export const generateUUID = () => { ... };` up to the first line that is only "};".
_WEAK_UUID = re.compile(r"export const generateUUID = \(\) => \{\n.*?Math\.random\(\).*?\n\};", re.DOTALL)


def secure_state_js(source: str) -> str:
    """`state.js` with the secure `generateUUID` (unchanged when it already has it)."""
    if MARKER in source:
        return source
    patched, count = _WEAK_UUID.subn(lambda _: SECURE_UUID, source, count=1)
    if count != 1:
        raise RuntimeError(f"{STATE_JS}: Reflex's generateUUID was not found; update introserv_app/web/tab_token.py")
    return patched


class SecureTabTokens(Plugin):
    """Registered in rxconfig.py."""

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"](STATE_JS, secure_state_js)
