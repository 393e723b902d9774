"""Password hashing with argon2id."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches; never raises for a wrong password, a malformed hash or text that is not
    valid Unicode (a lone surrogate from a crafted event: encoded as such, it matches no hash, at the same cost)."""
    try:
        return _hasher.verify(password_hash, password.encode("utf-8", "surrogatepass"))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A real hash to verify against for unknown users, so both paths take similar time."""
    return _hasher.hash("unknown-user-timing-equaliser")


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other argon2 parameters than the current ones (older, weaker)."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return False


def upgraded_hash(password_hash: str, password: str) -> str | None:
    """After a successful check of `password`: a new hash with the current parameters when the stored one has
    other parameters (argon2's recommendations grow over time), else None."""
    if not needs_rehash(password_hash):
        return None
    return _hasher.hash(password.encode("utf-8", "surrogatepass"))
