"""/tickets: list, open (optionally about an order), read a thread, reply, close."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from introserv_app.domain.validation import ID_MAX
from introserv_app.services import messaging
from introserv_app.services.messaging import TicketRow

from ._core import Context, caller, page_links
from ._schemas import Done, NewTicketRequest, ReplyRequest, TicketCreated, TicketItem, TicketList, TicketMessage
from ._schemas import TicketThread as Thread

router = APIRouter(prefix="/tickets", tags=["tickets"])
TicketId = Annotated[int, Path(ge=1, le=ID_MAX)]


def _item(r: TicketRow) -> TicketItem:
    return TicketItem(
        id=r.id,
        subject=r.subject,
        category=r.category,
        status=r.status,
        order_id=r.order_id,
        order_name=r.order_name,
        created_at=r.created_at,
        updated_at=r.updated_at,
        messages=r.messages,
    )


@router.get("", summary="List tickets, most recently updated first")
async def list_tickets(
    request: Request,
    response: Response,
    ctx: Annotated[Context, Depends(caller("tickets", also="read"))],
    order_id: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> TicketList:
    rows, page, pages = await ctx.run(
        lambda s: messaging.tickets_page(session=s, viewer=ctx.viewer, order_id=order_id, page=page)
    )
    response.headers.update(page_links(request, page, pages))
    return TicketList(items=[_item(r) for r in rows], page=page, pages=pages)


@router.post("", summary="Open a ticket", status_code=201)
async def open_ticket(body: NewTicketRequest, ctx: Annotated[Context, Depends(caller("tickets"))]) -> TicketCreated:
    """`category`: billing, technical, abuse or complaint (as on the Support page)."""
    ticket_id = await ctx.run(
        lambda s: messaging.create_ticket(
            session=s, viewer=ctx.viewer, subject=body.subject, category=body.category, message=body.message,
            order_id=body.order_id, ip=ctx.ip,
        )
    )  # fmt: skip
    return TicketCreated(id=ticket_id)


@router.get("/{ticket_id}", summary="A ticket's thread")
async def thread(ticket_id: TicketId, ctx: Annotated[Context, Depends(caller("tickets", also="read"))]) -> Thread:
    t = await ctx.run(lambda s: messaging.ticket_thread(session=s, viewer=ctx.viewer, ticket_id=ticket_id))
    return Thread(
        ticket=_item(t.ticket),
        messages=[TicketMessage(author=m.author, is_staff=m.is_staff, body=m.body, created_at=m.created_at)
                  for m in t.messages],
    )  # fmt: skip


@router.post("/{ticket_id}/replies", summary="Reply to a ticket")
async def reply(ticket_id: TicketId, body: ReplyRequest, ctx: Annotated[Context, Depends(caller("tickets"))]) -> Done:
    await ctx.run(lambda s: messaging.reply(session=s, viewer=ctx.viewer, ticket_id=ticket_id, message=body.message,
                                      ip=ctx.ip))  # fmt: skip
    return Done()


@router.post("/{ticket_id}/close", summary="Close a ticket")
async def close(ticket_id: TicketId, ctx: Annotated[Context, Depends(caller("tickets"))]) -> Done:
    await ctx.run(lambda s: messaging.close_ticket(session=s, viewer=ctx.viewer, ticket_id=ticket_id, ip=ctx.ip))
    return Done()
