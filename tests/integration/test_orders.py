"""Cart and orders against a real database: atomic stock, idempotent confirmation."""

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from support import ordering

from catalog import errors
from catalog.demo.seed import seed_demo_catalog
from catalog.models import Checkout, Order, OrderStatus, OutboxMessage, PaymentMethod, Product
from catalog.services import cart, inventory, orders
from catalog.services.orders import PlacedCheckout
from catalog.uow import UnitOfWork

DETAILS = replace(
    ordering.DETAILS,
    recipient_name="Nguyễn Văn <An> & 🏺",
    ward="Phường Hoàn Kiếm",
    street="12 Hàng Gai",
    note="Gọi trước khi giao",
)


@pytest.fixture
async def shop(uow: UnitOfWork, media_dir: Path) -> UnitOfWork:
    await seed_demo_catalog(uow, media_dir)
    return uow


async def product_id(uow: UnitOfWork, sku: str) -> int:
    async with uow:
        found = await uow.session.scalar(select(Product.id).where(Product.sku == sku))
        assert found is not None
        return found


async def stock(uow: UnitOfWork, sku: str) -> int:
    async with uow:
        return await uow.session.scalar(select(Product.stock).where(Product.sku == sku)) or 0


async def set_stock(uow: UnitOfWork, sku: str, value: int) -> None:
    async with uow:
        await uow.session.execute(update(Product).where(Product.sku == sku).values(stock=value))
        await uow.commit()


async def place_cod(
    uow: UnitOfWork, user_id: int, key: str, reviewed: str | None = None
) -> PlacedCheckout:
    """The customer confirms the checkout: delivery to DETAILS, cash on delivery."""
    return await orders.place_order(
        uow,
        user_id=user_id,
        details=DETAILS,
        payment=PaymentMethod.cod,
        idempotency_key=key,
        reviewed=reviewed,
    )


async def test_two_adds_add_two_and_never_more_than_stock(shop: UnitOfWork) -> None:
    tea = await product_id(shop, "THANGLONG-PHUC-20")
    await set_stock(shop, "THANGLONG-PHUC-20", 3)
    assert await cart.add_to_cart(shop, user_id=1, product_id=tea) == 1
    assert await cart.add_to_cart(shop, user_id=1, product_id=tea) == 2
    with pytest.raises(errors.OutOfStock) as err:
        await cart.add_to_cart(shop, user_id=1, product_id=tea, quantity=2)
    assert err.value.available == 1
    view = await cart.get_cart(shop, user_id=1)
    assert [(line.sku, line.quantity) for line in view.lines] == [("THANGLONG-PHUC-20", 2)]


async def test_unknown_or_hidden_products_cannot_be_added(shop: UnitOfWork) -> None:
    with pytest.raises(errors.ProductUnavailable):
        await cart.add_to_cart(shop, user_id=1, product_id=999_999)
    async with shop:
        await shop.session.execute(
            update(Product).where(Product.sku == "VUNART-AO").values(active=False)
        )
        await shop.commit()
    with pytest.raises(errors.ProductUnavailable):
        await cart.add_to_cart(shop, user_id=1, product_id=await product_id(shop, "VUNART-AO"))


async def test_the_cart_groups_lines_by_producer_with_subtotals(shop: UnitOfWork) -> None:
    await cart.add_to_cart(shop, user_id=1, product_id=await product_id(shop, "BABE-SA-10"))
    await cart.add_to_cart(
        shop, user_id=1, product_id=await product_id(shop, "VUNART-KHAN"), quantity=2
    )
    await cart.add_to_cart(shop, user_id=1, product_id=await product_id(shop, "BABE-BUOI-10"))
    view = await cart.get_cart(shop, user_id=1)
    assert [group.subtotal for group in view.groups] == [75_000 + 85_000, 2 * 450_000]
    assert view.total == 1_060_000
    await cart.change_quantity(
        shop, user_id=1, product_id=await product_id(shop, "VUNART-KHAN"), delta=-2
    )
    assert len((await cart.get_cart(shop, user_id=1)).groups) == 1


async def test_placing_an_order_splits_it_per_producer_and_takes_the_stock(
    shop: UnitOfWork,
) -> None:
    before = await stock(shop, "BABE-SA-10")
    await cart.add_to_cart(
        shop, user_id=1, product_id=await product_id(shop, "BABE-SA-10"), quantity=2
    )
    await cart.add_to_cart(shop, user_id=1, product_id=await product_id(shop, "MYDUC-KHAN"))
    placed = await place_cod(shop, 1, "k1")
    assert placed.created
    assert [order.total for order in placed.orders] == [150_000, 650_000]
    assert all(order.status == OrderStatus.new for order in placed.orders)
    assert placed.orders[0].details == DETAILS
    assert await stock(shop, "BABE-SA-10") == before - 2
    assert (await cart.get_cart(shop, user_id=1)).is_empty
    async with shop:
        alerts = [
            (alert.kind, alert.producer_id, alert.payload["order_id"])
            for alert in await shop.session.scalars(select(OutboxMessage))
        ]
    assert sorted(alerts) == sorted(
        ("order_alert", order.producer_id, order.id) for order in placed.orders
    )
    saved = await orders.saved_details(shop, user_id=1)
    assert saved is not None
    assert (saved.recipient_name, saved.phone, saved.street, saved.note) == (
        DETAILS.recipient_name,
        DETAILS.phone,
        DETAILS.street,
        "",
    )


async def test_the_same_confirmation_twice_places_one_set_of_orders(shop: UnitOfWork) -> None:
    await cart.add_to_cart(shop, user_id=1, product_id=await product_id(shop, "BABE-SA-10"))
    first = await place_cod(shop, 1, "same")
    second = await place_cod(shop, 1, "same")
    assert not second.created
    assert [o.id for o in second.orders] == [o.id for o in first.orders]
    async with shop:
        assert await shop.session.scalar(select(func.count()).select_from(Checkout)) == 1
    with pytest.raises(errors.NotAllowed):
        await place_cod(shop, 2, "same")


async def test_a_sold_out_item_keeps_the_cart_and_orders_nothing(shop: UnitOfWork) -> None:
    await cart.add_to_cart(shop, user_id=1, product_id=await product_id(shop, "BABE-SA-10"))
    await cart.add_to_cart(
        shop, user_id=1, product_id=await product_id(shop, "MYDUC-GOI"), quantity=3
    )
    await set_stock(shop, "MYDUC-GOI", 1)
    sa_before = await stock(shop, "BABE-SA-10")
    with pytest.raises(errors.ItemsUnavailable) as err:
        await place_cod(shop, 1, "k")
    [shortage] = err.value.shortages
    assert (shortage.name_vi, shortage.requested, shortage.available) == ("Gối tơ tằm", 3, 1)
    assert await stock(shop, "BABE-SA-10") == sa_before
    assert len((await cart.get_cart(shop, user_id=1)).lines) == 2
    async with shop:
        assert await shop.session.scalar(select(func.count()).select_from(Order)) == 0
    with pytest.raises(errors.EmptyCart):
        await place_cod(shop, 9, "e")


async def test_twenty_customers_racing_for_the_last_five_units_buy_exactly_five(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    shop = UnitOfWork(sessions)
    quilt = await product_id(shop, "MYDUC-CHAN-1820")
    await set_stock(shop, "MYDUC-CHAN-1820", 5)
    for customer in range(1, 21):
        await cart.add_to_cart(UnitOfWork(sessions), user_id=customer, product_id=quilt)

    async def buy(customer: int) -> bool:
        try:
            await place_cod(UnitOfWork(sessions), customer, f"race-{customer}")
        except errors.ItemsUnavailable:
            return False
        return True

    results = await asyncio.gather(*(buy(customer) for customer in range(1, 21)))
    assert sum(results) == 5
    assert await stock(shop, "MYDUC-CHAN-1820") == 0
    async with shop:
        sold = await shop.session.scalar(select(func.count()).select_from(Order))
    assert sold == 5


async def test_checkouts_of_the_same_products_in_any_order_all_go_through(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Carts filled in opposite orders, confirmed at once: no deadlock between them."""
    shop = UnitOfWork(sessions)
    skus = ("BABE-SA-10", "MYDUC-KHAN", "HOANGLONG-GIO-500")
    ids = [await product_id(shop, sku) for sku in skus]
    for sku in skus:
        await set_stock(shop, sku, 1000)
    for customer in range(1, 31):
        for product in ids if customer % 2 else reversed(ids):
            await cart.add_to_cart(UnitOfWork(sessions), user_id=customer, product_id=product)

    await asyncio.gather(
        *(
            place_cod(UnitOfWork(sessions), customer, f"both-ways-{customer}")
            for customer in range(1, 31)
        )
    )
    for sku in skus:
        assert await stock(shop, sku) == 1000 - 30


async def test_a_customer_may_cancel_only_their_own_new_order(shop: UnitOfWork) -> None:
    await cart.add_to_cart(
        shop, user_id=1, product_id=await product_id(shop, "BABE-SA-10"), quantity=4
    )
    before = await stock(shop, "BABE-SA-10")
    placed = await place_cod(shop, 1, "c")
    order_id = placed.orders[0].id
    assert await stock(shop, "BABE-SA-10") == before - 4
    with pytest.raises(errors.NotAllowed):
        await orders.get_order(shop, user_id=2, order_id=order_id)
    with pytest.raises(errors.NotAllowed):
        await orders.cancel_order_by_customer(shop, user_id=2, order_id=order_id)
    with pytest.raises(errors.OrderNotFound):
        await orders.get_order(shop, user_id=1, order_id=424242)
    cancelled = await orders.cancel_order_by_customer(shop, user_id=1, order_id=order_id)
    assert cancelled.status == OrderStatus.cancelled
    assert await stock(shop, "BABE-SA-10") == before
    with pytest.raises(errors.InvalidTransition):
        await orders.cancel_order_by_customer(shop, user_id=1, order_id=order_id)
    assert await stock(shop, "BABE-SA-10") == before


async def test_orders_are_listed_newest_first_a_page_at_a_time(shop: UnitOfWork) -> None:
    sa = await product_id(shop, "BABE-SA-10")
    for n in range(7):
        await cart.add_to_cart(shop, user_id=1, product_id=sa)
        await place_cod(shop, 1, f"{n}")
    first = await orders.list_orders(shop, user_id=1)
    second = await orders.list_orders(shop, user_id=1, page=1)
    assert (first.pages, len(first.orders), len(second.orders)) == (2, 5, 2)
    ids = [o.id for o in first.orders + second.orders]
    assert ids == sorted(ids, reverse=True)
    assert (await orders.list_orders(shop, user_id=2)).orders == ()


async def test_a_price_changed_after_the_review_places_nothing(shop: UnitOfWork) -> None:
    oil = await product_id(shop, "BABE-SA-10")
    await cart.add_to_cart(shop, user_id=1, product_id=oil, quantity=2)
    before = await stock(shop, "BABE-SA-10")
    reviewed = (await cart.get_cart(shop, user_id=1)).fingerprint
    admin = await inventory.actor_for(shop, user_id=99, is_admin=True)
    await inventory.set_price(shop, actor=admin, sku="BABE-SA-10", price=99_000)

    with pytest.raises(errors.CartChanged):
        await place_cod(shop, 1, "k-price", reviewed=reviewed)
    async with shop:
        assert await shop.session.scalar(select(func.count()).select_from(Order)) == 0
        assert await shop.session.scalar(select(func.count()).select_from(Checkout)) == 0
    assert await stock(shop, "BABE-SA-10") == before
    assert (await cart.get_cart(shop, user_id=1)).lines[0].quantity == 2

    # The review shown again carries the new price; confirming it places the order at it.
    again = (await cart.get_cart(shop, user_id=1)).fingerprint
    placed = await place_cod(shop, 1, "k-price-2", reviewed=again)
    assert [order.total for order in placed.orders] == [198_000]
