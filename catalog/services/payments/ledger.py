"""Money on an order: a sum received or refunded, the payment status it leads to
(``catalog.rules.payment_status``), its line in the payment history, and who is told.

Written for a sync session (the short writes of ``uow.short_write``, or ``run_sync`` in a
unit of work), so that a transfer's whole effect is one transaction. The order's sums move
with one conditional ``UPDATE … RETURNING``: two sums for one order at once both count,
and the status is decided from what that statement returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, bindparam, case, insert, update
from sqlalchemy.orm import Session

from catalog import outbox, rules
from catalog.events import ShopEvent
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
    channel: str  # where the customer ordered, and hears of it

    @property
    def missing(self) -> int:
        return rules.amount_missing(self.total, self.paid)

    @property
    def owed_back(self) -> int:
        status = OrderStatus.cancelled if self.cancelled else OrderStatus.new
        return rules.amount_owed_back(status, self.total, self.paid, self.refunded)

    @property
    def settled_now(self) -> bool:
        """This sum paid the order in full (the shop's "order paid")."""
        return self.old not in rules.SETTLED and self.new in rules.SETTLED

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


# Built once: a transfer's statements cost their parameters, not their construction.
_RETURNED = (
    Order.user_id, Order.producer_id, Order.status, Order.payment_method,
    Order.payment_status, Order.total, Order.amount_paid, Order.amount_refunded, Order.channel,
)  # fmt: skip
_RECEIVED = (
    update(Order)
    .where(Order.id == bindparam("order_id"))
    .values(amount_paid=Order.amount_paid + bindparam("amount"), updated_at=bindparam("now"))
    .returning(*_RETURNED)
)
_REFUNDED = (
    update(Order)
    .where(Order.id == bindparam("order_id"))
    .values(
        amount_refunded=Order.amount_refunded + bindparam("amount"), updated_at=bindparam("now")
    )
    .returning(*_RETURNED)
)
RESTATED = (
    update(Order)
    .where(Order.id == bindparam("order_id"))
    .values(payment_status=bindparam("payment_status"))
)


def credit(
    on: Session | Connection,
    order_id: int,
    amount: int,
    *,
    reason: Reason,
    actor_id: int | None = None,
    notification_id: int | None = None,
    history: list[dict[str, Any]] | None = None,
    restated: dict[int, PaymentStatus] | None = None,
) -> Moved:
    """``amount`` received on the order (refunded, for ``Reason.refund``), its payment
    status decided again and the change kept in its history (written here, or gathered in
    ``history`` and ``restated`` for the caller to write with others)."""
    refund = reason == Reason.refund
    params = {"order_id": order_id, "amount": amount, "now": utcnow()}
    row = on.execute(_REFUNDED if refund else _RECEIVED, params).one()
    new = rules.payment_status(
        row.payment_method, row.status, row.total, row.amount_paid, row.amount_refunded
    )
    if new != row.payment_status:
        if restated is None:
            on.execute(RESTATED, {"order_id": order_id, "payment_status": new})
        else:
            restated[order_id] = new
    change = -amount if refund else amount
    if amount or new != row.payment_status:
        entry = {
            "order_id": order_id, "notification_id": notification_id,
            "old_status": row.payment_status, "new_status": new, "amount": change,
            "paid_after": row.amount_paid, "reason": reason.value, "actor_id": actor_id,
        }  # fmt: skip
        if history is None:
            on.execute(insert(PaymentChange), [entry])
        else:
            history.append(entry)
    return Moved(
        order_id, row.user_id, row.producer_id, row.payment_status, new, change, row.total,
        row.amount_paid, row.amount_refunded, row.status == OrderStatus.cancelled, row.channel,
    )  # fmt: skip


def receive_many(
    on: Connection,
    received: list[tuple[int, int, int]],
    *,
    history: list[dict[str, Any]],
    restated: dict[int, PaymentStatus],
) -> list[Moved]:
    """Transfers counted on their orders, (order, amount, notification) in the order they
    came: one statement for them all, however many orders (the status after each transfer
    is decided in turn, from what the orders held before the batch)."""
    added: dict[int, int] = {}
    for order_id, amount, _notification in received:
        added[order_id] = added.get(order_id, 0) + amount
    rows = {
        row.id: row
        for row in on.execute(
            update(Order)
            .where(Order.id.in_(list(added)))
            .values(
                amount_paid=Order.amount_paid + case(added, value=Order.id, else_=0),
                updated_at=utcnow(),
            )
            .returning(Order.id, *_RETURNED)
        )
    }
    # Walk forward from what each order held before this statement.
    held = {o: (rows[o].amount_paid - added[o], rows[o].payment_status) for o in added}
    moves = []
    for order_id, amount, notification_id in received:
        row = rows[order_id]
        paid_before, old = held[order_id]
        paid = paid_before + amount
        new = rules.payment_status(
            row.payment_method, row.status, row.total, paid, row.amount_refunded
        )
        held[order_id] = (paid, new)
        history.append(
            {
                "order_id": order_id, "notification_id": notification_id, "old_status": old,
                "new_status": new, "amount": amount, "paid_after": paid,
                "reason": Reason.transfer.value, "actor_id": None,
            }
        )  # fmt: skip
        moves.append(
            Moved(
                order_id,
                row.user_id,
                row.producer_id,
                old,
                new,
                amount,
                row.total,
                paid,
                row.amount_refunded,
                row.status == OrderStatus.cancelled,
                row.channel,
            )
        )
    for order_id, (_paid, status) in held.items():
        if status != rows[order_id].payment_status:
            restated[order_id] = status
    return moves


def count_paid(uow: UnitOfWork, moves: Iterable[Moved]) -> None:
    """The orders ``moves`` paid in full, counted once the transaction commits."""
    paid = sum(1 for moved in moves if moved.settled_now)
    if paid:
        uow.happened(ShopEvent.order_paid, paid)


def news(moved: Moved, *, by: str = "") -> tuple[dict[str, Any], dict[str, Any]]:
    """What the customer and the producer are told of a move: two payloads."""
    customer = {
        "order_id": moved.order_id,
        "event": moved.event.value,
        "amount": abs(moved.amount),
        "paid": moved.paid,
        "missing": moved.missing,
        "owed_back": moved.owed_back,
        "by_hand": bool(by),
    }
    return customer, {**customer, "actor": by[:100]}


def tell(uow: UnitOfWork, session: Session, moved: Moved, *, by: str = "") -> None:
    """The customer (on their channel) and the producer (group and Zalo staff) hear of it.
    ``by``: the name of whoever recorded it by hand."""
    customer, producer = news(moved, by=by)
    outbox.to_customer(
        uow, OutboxKind.payment_notice, moved.user_id, moved.channel, on=session, **customer
    )
    outbox.to_producer(uow, OutboxKind.payment_alert, moved.producer_id, on=session, **producer)
