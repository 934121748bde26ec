"""Reading orders: a customer's history, a producer's open orders, saved delivery details."""

from __future__ import annotations

from sqlalchemy import select

from catalog import rules
from catalog.models import Order, PaymentMethod, Producer, User
from catalog.services.orders.placing import existing_checkout
from catalog.services.orders.status import customer_order, order_for_staff
from catalog.services.orders.views import (
    DeliveryDetails,
    OrderPage,
    OrderView,
    PlacedCheckout,
    details_of,
    order_page,
    order_view,
)
from catalog.uow import UnitOfWork

ORDERS_PAGE_SIZE = 5
GROUP_PAGE_SIZE = 8
# Orders that may still move: staff see them as open.
OPEN_STATUSES = tuple(status for status, steps in rules.ORDER_STEPS.items() if steps)


async def find_checkout(uow: UnitOfWork, *, user_id: int, key: str) -> PlacedCheckout | None:
    """The orders a confirmation key already placed, if it did."""
    async with uow.reading():
        return await uow.session.run_sync(lambda session: existing_checkout(session, user_id, key))


async def list_orders(uow: UnitOfWork, *, user_id: int, page: int = 0) -> OrderPage:
    """The customer's orders, newest first, a page at a time."""
    async with uow.reading():
        return await order_page(
            uow,
            [Order.user_id == user_id],
            [Order.created_at.desc(), Order.id.desc()],
            page=page,
            page_size=ORDERS_PAGE_SIZE,
        )


async def get_order(uow: UnitOfWork, *, user_id: int, order_id: int) -> OrderView:
    """One of the customer's own orders; anyone else's is refused."""
    async with uow.reading():
        return order_view(await customer_order(uow, user_id, order_id))


async def get_order_for_staff(
    uow: UnitOfWork,
    *,
    order_id: int,
    chat_id: int | None,
    is_admin: bool,
    producer_id: int | None = None,
) -> OrderView:
    async with uow.reading():
        return order_view(await order_for_staff(uow, order_id, chat_id, is_admin, producer_id))


async def open_orders_for_producer(
    uow: UnitOfWork, *, producer_id: int, page: int = 0, page_size: int = GROUP_PAGE_SIZE
) -> OrderPage:
    """The producer's orders that still need doing, oldest first."""
    async with uow.reading():
        return await order_page(
            uow,
            [Order.producer_id == producer_id, Order.status.in_(OPEN_STATUSES)],
            [Order.id],
            page=page,
            page_size=page_size,
        )


async def saved_details(uow: UnitOfWork, *, user_id: int) -> DeliveryDetails | None:
    """The recipient, phone and address the customer used last time, if complete."""
    async with uow.reading():
        user = await uow.session.get(User, user_id)
        if user is None or not all(
            (
                user.recipient_name,
                user.phone,
                user.address_province,
                user.address_ward,
                user.address_street,
            )
        ):
            return None
        return details_of(user)


async def last_payment_method(uow: UnitOfWork, *, user_id: int) -> PaymentMethod | None:
    """How the customer paid their latest order, if they ordered before."""
    async with uow.reading():
        return await uow.session.scalar(
            select(Order.payment_method)
            .where(Order.user_id == user_id)
            .order_by(Order.id.desc())
            .limit(1)
        )


async def producer_bank_details(uow: UnitOfWork, producer_ids: list[int]) -> dict[int, bool]:
    """Which producers can take a bank transfer (they have a BIN and an account)."""
    async with uow.reading():
        rows = await uow.session.execute(
            select(Producer.id, Producer.bank_bin, Producer.bank_account).where(
                Producer.id.in_(producer_ids)
            )
        )
        return {pid: bool(bin_ and account) for pid, bin_, account in rows}
