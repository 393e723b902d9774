"""Sign-in throttling that slows attackers down without locking owners out (OWASP Authentication Cheat
Sheet: throttling instead of account lockout, and device cookies).

Failed attempts are the `login` audit events with `success = false`. Before a password is checked, the
attempt must wait when one of these counters, over the last `login_window_seconds`, has reached its limit:

- **the account from this address** (`account_ip`): `login_max_failures_per_account` failures;
- **this address, any account** (`ip`): `login_max_failures_per_ip` failures (a password spray, or a
  guesser moving on to the next name);
- **the account from anywhere** (`account`): `login_max_failures_per_account_any_ip` failures (a
  distributed guesser).

The wait grows with every further failure: 30 s after the limit is reached, doubling per failure, at most
the window; a refused (throttled) attempt checks no password and counts as no failure. Nothing is ever a
hard lock: once the wait has passed, one more attempt is allowed.

A browser that has signed in to the account before carries a **device cookie** for it (signed with the
secret key; `device_cookie_value`). Such a browser is judged only by the failures made *with that
cookie* (`device`, the per-account limit): an attacker's failures from the same office address or from
anywhere else never slow the owner down, and a stolen cookie still gets only a few guesses.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from introserv_app.config import Settings, get_settings
from introserv_app.db.tables import AuditEvent

DEVICE_COOKIE = "introserv_device"


DEVICE_DAYS = 365


FIRST_DELAY_SECONDS = 30


#: How many recent failures a counter reads (enough to reach the longest wait).
_COUNT_CAP = 64


@dataclass(frozen=True)
class Wait:
    seconds: int
    #: Which counter is over its limit: account_ip | ip | account | device.
    scope: str


def _sign(payload: str, settings: Settings) -> str:
    key = settings.secret_key.encode()
    return hmac.new(key, b"device:" + payload.encode(), hashlib.sha256).hexdigest()[:32]


def device_cookie_value(*, user_id: int, now: datetime, settings: Settings | None = None) -> str:
    """A new device cookie for a browser that has just signed in as `user_id`."""
    settings = settings or get_settings()
    payload = f"{user_id}.{secrets.token_hex(8)}.{int(now.timestamp())}"
    return f"{payload}.{_sign(payload, settings)}"


def device_id(cookie: str | None, *, user_id: int, now: datetime, settings: Settings | None = None) -> str | None:
    """The id of a genuine, unexpired device cookie issued to `user_id` (None for anything else)."""
    if not cookie or len(cookie) > 128:
        return None
    parts = cookie.split(".")
    if len(parts) != 4 or not all(p.isascii() and p.isalnum() for p in parts):
        return None
    uid, nonce, issued, signature = parts
    if not (uid.isdigit() and issued.isdigit()) or int(uid) != user_id:
        return None
    settings = settings or get_settings()
    if not hmac.compare_digest(_sign(f"{uid}.{nonce}.{issued}", settings), signature):
        return None
    age = now.timestamp() - int(issued)
    if age < 0 or age > DEVICE_DAYS * 86400:
        return None
    return nonce


def _details_column() -> sa.Column:
    return AuditEvent.__table__.c.details  # type: ignore[attr-defined,no-any-return]


def _failures(session: Session, *conditions: Any, since: datetime) -> list[datetime]:
    stmt = (
        sa.select(col(AuditEvent.created_at))
        .where(col(AuditEvent.action) == "login", col(AuditEvent.success).is_(False), *conditions)
        .where(col(AuditEvent.created_at) >= since)
        .order_by(col(AuditEvent.created_at).desc())
        .limit(_COUNT_CAP)
    )
    return list(session.connection().execute(stmt).scalars())


def _wait(failures: list[datetime], limit: int, *, now: datetime, window: int) -> int | None:
    """Seconds to wait after `failures` (newest first) against `limit`, or None."""
    if len(failures) < limit:
        return None
    over = len(failures) - limit
    delay = min(FIRST_DELAY_SECONDS * (2 ** min(over, 20)), window)
    ready = failures[0] + timedelta(seconds=delay)
    if ready <= now:
        return None
    return max(1, int((ready - now).total_seconds() + 0.999))


def wait_before_attempt(
    *,
    session: Session,
    key: str,
    ip: str,
    device: str | None,
    now: datetime,
    settings: Settings | None = None,
) -> Wait | None:
    """How long this attempt must wait (None: it may go ahead). `device` is the id of a valid device cookie
    for the account `key` names, if the browser sent one."""
    settings = settings or get_settings()
    window = settings.login_window_seconds
    since = now - timedelta(seconds=window)
    by_key = col(AuditEvent.subject_key) == key
    by_ip = col(AuditEvent.ip) == ip[:45] if ip else col(AuditEvent.ip).is_(None)
    if device is not None:
        checks = [
            (
                "device",
                [by_key, _details_column()["device"].as_string() == device],
                settings.login_max_failures_per_account,
            )
        ]
    else:
        checks = [
            ("account_ip", [by_key, by_ip], settings.login_max_failures_per_account),
            ("ip", [by_ip], settings.login_max_failures_per_ip),
            ("account", [by_key], settings.login_max_failures_per_account_any_ip),
        ]
    longest: Wait | None = None
    for scope, conditions, limit in checks:
        if scope == "ip" and not ip:
            continue
        seconds = _wait(_failures(session, *conditions, since=since), limit, now=now, window=window)
        if seconds is not None and (longest is None or seconds > longest.seconds):
            longest = Wait(seconds, scope)
    return longest
