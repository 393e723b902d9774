"""The API's documents (pydantic models: the OpenAPI schema and the validation of what clients send)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from introserv_app.domain.money import Money
from introserv_app.domain.validation import ID_MAX

Id = Field(ge=1, le=ID_MAX)


class Strict(BaseModel):
    """A request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class Amount(BaseModel):
    amount: str = Field(description='Decimal amount in the currency\'s units, e.g. "12.50" (never a float).')
    minor: int = Field(description="The amount in minor units, e.g. 1250.")
    currency: str = Field(description="ISO 4217 code.")

    @classmethod
    def of(cls, money: Money) -> Amount:
        return cls(amount=str(money.amount), minor=money.minor, currency=money.currency)


class Problem(BaseModel):
    """RFC 9457 problem details; `detail` is the panel's own message in the request's language."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, object]] | None = None


class OrderItem(BaseModel):
    id: int
    service_name: str
    tariff: str
    main_ip: str
    paid_until: date | None
    days_left: int | None
    status: str
    price: Amount
    comment: str
    created_at: datetime
    cancel_pending: bool


class OrderList(BaseModel):
    items: list[OrderItem]
    total: int
    page: int
    pages: int
    page_size: int
    warnings: list[str] = Field(description="Filters that were ignored or shortened, and why (as in the grid).")


class StatusChange(BaseModel):
    at: datetime
    event: str
    old_status: str | None
    new_status: str
    actor: str
    note: str


class OrderOne(OrderItem):
    product_type: str
    period_months: int
    cancel_reason: str
    cancelled_at: datetime | None
    renewal_prices: dict[str, Amount] = Field(description="Months -> net price of a renewal for that period.")
    renew_refusal: str | None
    history: list[StatusChange]


class RenewItem(Strict):
    order_id: int = Id
    months: Literal[1, 3, 6, 12]


class RenewRequest(Strict):
    items: list[RenewItem] = Field(min_length=1, max_length=1000)


class RenewalDone(BaseModel):
    invoice_id: int
    invoice_number: str
    paid: bool = Field(description="False when the balance did not cover it: the invoice waits for payment.")
    gross: Amount


class CancelRequest(Strict):
    mode: Literal["immediate", "period_end"]
    reason: str = Field(default="", max_length=2000)


class CommentRequest(Strict):
    comment: str = Field(max_length=1000)


class CommentDone(BaseModel):
    comment: str


class InvoiceItem(BaseModel):
    id: int
    number: str
    issued_at: datetime
    due_at: datetime | None
    status: str
    net: Amount
    vat: Amount
    gross: Amount
    vat_rate: str
    reverse_charge: bool


class InvoiceList(BaseModel):
    items: list[InvoiceItem]
    total: int
    page: int
    pages: int


class InvoiceLine(BaseModel):
    description: str
    period: str
    net: str


class InvoiceOne(BaseModel):
    id: int
    number: str
    status: str
    status_label: str
    issued: str
    due: str
    paid: str
    lines: list[InvoiceLine]
    net: str
    vat_rate: str
    vat: str
    gross: str
    total: Amount
    vat_note: str
    pdf: str


class Balance(BaseModel):
    balance: Amount


class LedgerItem(BaseModel):
    id: int
    kind: str
    amount: Amount
    invoice_id: int | None
    note: str
    created_at: datetime


class LedgerList(BaseModel):
    items: list[LedgerItem]
    page: int
    pages: int


class Tariff(BaseModel):
    id: int
    code: str
    name: str
    product_type: str
    prices: dict[str, Amount] = Field(description="Months -> net price in the account's currency.")


class NewOrderRequest(Strict):
    tariff_id: int = Id
    months: Literal[1, 3, 6, 12]


class NewOrderDone(BaseModel):
    order_id: int
    service_name: str
    invoice_id: int
    invoice_number: str


class TicketItem(BaseModel):
    id: int
    subject: str
    category: str
    status: str
    order_id: int | None
    order_name: str
    created_at: datetime
    updated_at: datetime
    messages: int


class TicketList(BaseModel):
    items: list[TicketItem]
    page: int
    pages: int


class TicketMessage(BaseModel):
    author: str
    is_staff: bool
    body: str
    created_at: datetime


class TicketThread(BaseModel):
    ticket: TicketItem
    messages: list[TicketMessage]


class NewTicketRequest(Strict):
    subject: str = Field(max_length=1000)
    category: str = Field(max_length=40)
    message: str = Field(max_length=20000)
    order_id: int | None = Field(default=None, ge=1, le=ID_MAX)


class TicketCreated(BaseModel):
    id: int


class ReplyRequest(Strict):
    message: str = Field(max_length=20000)


class Done(BaseModel):
    ok: bool = True


class Sensor(BaseModel):
    name: str
    kind: str
    value: float | None
    unit: str
    health: str
    thresholds: dict[str, float]


class PowerState(BaseModel):
    power: str = Field(description="on | off")


class Sensors(BaseModel):
    power: str
    sensors: list[Sensor]


class PowerRequest(Strict):
    action: Literal["power_on", "soft_off", "power_off", "reset", "power_cycle"]


class PowerDone(BaseModel):
    action: str
