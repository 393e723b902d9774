"""Controller passwords at rest: Fernet (AES-128-CBC + HMAC-SHA256) with a key derived from the panel's secret
(HKDF-SHA256), so the database alone does not reveal them. A changed secret makes the stored ones unreadable:
staff assign the controllers again."""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from introserv_app.config import get_settings


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"introserv server controller passwords")
    return Fernet(base64.urlsafe_b64encode(key.derive(secret.encode())))


def encrypt(password: str) -> str:
    return _fernet(get_settings().secret_key).encrypt(password.encode()).decode()


def decrypt(token: str) -> str | None:
    """The password, or None when the panel's secret changed since it was stored (or the text was altered)."""
    try:
        return _fernet(get_settings().secret_key).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None
