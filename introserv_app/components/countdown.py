"""`countdown(seconds, stamp, label, *children)`: counts down in the browser, then shows its children.

While waiting it shows `label` with `{seconds}` replaced by the seconds left. The count runs on the browser's own
clock from when `seconds` (or `stamp`) last changed, so no event per second goes to the server and a clock that
differs from the server's does not matter; the server refuses an early request anyway.
"""

from __future__ import annotations

import reflex as rx
from reflex.utils.imports import ImportDict, ImportVar
from reflex.vars.base import Var

COUNTDOWN_JS = """
function IntroservCountdown({seconds, stamp, label, id, children}) {
  const [left, setLeft] = useState(seconds);
  useEffect(() => {
    const end = Date.now() + seconds * 1000;
    const tick = () => {
      const rest = Math.max(0, Math.ceil((end - Date.now()) / 1000));
      setLeft(rest);
      return rest;
    };
    if (tick() <= 0) return undefined;
    const timer = setInterval(() => { if (tick() <= 0) clearInterval(timer); }, 250);
    return () => clearInterval(timer);
  }, [seconds, stamp]);
  if (left > 0) {
    return jsx("span", {id, className: "rt-Text rt-r-size-2"}, String(label).replace("{seconds}", String(left)));
  }
  return jsx(Fragment, {}, children);
}
"""


class Countdown(rx.Component):
    """The React component defined in COUNTDOWN_JS (no package to install)."""

    tag: str | None = "IntroservCountdown"
    library: str | None = None

    seconds: Var[int]
    stamp: Var[int]
    label: Var[str]

    def add_imports(self) -> ImportDict:
        return {
            "react": [ImportVar(tag="useState"), ImportVar(tag="useEffect"), ImportVar(tag="Fragment")],
            "@emotion/react": [ImportVar(tag="jsx")],
        }

    def add_custom_code(self) -> list[str]:
        return [COUNTDOWN_JS]


def countdown(seconds: Var[int], stamp: Var[int], label: Var[str], *children: rx.Component, el_id: str) -> rx.Component:
    return Countdown.create(*children, seconds=seconds, stamp=stamp, label=label, id=el_id)
