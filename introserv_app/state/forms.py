"""Form fields as handlers read them (the browser may send anything: `domain.validation.form_fields`)."""

from __future__ import annotations

from collections.abc import Mapping


def text(fields: Mapping[str, object], name: str) -> str:
    """A field that must be text: its value, or "" when it is missing or anything else (the service then
    refuses it as it refuses an empty field)."""
    value = fields.get(name)
    return value if isinstance(value, str) else ""
