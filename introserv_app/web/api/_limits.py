"""Request limits of the API: per key and per client address, a fixed one-minute window. In production mode
(`INTROSERV_REDIS_URL` set) the counters live in Redis, shared by every worker; on the embedded default in this
process's memory."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import redis
from redis.exceptions import RedisError

log = logging.getLogger("introserv")

WINDOW = 60


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int


class MemoryLimiter:
    """Counters per (name, window) in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, int], int] = {}

    def hit(self, name: str, limit: int, now: float | None = None) -> Verdict:
        now = time.time() if now is None else now
        window = int(now // WINDOW)
        with self._lock:
            if len(self._counts) > 100_000:  # drop past windows
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
            count = self._counts.get((name, window), 0) + 1
            self._counts[(name, window)] = count
        return Verdict(count <= limit, _retry_after(now))

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


class RedisLimiter:
    """Counters per (name, window) in Redis: INCR and EXPIRE in one round trip. When Redis does not answer, the
    request is let through (logged): the limits protect the panel, they must not take the API down with Redis."""

    def __init__(self, url: str, namespace: str = "introserv:api") -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._namespace = namespace

    def hit(self, name: str, limit: int, now: float | None = None) -> Verdict:
        now = time.time() if now is None else now
        key = f"{self._namespace}:{name}:{int(now // WINDOW)}"
        try:
            pipe = self._redis.pipeline()
            pipe.incr(key)
            pipe.expire(key, WINDOW + 5)
            count = int(pipe.execute()[0])
        except RedisError as exc:
            log.warning("API rate limit not checked, Redis does not answer: %s", type(exc).__name__)
            return Verdict(True, 0)
        return Verdict(count <= limit, _retry_after(now))


def _retry_after(now: float) -> int:
    return max(1, WINDOW - int(now % WINDOW))


Limiter = MemoryLimiter | RedisLimiter


def limiter_for(redis_url: str | None) -> Limiter:
    return RedisLimiter(redis_url) if redis_url else MemoryLimiter()
