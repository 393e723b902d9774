"""Password hashing with argon2id."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


@dataclass(frozen=True)
class PasswordCheck:
    """A password to verify against a hash, and (once `run_check` did it, e.g. on a worker thread) the verdict."""

    password_hash: str
    password: str


_verdict: ContextVar[tuple[PasswordCheck, bool] | None] = ContextVar("password_verdict", default=None)


def run_check(check: PasswordCheck) -> bool:
    """The argon2 verification of `check`: CPU only (no database, no shared state), so it can run on a thread."""
    return _verify(check.password_hash, check.password)


@contextmanager
def verdict(check: PasswordCheck | None, ok: bool | None) -> Iterator[None]:
    """Within the block, `verify_password` of exactly `check` answers `ok` instead of verifying again."""
    token = _verdict.set((check, ok) if check is not None and ok is not None else None)
    try:
        yield
    finally:
        _verdict.reset(token)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches (or as verified already, see `verdict`)."""
    known = _verdict.get()
    if known is not None and known[0] == PasswordCheck(password_hash, password):
        return known[1]
    return _verify(password_hash, password)


def _verify(password_hash: str, password: str) -> bool:
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
