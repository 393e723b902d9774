"""Fill the catalogs after `make extract-messages`: English msgstr = msgid, Russian from a JSON file.

Usage: python scripts/fill_catalogs.py [ru-translations.json]
The JSON maps msgid -> Russian text; entries not in it stay untranslated (and tests/unit/test_i18n.py fails).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parents[1] / "introserv_app" / "i18n" / "locales"


def fill(lang: str, translations: dict[str, str]) -> list[str]:
    path = LOCALES / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        cat = read_po(fh, locale=lang)
    missing = []
    for message in cat:
        if not message.id or (message.string and not message.fuzzy):
            continue
        text = message.id if lang == "en" else translations.get(str(message.id))
        if text:
            message.string, message.flags = text, set(message.flags) - {"fuzzy"}
        else:
            missing.append(str(message.id))
    with path.open("wb") as fh:
        write_po(fh, cat, width=120)
    return missing


if __name__ == "__main__":
    ru = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")) if len(sys.argv) > 1 else {}
    fill("en", {})
    left = fill("ru", ru)
    for msgid in left:
        print(f"untranslated (ru): {msgid!r}")
    sys.exit(1 if left else 0)
