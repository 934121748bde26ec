"""What one cart, and so one order, may hold: at most rules.MAX_CART_LINES products."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from support import ordering

from catalog import errors, rules
from catalog.models import Cart, CartLine, Order, PaymentMethod, Product, utcnow
from catalog.services import cart, orders
from catalog.uow import UnitOfWork

LIMIT = rules.MAX_CART_LINES


async def products(uow: UnitOfWork, count: int) -> list[int]:
    """``count`` different products on sale, with stock."""
    async with uow:
        found = await uow.session.scalars(
            select(Product.id)
            .where(Product.active.is_(True), Product.stock >= 10)
            .order_by(Product.id)
            .limit(count)
        )
        ids = list(found)
    assert len(ids) == count
    return ids


async def lines_in_cart(uow: UnitOfWork, user_id: int) -> int:
    return len((await cart.get_cart(uow, user_id=user_id)).lines)


async def test_a_cart_takes_at_most_the_limit_of_different_products(shop: UnitOfWork) -> None:
    ids = await products(shop, LIMIT + 1)
    for product in ids[:LIMIT]:
        await cart.add_to_cart(shop, user_id=1, product_id=product)

    with pytest.raises(errors.CartFull) as full:
        await cart.add_to_cart(shop, user_id=1, product_id=ids[LIMIT])
    assert full.value.limit == LIMIT
    assert await lines_in_cart(shop, 1) == LIMIT

    # More of a product already in the cart is no new line.
    assert await cart.add_to_cart(shop, user_id=1, product_id=ids[0], quantity=2) == 3
    # A line taken out makes room again.
    await cart.remove_from_cart(shop, user_id=1, product_id=ids[1])
    assert await cart.add_to_cart(shop, user_id=1, product_id=ids[LIMIT]) == 1
    assert await lines_in_cart(shop, 1) == LIMIT


async def test_two_products_racing_for_the_last_place_in_a_cart_leave_it_at_the_limit(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    shop = UnitOfWork(sessions)
    ids = await products(shop, LIMIT + 4)
    for product in ids[: LIMIT - 1]:
        await cart.add_to_cart(shop, user_id=1, product_id=product)

    async def add(product: int) -> bool:
        try:
            await cart.add_to_cart(UnitOfWork(sessions), user_id=1, product_id=product)
        except errors.CartFull:
            return False
        return True

    added = await asyncio.gather(*(add(product) for product in ids[LIMIT - 1 :]))
    assert sum(added) == 1
    assert await lines_in_cart(shop, 1) == LIMIT


async def test_a_cart_filled_beyond_the_limit_before_it_existed_orders_nothing(
    shop: UnitOfWork,
) -> None:
    ids = await products(shop, LIMIT + 1)
    await cart.add_to_cart(shop, user_id=1, product_id=ids[0])
    async with shop:
        cart_id = await shop.session.scalar(select(Cart.id).where(Cart.user_id == 1))
        now = utcnow()
        await shop.session.execute(
            insert(CartLine),
            [
                {
                    "cart_id": cart_id,
                    "product_id": product,
                    "quantity": 1,
                    "added_at": now + timedelta(seconds=n),
                }
                for n, product in enumerate(ids[1:], start=1)
            ],
        )
        await shop.commit()

    with pytest.raises(errors.CartFull):
        await orders.place_order(
            shop,
            user_id=1,
            details=ordering.DETAILS,
            payment=PaymentMethod.cod,
            idempotency_key="too-many",
        )
    async with shop:
        assert await shop.session.scalar(select(func.count()).select_from(Order)) == 0
    assert await lines_in_cart(shop, 1) == LIMIT + 1

    # Taking one out is enough.
    await cart.remove_from_cart(shop, user_id=1, product_id=ids[-1])
    placed = await orders.place_order(
        shop,
        user_id=1,
        details=ordering.DETAILS,
        payment=PaymentMethod.cod,
        idempotency_key="at-the-limit",
    )
    assert sum(len(order.lines) for order in placed.orders) == LIMIT


async def test_more_of_a_product_is_held_to_its_own_stock_whatever_else_carts_hold(
    shop: UnitOfWork,
) -> None:
    plenty, scarce = await products(shop, 2)
    async with shop:
        product = await shop.session.get(Product, scarce)
        assert product is not None
        product.stock = 2
        await shop.commit()
    await cart.add_to_cart(shop, user_id=2, product_id=plenty)
    await cart.add_to_cart(shop, user_id=1, product_id=plenty)
    assert await cart.add_to_cart(shop, user_id=1, product_id=scarce) == 1

    assert await cart.add_to_cart(shop, user_id=1, product_id=scarce) == 2
    with pytest.raises(errors.OutOfStock):
        await cart.add_to_cart(shop, user_id=1, product_id=scarce)
    assert await cart.add_to_cart(shop, user_id=1, product_id=plenty, quantity=5) == 6
