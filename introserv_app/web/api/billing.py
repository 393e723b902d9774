"""Money: invoices (list, one, its PDF, pay from the balance), the balance and ledger, the tariff catalog and
ordering a service."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response

from introserv_app.domain.validation import DATE_MAX, ID_MAX
from introserv_app.services import billing

from ._core import Context, caller, idempotency_key, page_links
from ._schemas import (
    Amount,
    Balance,
    InvoiceItem,
    InvoiceLine,
    InvoiceList,
    InvoiceOne,
    LedgerItem,
    LedgerList,
    NewOrderDone,
    NewOrderRequest,
    RenewalDone,
    Tariff,
)

router = APIRouter(tags=["billing"])
InvoiceId = Annotated[int, Path(ge=1, le=ID_MAX)]
Page = Annotated[int, Query(ge=1, le=1_000_000)]


@router.get("/invoices", summary="List invoices (filter by status, order, number, issue dates)")
async def list_invoices(
    request: Request,
    response: Response,
    ctx: Annotated[Context, Depends(caller("read"))],
    status: Literal["unpaid", "paid", "cancelled"] | None = None,
    order_id: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None,
    number: Annotated[str, Query(max_length=11, description="A number or its beginning, e.g. 2026-0001.")] = "",
    issued_from: Annotated[date | None, Query(le=DATE_MAX)] = None,
    issued_to: Annotated[date | None, Query(le=DATE_MAX)] = None,
    page: Page = 1,
) -> InvoiceList:
    result = await ctx.run(
        lambda s: billing.invoices_page(
            session=s,
            viewer=ctx.viewer,
            status=status,
            order_id=order_id,
            number=billing.normalize_number(number),
            issued_from=issued_from,
            issued_to=issued_to,
            page=page,
        )
    )
    response.headers.update(page_links(request, result.page, result.pages))
    response.headers["X-Total-Count"] = str(result.total)
    return InvoiceList(
        items=[
            InvoiceItem(
                id=r.id,
                number=r.number,
                issued_at=r.issued_at,
                due_at=r.due_at,
                status=r.status,
                net=Amount.of(r.net),
                vat=Amount.of(r.vat),
                gross=Amount.of(r.gross),
                vat_rate=r.vat_rate,
                reverse_charge=r.reverse_charge,
            )
            for r in result.rows
        ],
        total=result.total,
        page=result.page,
        pages=result.pages,
    )


async def _document(ctx: Context, invoice_id: int) -> billing.InvoiceDocument:
    return await ctx.run(
        lambda s: billing.invoice_document(
            session=s, viewer=ctx.viewer, invoice_id=invoice_id, lang=ctx.lang, ip=ctx.ip
        )
    )


@router.get("/invoices/{invoice_id}", summary="One invoice (texts in the request's language)")
async def get_invoice(invoice_id: InvoiceId, ctx: Annotated[Context, Depends(caller("read"))]) -> InvoiceOne:
    d = await _document(ctx, invoice_id)
    return InvoiceOne(
        id=d.id, number=d.number, status=d.status, status_label=d.status_label, issued=d.issued, due=d.due,
        paid=d.paid, lines=[InvoiceLine(description=li.description, period=li.period, net=li.net) for li in d.lines],
        net=d.net, vat_rate=d.vat_rate, vat=d.vat, gross=d.gross, total=Amount.of(d.gross_money),
        vat_note=d.vat_note, pdf=f"/api/v1/invoices/{d.id}/pdf",
    )  # fmt: skip


@router.get(
    "/invoices/{invoice_id}/pdf",
    summary="The invoice as a PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}},
)
async def invoice_pdf(invoice_id: InvoiceId, ctx: Annotated[Context, Depends(caller("read"))]) -> Response:
    doc = await _document(ctx, invoice_id)
    headers = {"Content-Disposition": f'inline; filename="invoice-{doc.number}.pdf"', "Cache-Control": "no-store"}
    return Response(billing.render_invoice_pdf(doc), media_type="application/pdf", headers=headers)


@router.post("/invoices/{invoice_id}/pay", summary="Pay an invoice from the balance (idempotent)")
async def pay_invoice(
    invoice_id: InvoiceId,
    ctx: Annotated[Context, Depends(caller("billing"))],
    idempotency: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> RenewalDone:
    """Requires `Idempotency-Key`; paying a paid invoice again returns it as paid and charges nothing."""
    idempotency_key(ctx, idempotency)
    done = await ctx.run(lambda s: billing.pay_invoice(session=s, viewer=ctx.viewer, invoice_id=invoice_id, ip=ctx.ip))
    return RenewalDone(
        invoice_id=done.invoice_id, invoice_number=done.invoice_number, paid=done.paid, gross=Amount.of(done.gross)
    )


@router.get("/balance", summary="The account balance")
async def get_balance(ctx: Annotated[Context, Depends(caller("read"))]) -> Balance:
    money = await ctx.run(lambda s: billing.balance(session=s, user_id=ctx.viewer.user_id))
    return Balance(balance=Amount.of(money))


@router.get("/ledger", summary="Ledger entries, newest first (50 a page)")
async def ledger(
    request: Request, response: Response, ctx: Annotated[Context, Depends(caller("read"))], page: Page = 1
) -> LedgerList:
    lines, page, pages = await ctx.run(
        lambda s: billing.ledger_entries(session=s, user_id=ctx.viewer.user_id, page=page)
    )
    response.headers.update(page_links(request, page, pages))
    return LedgerList(
        items=[
            LedgerItem(
                id=li.id,
                kind=li.kind,
                amount=Amount.of(li.amount),
                invoice_id=li.invoice_id,
                note=li.note,
                created_at=li.created_at,
            )
            for li in lines
        ],
        page=page,
        pages=pages,
    )


@router.get("/catalog", summary="The tariffs that can be ordered, priced in the account's currency")
async def catalog(ctx: Annotated[Context, Depends(caller("read"))]) -> list[Tariff]:
    items = await ctx.run(lambda s: billing.catalog(session=s, viewer=ctx.viewer))
    return [
        Tariff(id=i.id, code=i.code, name=i.name, product_type=i.product_type,
               prices={str(m): Amount.of(p) for m, p in i.prices.items()})
        for i in items
    ]  # fmt: skip


@router.post("/orders", summary="Order a service from the catalog (idempotent)", status_code=201)
async def new_order(
    body: NewOrderRequest,
    ctx: Annotated[Context, Depends(caller("billing"))],
    idempotency: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> NewOrderDone:
    """A new "Not processed" order and its unpaid first invoice. Requires `Idempotency-Key`."""
    key = idempotency_key(ctx, idempotency)
    placed = await ctx.run(
        lambda s: billing.place_order(
            session=s, viewer=ctx.viewer, tariff_id=body.tariff_id, months=body.months, idem_key=key, ip=ctx.ip
        )
    )
    return NewOrderDone(
        order_id=placed.order_id,
        service_name=placed.service_name,
        invoice_id=placed.invoice_id,
        invoice_number=placed.invoice_number,
    )
