"""Marker for translatable text defined outside the UI (collected by `pybabel extract -k N_`)."""


def N_(msgid: str) -> str:
    """Mark `msgid` for extraction; it is translated where it is shown."""
    return msgid
