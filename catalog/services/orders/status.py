"""Moving an order along: who may, where it may go from where it is, and who is told."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import select, update

from catalog import logcontext, outbox, rules
from catalog.errors import InvalidTransition, NotAllowed, OrderNotFound, PaymentMissing
from catalog.events import ShopEvent
from catalog.models import Order, OrderStatus, OrderStatusChange, PaymentMethod, utcnow
from catalog.outbox import OutboxKind
from catalog.services.orders.stock import return_stock
from catalog.services.orders.views import OrderView, load_order, order_view
from catalog.services.payments.ledger import Reason, count_paid, credit
from catalog.uow import UnitOfWork

# The history's reason for a transfer order shipped before it was paid.
SHIPPED_UNPAID = "shipped_unpaid"
# The reason recorded when the customer takes an order back.
CUSTOMER_CANCELLED = "customer"


class CancelReason(StrEnum):
    """The short list a producer picks from when cancelling."""

    out_of_stock = "out_of_stock"
    cannot_deliver = "cannot_deliver"
    customer_unreachable = "customer_unreachable"
    customer_asked = "customer_asked"
    other = "other"


async def customer_order(uow: UnitOfWork, user_id: int, order_id: int) -> Order:
    """One of the customer's own orders, in the caller's transaction; anyone else's is refused."""
    order = await load_order(uow, order_id)
    if order is None:
        raise OrderNotFound(order_id)
    if order.user_id != user_id:
        raise NotAllowed
    return order


async def order_for_staff(
    uow: UnitOfWork,
    order_id: int,
    chat_id: int | None,
    is_admin: bool,
    producer_id: int | None = None,
) -> Order:
    """The order, in the caller's transaction, if this member of staff may see or move it."""
    order = await load_order(uow, order_id)
    if order is None:
        raise OrderNotFound(order_id)
    # Only the producer's own group (or its staff on another channel, ``producer_id``),
    # or an admin, may see or move the producer's orders.
    in_group = chat_id is not None and order.producer.group_chat_id == chat_id
    own_staff = producer_id is not None and order.producer_id == producer_id
    if not (is_admin or in_group or own_staff):
        raise NotAllowed
    return order


async def move_order(
    uow: UnitOfWork,
    order: Order,
    new_status: OrderStatus,
    *,
    actor_id: int | None,
    reason: str,
    zalo_actor: str | None = None,
    actor_name: str = "",
    unpaid: bool = False,
) -> bool:
    """The order leaves the status it was read with, recorded in its history; a cancelled
    order's units go back on sale, and what was paid for it is owed back. False when it
    moved meanwhile (or, ``unpaid``, when money came for it meanwhile)."""
    current = order.status
    logcontext.note(order=rules.format_order_number(order.id))
    if not rules.may_become(current, new_status):
        raise await _refused(uow, order, new_status)
    # Conditional on the status as read, so two people moving the order at the same moment
    # cannot both win (the second is told where it is now).
    where = [Order.id == order.id, Order.status == current]
    if unpaid:
        where.append(Order.amount_paid == 0)
    moved = await uow.session.execute(
        update(Order).where(*where).values(status=new_status, updated_at=utcnow())
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return False
    if new_status == OrderStatus.cancelled:
        await return_stock(uow, order, actor_id)
        # The row is locked by the update: what was paid for it is read as it stands.
        await uow.session.run_sync(
            lambda session: credit(session, order.id, 0, reason=Reason.cancelled)
        )
        uow.happened(ShopEvent.order_cancelled)
    uow.session.add(
        OrderStatusChange(
            order_id=order.id,
            old_status=current,
            new_status=new_status,
            actor_id=actor_id,
            zalo_actor=zalo_actor,
            reason=reason,
            actor_name=actor_name[:100],
        )
    )
    return True


async def _move(
    uow: UnitOfWork,
    order: Order,
    new_status: OrderStatus,
    *,
    actor_id: int | None,
    reason: str,
    zalo_actor: str | None = None,
    actor_name: str = "",
) -> None:
    """``move_order``, refused with where the order is now when it moved meanwhile."""
    if not await move_order(
        uow, order, new_status, actor_id=actor_id, reason=reason, zalo_actor=zalo_actor,
        actor_name=actor_name,
    ):  # fmt: skip
        await uow.session.refresh(order, ["status"])
        raise await _refused(uow, order, new_status)


async def _refused(uow: UnitOfWork, order: Order, wanted: OrderStatus) -> InvalidTransition:
    """The refusal of ``wanted``, saying where the order is and who took it there."""
    last = await uow.session.scalar(
        select(OrderStatusChange)
        .where(OrderStatusChange.order_id == order.id)
        .order_by(OrderStatusChange.id.desc())
        .limit(1)
    )
    by_customer = (
        last is not None
        and last.new_status == OrderStatus.cancelled
        and last.actor_id == order.user_id
        and last.reason == CUSTOMER_CANCELLED
    )
    by = "" if last is None or by_customer else last.actor_name
    return InvalidTransition(order.status.value, wanted.value, by=by, by_customer=by_customer)


async def _committed_view(uow: UnitOfWork, order: Order) -> OrderView:
    await uow.session.refresh(order)
    view = order_view(order)
    await uow.commit()
    return view


async def cancel_order_by_customer(uow: UnitOfWork, *, user_id: int, order_id: int) -> OrderView:
    """Cancel a customer's order while it is still new; its stock returns to the shelf."""
    async with uow:
        order = await customer_order(uow, user_id, order_id)
        if not rules.customer_may_cancel(order.status):
            raise InvalidTransition(order.status.value, OrderStatus.cancelled.value)
        await _move(uow, order, OrderStatus.cancelled, actor_id=user_id, reason=CUSTOMER_CANCELLED)
        outbox.to_producer(uow, OutboxKind.order_cancelled, order.producer_id, order_id=order.id)
        return await _committed_view(uow, order)


async def change_order_status(
    uow: UnitOfWork,
    *,
    order_id: int,
    new_status: OrderStatus,
    actor_id: int | None,
    chat_id: int | None,
    is_admin: bool = False,
    reason: str = "",
    producer_id: int | None = None,
    zalo_actor: str | None = None,
    actor_name: str = "",
    ship_unpaid: bool = False,
) -> OrderView:
    """Move an order along (accept, ship, deliver, cancel); the customer is told on the channel
    they ordered on, and so are the producer's people on the other channel (Zalo staff for a
    Telegram press, and the Telegram group and the other Zalo staff for a Zalo command,
    ``zalo_actor``).

    A bank-transfer order not paid yet is shipped only with ``ship_unpaid`` (else
    ``PaymentMissing``); cash on delivery is recorded as paid when delivered."""
    async with uow:
        order = await order_for_staff(uow, order_id, chat_id, is_admin, producer_id)
        if _held_for_payment(order, new_status):
            if not ship_unpaid:
                raise PaymentMissing(rules.amount_missing(order.total, order.amount_paid))
            reason = reason or SHIPPED_UNPAID
        await _move(
            uow, order, new_status, actor_id=actor_id, reason=reason, zalo_actor=zalo_actor,
            actor_name=actor_name,
        )  # fmt: skip
        if new_status == OrderStatus.delivered and order.payment_method == PaymentMethod.cod:
            cash = order.total - order.amount_paid
            if cash > 0:
                moved = await uow.session.run_sync(
                    lambda session: credit(
                        session, order_id, cash, reason=Reason.delivery, actor_id=actor_id
                    )
                )
                count_paid(uow, [moved])
        outbox.to_customer(
            uow,
            OutboxKind.status_notice,
            order.user_id,
            order.channel,
            order_id=order.id,
            status=new_status.value,
            reason=reason,
        )
        told: dict[str, Any] = {
            "order_id": order.id,
            "status": new_status.value,
            "reason": reason,
            "actor": actor_name[:100],
            "zalo_actor": zalo_actor,
        }
        outbox.to_zalo_staff(uow, OutboxKind.status_changed, order.producer_id, **told)
        # A Telegram group sees its own presses; one that is linked hears of Zalo's (one
        # linked later needs no news of orders moved before it).
        if zalo_actor is not None and order.producer.group_chat_id is not None:
            outbox.to_producer_group(uow, OutboxKind.status_changed, order.producer_id, **told)
        return await _committed_view(uow, order)


def _held_for_payment(order: Order, new_status: OrderStatus) -> bool:
    return (
        new_status == OrderStatus.shipped
        and rules.may_become(order.status, new_status)
        and rules.payment_holds_shipping(order.payment_method, order.payment_status)
    )


async def remember_alert(uow: UnitOfWork, *, order_id: int, chat_id: int, message_id: int) -> None:
    """Which group message shows this order, so status changes can edit it."""
    async with uow:
        await note_alert(uow, order_id, chat_id, message_id)
        await uow.commit()


async def note_alert(uow: UnitOfWork, order_id: int, chat_id: int, message_id: int) -> None:
    """``remember_alert`` in the caller's transaction."""
    await uow.session.execute(
        update(Order)
        .where(Order.id == order_id)
        .values(alert_chat_id=chat_id, alert_message_id=message_id)
    )
