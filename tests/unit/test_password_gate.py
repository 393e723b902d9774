"""A sign-in's password check runs on a worker thread, a bounded number at once: the worker's event loop keeps
serving other tabs meanwhile, and a sign-in that cannot get its turn is told the panel is busy."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from introserv_app.state import context
from introserv_app.state.context import MSG_BUSY, Ctx, Refused


def test_password_checks_leave_the_event_loop_free_and_refuse_when_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context, "PASSWORD_WAIT", 0.3)
    ctx = Ctx(state=None, lang="en")  # type: ignore[arg-type]

    def slow_check() -> str:
        time.sleep(0.8)  # an argon2 verification holds its thread, not the loop
        return "signed in"

    async def scenario() -> tuple[object, object, object, int, float]:
        ticks = 0

        async def other_tabs() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        served = asyncio.create_task(other_tabs())
        first = asyncio.create_task(ctx.password_work(slow_check))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        second = await ctx.password_work(lambda: "must not run")  # the one check at a time is taken
        waited = time.monotonic() - started
        result = await first
        third = await ctx.password_work(lambda: "next one")
        served.cancel()
        return result, second, third, ticks, waited

    # a loop of its own on a thread of its own: the browser tests' Playwright may leave a loop running on this one
    with ThreadPoolExecutor(1) as pool:
        result, second, third, ticks, waited = pool.submit(asyncio.run, scenario()).result()
    assert result == "signed in" and third == "next one"
    assert second == Refused(ctx.text(MSG_BUSY)) and 0.25 < waited < 0.7
    assert ticks > 30  # the loop kept answering every 10 ms while the check ran (0.8 s)


def test_russian_busy_message() -> None:
    assert Ctx(state=None, lang="ru").text(MSG_BUSY) != MSG_BUSY  # type: ignore[arg-type]


def test_a_verdict_applies_to_exactly_the_checked_hash_and_password() -> None:
    from introserv_app.services.accounts import PasswordCheck, hash_password, run_check, verdict
    from introserv_app.services.accounts._passwords import verify_password

    stored = hash_password("right one")
    check = PasswordCheck(stored, "right one")
    assert run_check(check) and not run_check(PasswordCheck(stored, "wrong"))
    with verdict(check, False):  # the verdict given is what the sign-in uses for this pair...
        assert verify_password(stored, "right one") is False
        # ...and nothing else: another password, or another hash, is verified for real
        assert verify_password(stored, "wrong") is False and verify_password(hash_password("x"), "x") is True
    assert verify_password(stored, "right one") is True  # outside the block, verified again
