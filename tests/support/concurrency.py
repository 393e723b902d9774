"""Threads started at the same instant (double submits, races), and coroutines on a loop of their own."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

ATTEMPTS = 24


def run_concurrently(n: int, attempt: Callable[[int], object]) -> list[object]:
    """Start `n` threads at the same instant; each result is a value or the exception raised."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = attempt(i)
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def run_coroutine(coroutine: Any) -> Any:
    """Run a coroutine on a loop of its own thread (the browser tests' Playwright keeps an event loop
    running in this one when the whole suite runs)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
