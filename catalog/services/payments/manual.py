"""Money recorded by hand: a transfer a person confirmed (``/paid DH00012 [amount]``) and
money returned to a customer (``/refunded DH00012 [amount]``), each audited with who and
when in the order's payment history, the customer and the producer told."""

from __future__ import annotations

from sqlalchemy.orm import Session

from catalog.errors import NothingToRecord
from catalog.services.orders.status import order_for_staff
from catalog.services.orders.views import OrderView, load_order, order_view
from catalog.services.payments.ledger import Reason, count_paid, credit, tell
from catalog.uow import UnitOfWork


async def record_paid(
    uow: UnitOfWork,
    *,
    order_id: int,
    amount: int | None,
    actor_id: int,
    actor_name: str,
    chat_id: int | None,
    is_admin: bool,
    producer_id: int | None = None,
) -> OrderView:
    """A transfer confirmed by hand: ``amount`` (what is missing, when None)."""
    return await _record(
        uow, Reason.by_hand, order_id, amount, actor_id, actor_name, chat_id, is_admin,
        producer_id,
    )  # fmt: skip


async def record_refund(
    uow: UnitOfWork,
    *,
    order_id: int,
    amount: int | None,
    actor_id: int,
    actor_name: str,
    chat_id: int | None,
    is_admin: bool,
    producer_id: int | None = None,
) -> OrderView:
    """Money returned to the customer: ``amount`` (all that is owed back, when None)."""
    return await _record(
        uow, Reason.refund, order_id, amount, actor_id, actor_name, chat_id, is_admin,
        producer_id,
    )  # fmt: skip


async def _record(
    uow: UnitOfWork,
    reason: Reason,
    order_id: int,
    amount: int | None,
    actor_id: int,
    actor_name: str,
    chat_id: int | None,
    is_admin: bool,
    producer_id: int | None,
) -> OrderView:
    async with uow.reading():
        order = order_view(await order_for_staff(uow, order_id, chat_id, is_admin, producer_id))
    default = order.amount_owed_back if reason == Reason.refund else order.amount_missing
    amount = default if amount is None else amount
    if amount <= 0:
        raise NothingToRecord

    def write(session: Session) -> None:
        with session:
            moved = credit(session, order_id, amount, reason=reason, actor_id=actor_id)
            tell(uow, session, moved, by=actor_name or str(actor_id))
            count_paid(uow, [moved])
            session.flush()

    await uow.short_write(lambda connection: write(Session(connection)))
    async with uow.reading():
        found = await load_order(uow, order_id)
        assert found is not None
        return order_view(found)
