"""The serial console of a server, as a websocket: `/servers/<order_id>/console[?take_over=1]`.

The handshake must come from the panel's own origin (a cookie-authenticated socket is otherwise open to any
site) and carry a valid session (IP restrictions included); the order must be the viewer's own (or any, for
staff) and manageable. The connection then holds the console (`servers.claim_console`: one holder at a time;
a second viewer is told who holds it, staff can take it over). Binary frames carry the terminal's bytes both
ways; text frames carry JSON notices from the panel: {"type": "ready" | "error" | "taken", "message": ...}.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from starlette.websockets import WebSocket, WebSocketDisconnect

from introserv_app.config import get_settings
from introserv_app.db.session import session_scope
from introserv_app.domain.addresses import client_address
from introserv_app.domain.servers import MSG_NO_CONTROLLER
from introserv_app.domain.text import N_
from introserv_app.i18n import gettext, normalize_language, translate_error
from introserv_app.services import servers
from introserv_app.services.accounts import (
    MSG_STAFF_2FA_FIRST,
    resolve_session,
    staff_lacks_second_factor,
    token_from_cookie_header,
)
from introserv_app.services.common.errors import ServiceError
from introserv_app.services.servers import ControllerError

log = logging.getLogger("introserv")

MSG_READY = N_("Connected to the serial console. What you type goes to the server.")
MSG_ENDED = N_("The server's management controller ended the console session.")
MSG_NOT_SIGNED_IN = N_("Your session has ended: sign in again to use the console.")
#: How often the connection renews its hold on the console (well inside servers.CONSOLE_STALE).
RENEW_SECONDS = 10
#: The most a client may type in one frame.
MAX_INPUT = 4096


async def _notice(ws: WebSocket, kind: str, message: str) -> None:
    with contextlib.suppress(Exception):
        await ws.send_text(json.dumps({"type": kind, "message": message}, ensure_ascii=False))


async def console_socket(ws: WebSocket) -> None:
    origin = ws.headers.get("origin", "").rstrip("/")
    if origin != get_settings().base_url:
        log.warning("console socket refused: origin %r", origin[:100])
        await ws.close(code=1008)
        return
    peer = ws.client.host if ws.client else ""
    ip = client_address(peer, ws.headers.get("x-forwarded-for", ""), get_settings().trusted_proxy_hops)
    lang = normalize_language(ws.cookies.get("introserv_lang", ""))
    order_id = ws.path_params.get("order_id")
    take_over = ws.query_params.get("take_over") == "1"
    await ws.accept()
    with session_scope() as session:
        token = token_from_cookie_header(ws.headers.get("cookie", ""))
        viewer = resolve_session(session=session, token=token, ip=ip)
        lacks = viewer is not None and staff_lacks_second_factor(
            session, is_staff=viewer.is_staff, user_id=viewer.user_id
        )
    if viewer is None or lacks:
        await _notice(ws, "error", gettext(lang, MSG_STAFF_2FA_FIRST if lacks else MSG_NOT_SIGNED_IN))
        await ws.close(code=4401)
        return
    lang = normalize_language(viewer.language)
    try:
        with session_scope() as session:
            grant = servers.claim_console(session=session, viewer=viewer, order_id=order_id, ip=ip, take_over=take_over)
    except ServiceError as exc:
        await _notice(ws, "error", translate_error(lang, exc.message, exc.values))
        await ws.close(code=4403)
        return
    await _bridge(ws, grant, lang, token=token, ip=ip)


async def _bridge(ws: WebSocket, grant: servers.ConsoleGrant, lang: str, *, token: str | None, ip: str) -> None:
    loop = asyncio.get_running_loop()
    output: asyncio.Queue[bytes] = asyncio.Queue(maxsize=1000)

    def enqueue(data: bytes) -> None:
        if not data:  # the end: make room for it
            while output.full():
                output.get_nowait()
        if not output.full():  # a client that does not read loses output, not the panel's memory
            output.put_nowait(data)

    def from_server(data: bytes) -> None:  # on pyghmi's thread
        loop.call_soon_threadsafe(enqueue, data)

    try:
        sol = await asyncio.to_thread(servers.driver_for(grant.target).console, from_server)
    except ControllerError as exc:
        await _notice(ws, "error", translate_error(lang, exc.message, exc.values))
        await _release(grant)
        await ws.close(code=4502)
        return
    await _notice(ws, "ready", gettext(lang, MSG_READY))

    def renew() -> str | None:
        with session_scope() as session:
            return servers.renew_console(session=session, order_id=grant.order_id, key=grant.key)

    async def to_client() -> None:
        while True:
            data = await output.get()
            if not data:  # the controller ended the session: because somebody took the console over?
                taken_by = await asyncio.to_thread(renew)
                if taken_by is not None:
                    await _notice(ws, "taken", translate_error(lang, servers.MSG_CONSOLE_LOST, {"name": taken_by}))
                else:
                    await _notice(ws, "error", gettext(lang, MSG_ENDED))
                return
            await ws.send_bytes(data)

    async def from_client() -> None:
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            data = message.get("bytes") or (message.get("text") or "").encode()
            if data:
                await asyncio.to_thread(sol.send, data[:MAX_INPUT])

    async def keep_hold() -> None:
        """Every RENEW_SECONDS: the sign-in still holds (not signed out, not expired, the address still allowed),
        the server may still be managed (not suspended or cancelled meanwhile) and nobody took the console over."""
        while True:
            await asyncio.sleep(RENEW_SECONDS)
            with session_scope() as session:
                viewer = resolve_session(session=session, token=token, ip=ip)
                panel = (
                    servers.server_panel(session=session, viewer=viewer, order_id=grant.order_id, ip=ip)
                    if viewer is not None
                    else None
                )
                taken_by = servers.renew_console(session=session, order_id=grant.order_id, key=grant.key)
            if panel is None or panel.refusal or not panel.assigned:
                reason = MSG_NOT_SIGNED_IN if panel is None else (panel.refusal or MSG_NO_CONTROLLER)
                await _notice(ws, "error", gettext(lang, reason))
                return
            if taken_by is not None:
                await _notice(ws, "taken", translate_error(lang, servers.MSG_CONSOLE_LOST, {"name": taken_by}))
                return

    tasks = [asyncio.create_task(job()) for job in (to_client, from_client, keep_hold)]

    async def cleanup() -> None:
        for task in tasks:
            task.cancel()
        await _release(grant)
        await asyncio.to_thread(sol.close)
        with contextlib.suppress(Exception):
            await ws.close()

    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    except WebSocketDisconnect:
        pass
    finally:
        # shielded: a server cancelling this connection (shutdown, a dropped client) still frees the console
        await asyncio.shield(cleanup())


async def _release(grant: servers.ConsoleGrant) -> None:
    def release() -> None:
        with session_scope() as session:
            servers.release_console(session=session, order_id=grant.order_id, key=grant.key)

    await asyncio.to_thread(release)
