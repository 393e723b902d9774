"""Service names such as `r1z7og44`: the one definition of their alphabet and length."""

from __future__ import annotations

import string

SERVICE_NAME_LENGTH = 8
#: The first character is a letter; the others letters or digits.
SERVICE_NAME_FIRST = string.ascii_lowercase
SERVICE_NAME_REST = string.ascii_lowercase + string.digits
