"""The cart: kept in the database, changed with single atomic statements."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from catalog.errors import InvalidQuantity, OutOfStock, ProductUnavailable
from catalog.models import Cart, CartLine, Product, User
from catalog.text import Measured, Named
from catalog.uow import UnitOfWork

MAX_LINE_QUANTITY = 999


@dataclass(frozen=True, slots=True)
class CartLineView(Named, Measured):
    product_id: int
    sku: str
    producer_id: int
    name_vi: str
    name_en: str
    unit_vi: str
    unit_en: str
    price: int
    quantity: int
    stock: int
    active: bool

    @property
    def line_total(self) -> int:
        return self.price * self.quantity


@dataclass(frozen=True, slots=True)
class ProducerGroup:
    producer_id: int
    lines: tuple[CartLineView, ...]

    @property
    def subtotal(self) -> int:
        return sum(line.line_total for line in self.lines)


@dataclass(frozen=True, slots=True)
class CartView:
    groups: tuple[ProducerGroup, ...]

    @property
    def lines(self) -> list[CartLineView]:
        return [line for group in self.groups for line in group.lines]

    @property
    def total(self) -> int:
        return sum(group.subtotal for group in self.groups)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.groups


async def _cart_id(uow: UnitOfWork, user_id: int, *, create: bool) -> int | None:
    session = uow.session
    cart_id = await session.scalar(select(Cart.id).where(Cart.user_id == user_id))
    if cart_id is not None or not create:
        return cart_id
    if await session.get(User, user_id) is None:
        session.add(User(id=user_id, first_name=""))
        await session.flush()
    cart = Cart(user_id=user_id)
    session.add(cart)
    await session.flush()
    return cart.id


async def _line_quantity(uow: UnitOfWork, cart_id: int, product_id: int) -> int:
    quantity = await uow.session.scalar(
        select(CartLine.quantity).where(
            CartLine.cart_id == cart_id, CartLine.product_id == product_id
        )
    )
    return quantity or 0


async def add_to_cart(uow: UnitOfWork, *, user_id: int, product_id: int, quantity: int = 1) -> int:
    """Add units of a product; returns how many are in the cart now."""
    if not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise InvalidQuantity(quantity)
    try:
        return await _add_to_cart(uow, user_id, product_id, quantity)
    except IntegrityError:
        # Another process created the same cart or line at the same moment; now it exists.
        return await _add_to_cart(uow, user_id, product_id, quantity)


async def _add_to_cart(uow: UnitOfWork, user_id: int, product_id: int, quantity: int) -> int:
    async with uow:
        product = await uow.session.get(Product, product_id)
        if product is None or not product.active:
            raise ProductUnavailable(product_id)
        cart_id = await _cart_id(uow, user_id, create=True)
        assert cart_id is not None
        current = await _line_quantity(uow, cart_id, product_id)
        wanted = current + quantity
        if wanted > min(product.stock, MAX_LINE_QUANTITY):
            raise OutOfStock(product_id, available=max(product.stock - current, 0))
        # Relative to what is stored, not to what was read: two taps add two.
        result = await uow.session.execute(
            update(CartLine)
            .where(CartLine.cart_id == cart_id, CartLine.product_id == product_id)
            .values(quantity=CartLine.quantity + quantity)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            uow.session.add(CartLine(cart_id=cart_id, product_id=product_id, quantity=quantity))
        await uow.commit()
        return wanted


async def change_quantity(uow: UnitOfWork, *, user_id: int, product_id: int, delta: int) -> int:
    """Step a line up or down by ``delta``; at zero the line goes. Returns the new quantity."""
    async with uow:
        cart_id = await _cart_id(uow, user_id, create=False)
        current = await _line_quantity(uow, cart_id, product_id) if cart_id else 0
        if cart_id is None or current == 0:
            raise ProductUnavailable(product_id)
        wanted = current + delta
        if wanted <= 0:
            await uow.session.execute(
                delete(CartLine).where(
                    CartLine.cart_id == cart_id, CartLine.product_id == product_id
                )
            )
            await uow.commit()
            return 0
        if delta > 0:
            product = await uow.session.get(Product, product_id)
            stock = product.stock if product and product.active else 0
            if wanted > min(stock, MAX_LINE_QUANTITY):
                raise OutOfStock(product_id, available=stock)
        await uow.session.execute(
            update(CartLine)
            .where(CartLine.cart_id == cart_id, CartLine.product_id == product_id)
            .values(quantity=CartLine.quantity + delta)
        )
        await uow.commit()
        return wanted


async def remove_from_cart(uow: UnitOfWork, *, user_id: int, product_id: int) -> None:
    async with uow:
        cart_id = await _cart_id(uow, user_id, create=False)
        if cart_id is not None:
            await uow.session.execute(
                delete(CartLine).where(
                    CartLine.cart_id == cart_id, CartLine.product_id == product_id
                )
            )
            await uow.commit()


async def clear_cart(uow: UnitOfWork, *, user_id: int) -> None:
    async with uow:
        cart_id = await _cart_id(uow, user_id, create=False)
        if cart_id is not None:
            await uow.session.execute(delete(CartLine).where(CartLine.cart_id == cart_id))
            await uow.commit()


async def load_cart(uow: UnitOfWork, user_id: int) -> CartView:
    """The cart's lines, grouped by producer (in the order their first item was added)."""
    rows = (
        await uow.session.execute(
            select(CartLine.quantity, Product)
            .join(Cart, Cart.id == CartLine.cart_id)
            .join(Product, Product.id == CartLine.product_id)
            .where(Cart.user_id == user_id)
            .order_by(CartLine.added_at, CartLine.product_id)
        )
    ).all()
    groups: dict[int, list[CartLineView]] = {}
    for quantity, product in rows:
        groups.setdefault(product.producer_id, []).append(
            CartLineView(
                product_id=product.id,
                sku=product.sku,
                producer_id=product.producer_id,
                name_vi=product.name_vi,
                name_en=product.name_en,
                unit_vi=product.unit_vi,
                unit_en=product.unit_en,
                price=product.price,
                quantity=quantity,
                stock=product.stock,
                active=product.active,
            )
        )
    return CartView(
        tuple(ProducerGroup(producer_id, tuple(lines)) for producer_id, lines in groups.items())
    )


async def get_cart(uow: UnitOfWork, *, user_id: int) -> CartView:
    async with uow.reading():
        return await load_cart(uow, user_id)
