"""/orders: the grid's list (every filter, search, sort and page, through the grid's own service), one order with
its status history, renewals (idempotent), cancellation and its withdrawal, comments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response

from introserv_app.db.types import utcnow
from introserv_app.domain.grid import PAGE_SIZES, SORT_KEYS, parse_grid_query
from introserv_app.domain.periods import days_left
from introserv_app.domain.validation import ID_MAX
from introserv_app.services import billing, orders
from introserv_app.services.orders import OrderRow

from ._core import Context, caller, idempotency_key, msg, page_links
from ._schemas import (
    Amount,
    CancelRequest,
    CommentDone,
    CommentRequest,
    Done,
    OrderItem,
    OrderList,
    OrderOne,
    RenewalDone,
    RenewRequest,
    StatusChange,
)

router = APIRouter(prefix="/orders", tags=["orders"])
OrderId = Annotated[int, Path(ge=1, le=ID_MAX)]
Text = Annotated[str | None, Query(max_length=4000)]


def _item(row: OrderRow) -> OrderItem:
    return OrderItem(
        id=row.id,
        service_name=row.service_name,
        tariff=row.tariff,
        main_ip=row.main_ip,
        paid_until=row.paid_until,
        days_left=row.days_left,
        status=row.status.value,
        price=Amount.of(row.price),
        comment=row.comment,
        created_at=row.created_at,
        cancel_pending=row.cancel_pending,
    )


@router.get("", summary="List orders (the grid: filters, search, sort, pages)")
async def list_orders(
    request: Request,
    response: Response,
    ctx: Annotated[Context, Depends(caller("read"))],
    q: Text = None,
    name: Text = None,
    status: Annotated[str | None, Query(max_length=4000, description="Comma-separated statuses.")] = None,
    created_from: Text = None,
    created_to: Text = None,
    paid_from: Text = None,
    paid_to: Text = None,
    comment: Text = None,
    ids: Text = None,
    sort: Annotated[str | None, Query(max_length=40, description=", ".join(SORT_KEYS))] = None,
    dir: Annotated[str | None, Query(max_length=4, description="asc | desc")] = None,
    page: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    size: Annotated[int | None, Query(description=" | ".join(map(str, PAGE_SIZES)), ge=1, le=100)] = None,
) -> OrderList:
    """The same query parameters as the Orders page's address; values the grid would ignore are ignored with a
    warning. `Link` headers name the first, previous, next and last pages."""
    params = {k: v for k, v in request.query_params.items() if k != "customer"}
    query, warnings = parse_grid_query(params)
    result = await ctx.run(lambda s: orders.orders_page(session=s, viewer=ctx.viewer, query=query, exact=True))
    response.headers.update(page_links(request, result.page, result.pages))
    response.headers["X-Total-Count"] = str(result.total)
    return OrderList(
        items=[_item(r) for r in result.rows],
        total=result.total,
        page=result.page,
        pages=result.pages,
        page_size=result.page_size,
        warnings=[msg(ctx.lang, w) for w in warnings],
    )


@router.get("/{order_id}", summary="One order with its status history")
async def get_order(order_id: OrderId, ctx: Annotated[Context, Depends(caller("read"))]) -> OrderOne:
    d = await ctx.run(lambda s: orders.order_detail(session=s, viewer=ctx.viewer, order_id=order_id, ip=ctx.ip))
    return OrderOne(
        id=d.id,
        service_name=d.service_name,
        tariff=d.tariff,
        main_ip=d.main_ip,
        paid_until=d.paid_until,
        days_left=None if d.paid_until is None else days_left(d.paid_until, utcnow().date()),
        status=d.status.value,
        price=Amount.of(d.price),
        comment=d.comment,
        created_at=d.created_at,
        cancel_pending=d.cancel_pending,
        product_type=d.product_type,
        period_months=d.period_months,
        cancel_reason=d.cancel_reason,
        cancelled_at=d.cancelled_at,
        renewal_prices={str(m): Amount.of(p) for m, p in d.prices.items()},
        renew_refusal=msg(ctx.lang, d.renew_refusal) if d.renew_refusal else None,
        history=[
            StatusChange(
                at=t.at, event=t.event, old_status=t.old_status, new_status=t.new_status, actor=t.actor, note=t.note
            )
            for t in d.timeline
        ],
    )


@router.post("/renew", summary="Renew one or several orders (one invoice; idempotent)")
async def renew(
    body: RenewRequest,
    ctx: Annotated[Context, Depends(caller("billing"))],
    idempotency: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> RenewalDone:
    """One invoice for every order and period named, paid from the balance when it covers all of it. The
    `Idempotency-Key` header is required: a repeat with the same key returns the first answer and renews nothing
    again, also when sent many times at once."""
    key = idempotency_key(ctx, idempotency)
    items = [(i.order_id, i.months) for i in body.items]
    done = await ctx.run(lambda s: billing.renew(session=s, viewer=ctx.viewer, items=items, idem_key=key, ip=ctx.ip))
    return RenewalDone(
        invoice_id=done.invoice_id, invoice_number=done.invoice_number, paid=done.paid, gross=Amount.of(done.gross)
    )


@router.post("/{order_id}/cancel", summary="Cancel now or at the end of the paid period")
async def cancel(order_id: OrderId, body: CancelRequest, ctx: Annotated[Context, Depends(caller("billing"))]) -> Done:
    await ctx.run(
        lambda s: orders.cancel_order(
            session=s, viewer=ctx.viewer, order_id=order_id, mode=body.mode, reason=body.reason, ip=ctx.ip
        )
    )
    return Done()


@router.post("/{order_id}/cancel/withdraw", summary="Withdraw a cancellation scheduled for the period's end")
async def withdraw(order_id: OrderId, ctx: Annotated[Context, Depends(caller("billing"))]) -> Done:
    await ctx.run(lambda s: orders.withdraw_cancellation(session=s, viewer=ctx.viewer, order_id=order_id, ip=ctx.ip))
    return Done()


@router.put("/{order_id}/comment", summary="Set the order's comment")
async def comment(
    order_id: OrderId, body: CommentRequest, ctx: Annotated[Context, Depends(caller("billing"))]
) -> CommentDone:
    saved = await ctx.run(
        lambda s: orders.set_comment(session=s, viewer=ctx.viewer, order_id=order_id, comment=body.comment)
    )
    return CommentDone(comment=saved)
