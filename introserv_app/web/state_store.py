"""Reflex's Redis state store in the scale-out mode: keep the keyspace notifications it relies on.

With several workers each worker keeps the state of the tabs it serves for a few seconds (Reflex's
opportunistic lock, `REFLEX_OPLOCK_ENABLED`, set by `serve-prod`) and hands it over when an event of the
same tab arrives at another worker. The handover is announced through Redis keyspace notifications, which
Reflex switches on once per worker with CONFIG SET. A Redis restart (or a failover to a replica) forgets
that setting, and every handover would then wait for the lock to expire (up to 10 s). This check puts it
back; a redis.conf that sets `notify-keyspace-events` (see docs/deploy.md) makes it a no-op.
"""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError
from reflex.istate.manager.redis import NOTIFY_KEYSPACE_EVENTS

log = logging.getLogger("introserv.state_store")

CHECK_EVERY_S = 5.0


async def ensure_keyspace_notifications(redis: Redis) -> bool:
    """Switch on the notification classes Reflex needs, keeping any others; True when they were missing."""
    raw = (await redis.config_get("notify-keyspace-events")).get("notify-keyspace-events", "")
    current = raw.decode() if isinstance(raw, bytes) else str(raw)
    missing = [flag for flag in NOTIFY_KEYSPACE_EVENTS if flag not in current]
    if not missing:
        return False
    await redis.config_set("notify-keyspace-events", current + "".join(missing))
    return True


async def keep_keyspace_notifications(url: str) -> None:
    """Check every CHECK_EVERY_S seconds (one CONFIG GET); errors while Redis is down are expected."""
    redis = Redis.from_url(url)
    try:
        while True:
            try:
                if await ensure_keyspace_notifications(redis):
                    log.warning("Redis had forgotten its keyspace notifications (restarted?): switched them on again")
            except (RedisError, OSError):
                pass  # Redis is away; the state manager reports that to the customers
            await asyncio.sleep(CHECK_EVERY_S)
    finally:
        await redis.aclose()
