"""Stock an order takes or gives back, and the audit trail of it."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from catalog.models import ChangeReason, Order, Product, ProductChange
from catalog.uow import UnitOfWork


async def _audit_stock(
    uow: UnitOfWork,
    moves: list[tuple[int, int, str]],
    actor_id: int | None,
    reason: ChangeReason,
) -> None:
    """Audit rows for stock an order took or gave back: (product, change, order number)."""
    if not moves:
        return
    stocks = dict(
        (
            await uow.session.execute(
                select(Product.id, Product.stock).where(
                    Product.id.in_({product_id for product_id, _, _ in moves})
                )
            )
        ).all()
    )
    await uow.session.run_sync(
        lambda session: audit_moves(session, moves, stocks, actor_id, reason)
    )


def audit_moves(
    session: Session,
    moves: list[tuple[int, int, str]],
    stocks: dict[int, int],
    actor_id: int | None,
    reason: ChangeReason,
) -> None:
    """The audit rows, from each product's stock as it is now in this transaction."""
    stocks = dict(stocks)
    rows = []
    # Several lines of one product: walk back from the stock as it is now.
    for product_id, change, reference in moves:
        new = stocks[product_id]
        stocks[product_id] = new - change
        rows.append(
            {
                "product_id": product_id,
                "actor_id": actor_id,
                "field": "stock",
                "old_value": str(new - change),
                "new_value": str(new),
                "reason": reason,
                "reference": reference,
            }
        )
    session.execute(insert(ProductChange), rows)


async def return_stock(uow: UnitOfWork, order: Order, actor_id: int | None) -> None:
    """A cancelled order's units go back on sale (and into the audit trail)."""
    for line in order.lines:
        await uow.session.execute(
            update(Product)
            .where(Product.id == line.product_id)
            .values(stock=Product.stock + line.quantity)
        )
    await _audit_stock(
        uow,
        [(line.product_id, line.quantity, order.number) for line in order.lines],
        actor_id,
        ChangeReason.cancellation,
    )
    uow.products_changed(line.product_id for line in order.lines)
