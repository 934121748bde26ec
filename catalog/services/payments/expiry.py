"""Bank-transfer orders nobody pays: the customer is reminded once at half-time, and at the
end the order is cancelled, its stock returned (exactly once: the cancellation is one
conditional statement, refused when any money came meanwhile), the customer and the
producer told. A transfer that comes later is owed back (``notifications``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from catalog import outbox, rules
from catalog.models import Order, OrderStatus, PaymentMethod, PaymentStatus
from catalog.outbox import OutboxKind
from catalog.services.orders.status import move_order
from catalog.services.orders.views import load_order
from catalog.services.payments.ledger import Event
from catalog.uow import UnitOfWork

UNPAID_REASON = "unpaid"
_OPEN = tuple(status for status in OrderStatus if rules.may_cancel(status))


def _unpaid() -> tuple[object, ...]:
    return (
        Order.payment_method == PaymentMethod.bank_transfer,
        Order.payment_status == PaymentStatus.awaiting,
        Order.amount_paid == 0,
        Order.status.in_(_OPEN),
        Order.payment_due_at.is_not(None),
    )


async def remind_unpaid(uow: UnitOfWork, *, window: timedelta, now: datetime) -> int:
    """Remind the customers of orders past half their time (once each); how many."""
    left = window * (1 - rules.REMINDER_AT)

    def write(session: Session) -> int:
        with session:
            rows = session.execute(
                update(Order)
                .where(
                    *_unpaid(),  # type: ignore[arg-type]
                    Order.payment_reminded.is_(False),
                    Order.payment_due_at <= now + left,
                    Order.payment_due_at > now,
                )
                .values(payment_reminded=True)
                .returning(Order.id, Order.user_id, Order.channel)
            ).all()
            for order_id, user_id, channel in rows:
                outbox.to_customer(
                    uow, OutboxKind.payment_notice, user_id, channel, on=session,
                    order_id=order_id, event=Event.reminder.value,
                )  # fmt: skip
            session.flush()
            return len(rows)

    return await uow.short_write(lambda connection: write(Session(connection)))


async def expire_unpaid(uow: UnitOfWork, *, now: datetime, limit: int = 200) -> list[int]:
    """Cancel the orders unpaid at their due time; the ids of those cancelled."""
    async with uow.reading():
        due = list(
            await uow.session.scalars(
                select(Order.id)
                .where(*_unpaid(), Order.payment_due_at <= now)  # type: ignore[arg-type]
                .order_by(Order.payment_due_at)
                .limit(limit)
            )
        )
    return [order_id for order_id in due if await _expire(uow, order_id)]


async def _expire(uow: UnitOfWork, order_id: int) -> bool:
    async with uow:
        order = await load_order(uow, order_id)
        if order is None or not rules.payment_expires(
            order.status, order.payment_method, order.amount_paid
        ):
            return False
        if not await move_order(
            uow, order, OrderStatus.cancelled, actor_id=None, reason=UNPAID_REASON, unpaid=True
        ):
            return False  # money came, or someone moved it, meanwhile
        outbox.to_customer(
            uow, OutboxKind.status_notice, order.user_id, order.channel, order_id=order.id,
            status=OrderStatus.cancelled.value, reason=UNPAID_REASON,
        )  # fmt: skip
        outbox.to_producer(
            uow, OutboxKind.payment_alert, order.producer_id, order_id=order.id,
            event=Event.expired.value, amount=0, paid=0, missing=order.total, owed_back=0,
            by_hand=False, actor="",
        )  # fmt: skip
        await uow.commit()
        return True
