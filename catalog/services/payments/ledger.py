"""Money on an order: a sum received or refunded, the payment status it leads to
(``catalog.rules.payment_status``), its line in the payment history, and who is told.

Written for a sync session (the short writes of ``uow.short_write``, or ``run_sync`` in a
unit of work), so that a transfer's whole effect is one transaction. The order's sums move
with one conditional ``UPDATE … RETURNING``: two sums for one order at once both count,
and the status is decided from what that statement returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from catalog import outbox, rules
from catalog.models import Order, OrderStatus, PaymentChange, PaymentStatus, utcnow
from catalog.outbox import OutboxKind
from catalog.uow import UnitOfWork


class Reason(StrEnum):
    """Why money moved, in the payment history."""

    transfer = "transfer"  # a provider's notification
    by_hand = "by_hand"  # staff recorded a transfer (/paid)
    refund = "refund"  # staff recorded money returned (/refunded)
    delivery = "delivery"  # cash collected at delivery
    cancelled = "cancelled"  # the order was cancelled: what came for it is owed back


class Event(StrEnum):
    """What the customer and the producer are told of."""

    paid = "paid"
    part = "part"  # part-paid: what is missing
    over = "over"  # over-paid: what will be returned
    late = "late"  # money for a cancelled order: owed back
    refunded = "refunded"
    reminder = "reminder"  # to the customer: the order waits for its transfer
    expired = "expired"  # to the producer: cancelled unpaid


@dataclass(frozen=True, slots=True)
class Moved:
    """What a sum did to an order."""

    order_id: int
    user_id: int
    producer_id: int
    old: PaymentStatus
    new: PaymentStatus
    amount: int
    total: int
    paid: int
    refunded: int
    cancelled: bool

    @property
    def missing(self) -> int:
        return rules.amount_missing(self.total, self.paid)

    @property
    def owed_back(self) -> int:
        status = OrderStatus.cancelled if self.cancelled else OrderStatus.new
        return rules.amount_owed_back(status, self.total, self.paid, self.refunded)

    @property
    def event(self) -> Event:
        if self.amount < 0:
            return Event.refunded
        if self.cancelled:
            return Event.late
        if self.new == PaymentStatus.part_paid:
            return Event.part
        if self.new == PaymentStatus.over_paid:
            return Event.over
        return Event.paid


def credit(
    session: Session,
    order_id: int,
    amount: int,
    *,
    reason: Reason,
    actor_id: int | None = None,
    notification_id: int | None = None,
) -> Moved:
    """``amount`` received on the order (refunded, for ``Reason.refund``), its payment
    status decided again and the change kept in its history."""
    refund = reason == Reason.refund
    grown = (
        {"amount_refunded": Order.amount_refunded + amount}
        if refund
        else {"amount_paid": Order.amount_paid + amount}
    )
    row = session.execute(
        update(Order)
        .where(Order.id == order_id)
        .values(**grown, updated_at=utcnow())
        .returning(
            Order.user_id,
            Order.producer_id,
            Order.status,
            Order.payment_method,
            Order.payment_status,
            Order.total,
            Order.amount_paid,
            Order.amount_refunded,
        )
    ).one()
    new = rules.payment_status(
        row.payment_method, row.status, row.total, row.amount_paid, row.amount_refunded
    )
    if new != row.payment_status:
        session.execute(update(Order).where(Order.id == order_id).values(payment_status=new))
    if amount or new != row.payment_status:
        session.execute(
            insert(PaymentChange).values(
                order_id=order_id,
                notification_id=notification_id,
                old_status=row.payment_status,
                new_status=new,
                amount=-amount if refund else amount,
                paid_after=row.amount_paid,
                reason=reason.value,
                actor_id=actor_id,
            )
        )
    return Moved(
        order_id, row.user_id, row.producer_id, row.payment_status, new,
        -amount if refund else amount, row.total, row.amount_paid, row.amount_refunded,
        row.status == OrderStatus.cancelled,
    )  # fmt: skip


def tell(uow: UnitOfWork, session: Session, moved: Moved, *, by: str = "") -> None:
    """The customer (on their channel) and the producer (group and Zalo staff) hear of it.
    ``by``: the name of whoever recorded it by hand."""
    news = {
        "order_id": moved.order_id,
        "event": moved.event.value,
        "amount": abs(moved.amount),
        "paid": moved.paid,
        "missing": moved.missing,
        "owed_back": moved.owed_back,
        "by_hand": bool(by),
    }
    outbox.to_user(uow, OutboxKind.payment_notice, moved.user_id, on=session, **news)
    outbox.to_producer(
        uow, OutboxKind.payment_alert, moved.producer_id, on=session, **news, actor=by[:100]
    )
