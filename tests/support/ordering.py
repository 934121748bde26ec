"""Orders placed straight through the shop's services, as if customers confirmed at once."""

from __future__ import annotations

from catalog.db import create_engine, create_session_factory
from catalog.models import PaymentMethod, Product
from catalog.services import cart, orders
from catalog.services.orders import DeliveryDetails
from catalog.uow import UnitOfWork

DETAILS = DeliveryDetails(
    recipient_name="Khách <thử> & 🧪",
    phone="+84912345678",
    province="Hà Nội",
    ward="Phường Láng",
    street="1 Đường Láng",
)


async def place_orders(
    database_url: str,
    first_customer: int,
    count: int,
    sku: str,
    details: DeliveryDetails = DETAILS,
) -> list[int]:
    """``count`` customers from ``first_customer`` on each order one ``sku`` (with whatever
    else is in their cart); the ids of the orders placed."""
    engine = create_engine(database_url)
    factory = create_session_factory(engine)
    try:
        async with UnitOfWork(factory) as uow:
            product_id = await uow.session.scalar(
                Product.__table__.select().with_only_columns(Product.id).where(Product.sku == sku)
            )
        assert product_id is not None
        numbers = []
        for customer in range(first_customer, first_customer + count):
            await cart.add_to_cart(UnitOfWork(factory), user_id=customer, product_id=product_id)
            placed = await orders.place_order(
                UnitOfWork(factory),
                user_id=customer,
                details=details,
                payment=PaymentMethod.cod,
                idempotency_key=f"load-{customer}-{sku}",
            )
            numbers += [order.id for order in placed.orders]
        return numbers
    finally:
        await engine.dispose()
