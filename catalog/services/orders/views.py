"""What services return about orders: frozen views, built from the rows in one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import selectinload

from catalog import rules
from catalog.models import Order, OrderLine, OrderStatus, PaymentMethod, PaymentStatus, User
from catalog.paging import clamp_page, page_count
from catalog.services.cart import CartLineView
from catalog.text import Measured, Named
from catalog.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class DeliveryDetails:
    recipient_name: str
    phone: str
    province: str
    ward: str
    street: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class OrderLineView(Named, Measured):
    sku: str
    name_vi: str
    name_en: str
    unit_vi: str
    unit_en: str
    unit_price: int
    quantity: int

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class OrderView:
    id: int
    number: str
    checkout_id: int
    user_id: int
    producer_id: int
    producer_name_vi: str
    producer_name_en: str
    status: OrderStatus
    payment_method: PaymentMethod
    details: DeliveryDetails
    total: int
    created_at: datetime
    lines: tuple[OrderLineView, ...]
    bank_bin: str | None
    bank_account: str | None
    bank_account_name: str | None
    locale: str = "vi"
    # Where the customer ordered (catalog.models.Order.channel).
    channel: str = "telegram"
    producer_code: str = ""
    payment_status: PaymentStatus = PaymentStatus.awaiting
    amount_paid: int = 0
    amount_refunded: int = 0
    # A bank-transfer order unpaid by then is cancelled.
    payment_due_at: datetime | None = None

    @property
    def amount_missing(self) -> int:
        return rules.amount_missing(self.total, self.amount_paid)

    @property
    def amount_owed_back(self) -> int:
        return rules.amount_owed_back(
            self.status, self.total, self.amount_paid, self.amount_refunded
        )

    def producer_name(self, language: str) -> str:
        return self.producer_name_en if language == "en" else self.producer_name_vi

    @property
    def customer_may_cancel(self) -> bool:
        return rules.customer_may_cancel(self.status)


@dataclass(frozen=True, slots=True)
class PlacedCheckout:
    checkout_id: int
    orders: tuple[OrderView, ...]
    # False when this key had already placed these orders (a double tap, a redelivery).
    created: bool

    @property
    def total(self) -> int:
        return sum(order.total for order in self.orders)


@dataclass(frozen=True, slots=True)
class OrderPage:
    orders: tuple[OrderView, ...]
    page: int
    pages: int


def order_view(order: Order) -> OrderView:
    return OrderView(
        id=order.id,
        number=order.number,
        checkout_id=order.checkout_id,
        user_id=order.user_id,
        producer_id=order.producer_id,
        producer_name_vi=order.producer.name_vi,
        producer_name_en=order.producer.name_en,
        status=order.status,
        payment_method=order.payment_method,
        details=details_of(order, order.note),
        total=order.total,
        created_at=order.created_at,
        lines=tuple(line_view(line, line.unit_price) for line in order.lines),
        bank_bin=order.producer.bank_bin,
        bank_account=order.producer.bank_account,
        bank_account_name=order.producer.bank_account_name,
        locale=order.locale,
        channel=order.channel,
        producer_code=order.producer.code,
        payment_status=order.payment_status,
        amount_paid=order.amount_paid,
        amount_refunded=order.amount_refunded,
        payment_due_at=order.payment_due_at,
    )


def details_of(row: Order | User, note: str = "") -> DeliveryDetails:
    """The delivery details an order keeps (or a customer's, kept from last time)."""
    return DeliveryDetails(
        row.recipient_name or "", row.phone or "", row.address_province or "",
        row.address_ward or "", row.address_street or "", note,
    )  # fmt: skip


def details_columns(details: DeliveryDetails) -> dict[str, str]:
    """``details`` as the columns orders and users keep them in (only orders keep a note)."""
    return {
        "recipient_name": details.recipient_name, "phone": details.phone,
        "address_province": details.province, "address_ward": details.ward,
        "address_street": details.street,
    }  # fmt: skip


def line_view(line: OrderLine | CartLineView, unit_price: int) -> OrderLineView:
    """An order line as ordered: the product's names and unit then, at ``unit_price``."""
    return OrderLineView(
        line.sku, line.name_vi, line.name_en, line.unit_vi, line.unit_en, unit_price, line.quantity
    )


# What an OrderView needs, loaded with the orders in two extra queries, not one per order.
EVERYTHING = (selectinload(Order.lines), selectinload(Order.producer))


async def order_page(
    uow: UnitOfWork,
    where: Sequence[ColumnElement[bool]],
    order_by: Sequence[Any],
    *,
    page: int,
    page_size: int,
) -> OrderPage:
    """One page of the orders ``where`` selects (a page out of range shows the nearest one);
    in the caller's reading transaction."""
    count = await uow.session.scalar(select(func.count()).select_from(Order).where(*where))
    pages = page_count(count or 0, page_size)
    page = clamp_page(page, pages)
    orders = await uow.session.scalars(
        select(Order)
        .where(*where)
        .options(*EVERYTHING)
        .order_by(*order_by)
        .offset(page * page_size)
        .limit(page_size)
    )
    return OrderPage(tuple(order_view(order) for order in orders), page, pages)


async def load_order(uow: UnitOfWork, order_id: int) -> Order | None:
    """The order with all its view needs, in the caller's transaction."""
    return await uow.session.scalar(select(Order).where(Order.id == order_id).options(*EVERYTHING))
