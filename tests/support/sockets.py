"""Reflex's event socket from Python, the way a browser tab (or an attacker's script) speaks it."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import socketio

HYDRATE = "reflex___state____state.hydrate_and_load"


def _hydrated(update: dict[str, Any]) -> bool:
    return update.get("delta", {}).get("reflex___state____state", {}).get("is_hydrated_rx_state_") is True


async def _open(
    server: str, token: str, *, origin: str | None, cookie: str, path: str, settle: float
) -> list[dict[str, Any]] | None:
    client = socketio.AsyncClient(reconnection=False)
    got: list[dict[str, Any]] = []
    done = asyncio.Event()

    async def on_event(data: dict[str, Any]) -> None:
        got.append(data)
        if _hydrated(data):
            done.set()

    client.on("event", on_event, namespace="/_event")
    headers = {}
    if origin is not None:
        headers["Origin"] = origin
    if cookie:
        headers["Cookie"] = cookie
    event = {"name": HYDRATE, "payload": {}, "router_data": {"pathname": path, "asPath": path}}
    try:
        await client.connect(
            f"{server}?token={token}",
            socketio_path="/_event",
            namespaces=["/_event"],
            transports=["websocket"],
            headers=headers,
            auth={"event": event},
            wait_timeout=10,
        )
    except socketio.exceptions.ConnectionError:
        return None
    try:
        deadline = time.monotonic() + 15
        while not done.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        await asyncio.sleep(settle)  # the page's on_load handlers answer after the hydrate
    finally:
        await client.disconnect()
    return got


def open_socket(
    server: str,
    token: str,
    *,
    origin: str | None,
    cookie: str = "",
    path: str = "/login",
    settle: float = 2.0,
) -> list[dict[str, Any]] | None:
    """Connect with tab token `token`, send the page load's hydrate for `path` and return every update the
    server sent (None when the connection was refused). Runs on a thread: Playwright owns this one's loop."""
    result: list[list[dict[str, Any]] | None] = []
    worker = threading.Thread(
        target=lambda: result.append(
            asyncio.run(_open(server, token, origin=origin, cookie=cookie, path=path, settle=settle))
        )
    )
    worker.start()
    worker.join(60)
    assert result, "the socket client did not finish"
    return result[0]


def as_text(updates: list[Any]) -> str:
    """Everything received, as one string to search (JSON with non-ASCII kept as is)."""
    return "\n".join(u if isinstance(u, str) else json.dumps(u, ensure_ascii=False) for u in updates)
