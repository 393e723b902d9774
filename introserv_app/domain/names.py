"""Generated service names such as `r1z7og44`."""

from __future__ import annotations

import random
import string

_ALPHABET = string.ascii_lowercase + string.digits
SERVICE_NAME_LENGTH = 8


def new_service_name(rng: random.Random) -> str:
    """Eight characters, starting with a letter (e.g. `r1z7og44`)."""
    first = rng.choice(string.ascii_lowercase)
    return first + "".join(rng.choices(_ALPHABET, k=SERVICE_NAME_LENGTH - 1))
