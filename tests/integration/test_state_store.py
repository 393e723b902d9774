"""The scale-out mode's Redis keeps the keyspace notifications Reflex's state handover needs."""

from __future__ import annotations

import os

from redis.asyncio import Redis
from reflex.istate.manager.redis import NOTIFY_KEYSPACE_EVENTS

from introserv_app.web.state_store import ensure_keyspace_notifications
from tests.support.concurrency import run_coroutine

REDIS_URL = os.environ.get("INTROSERV_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def test_forgotten_keyspace_notifications_are_switched_on_again() -> None:
    async def run() -> None:
        redis = Redis.from_url(REDIS_URL)
        before = (await redis.config_get("notify-keyspace-events"))["notify-keyspace-events"]
        try:
            await redis.config_set("notify-keyspace-events", "")  # what a restarted Redis has
            assert await ensure_keyspace_notifications(redis) is True
            now = (await redis.config_get("notify-keyspace-events"))["notify-keyspace-events"]
            assert set(NOTIFY_KEYSPACE_EVENTS) <= set(now.decode() if isinstance(now, bytes) else now)
            assert await ensure_keyspace_notifications(redis) is False  # nothing to do the second time
        finally:
            await redis.config_set("notify-keyspace-events", before)
            await redis.aclose()

    run_coroutine(run())
