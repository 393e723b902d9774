"""`t("...")`: the UI's translate helper (also the keyword `pybabel extract -k t` collects).

Each call becomes a Var that picks the string of the viewer's current language in the browser, so a
language switch changes the whole UI at once. Server-side text uses `i18n.gettext`.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var

from introserv_app.i18n import SUPPORTED_LANGUAGES, catalog
from introserv_app.state.context import LocaleState


def t(msgid: str) -> Var[str]:
    """`msgid` in the viewer's language."""
    translations = [(lang, catalog(lang).get(msgid, msgid)) for lang in SUPPORTED_LANGUAGES if lang != "en"]
    translations = [(lang, text) for lang, text in translations if text != msgid]
    if not translations:
        return Var.create(msgid)
    return rx.match(LocaleState.lang, *translations, msgid)
