"""The cart: kept in the database, changed with single atomic statements."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import (
    Connection,
    Integer,
    Row,
    Select,
    case,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from catalog import rules
from catalog.db import upsert
from catalog.errors import CartFull, InvalidQuantity, OutOfStock, ProductUnavailable
from catalog.models import Cart, CartLine, Product, User, UTCDateTime, utcnow
from catalog.paging import clamp_page, page_count
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

    @property
    def fingerprint(self) -> str:
        """What a review shows: confirming anything else would surprise the customer."""
        return fingerprint((line.product_id, line.quantity, line.price) for line in self.lines)


@dataclass(frozen=True, slots=True)
class PageGroup:
    """A producer's lines on one page of the cart; ``group`` is all of its lines."""

    group: ProducerGroup
    lines: tuple[CartLineView, ...]


@dataclass(frozen=True, slots=True)
class CartPage:
    """One page of a cart's lines, grouped by producer; the totals are the whole cart's."""

    cart: CartView
    groups: tuple[PageGroup, ...]
    page: int
    pages: int

    @property
    def lines(self) -> list[CartLineView]:
        return [line for group in self.groups for line in group.lines]


def cart_page(cart: CartView, page: int, size: int = rules.CART_PAGE_SIZE) -> CartPage:
    """The lines of page ``page`` (counted from 0; a stale number shows the nearest page)."""
    pages = page_count(len(cart.lines), size)
    page = clamp_page(page, pages)
    shown = {line.product_id for line in cart.lines[page * size : (page + 1) * size]}
    groups = []
    for group in cart.groups:
        lines = tuple(line for line in group.lines if line.product_id in shown)
        if lines:
            groups.append(PageGroup(group, lines))
    return CartPage(cart, tuple(groups), page, pages)


def fingerprint(lines: Iterable[tuple[int, int, int]]) -> str:
    """(product, quantity, unit price) of each line, as one comparable string."""
    return ";".join(f"{product}x{quantity}@{price}" for product, quantity, price in lines)


async def _cart_id(uow: UnitOfWork, user_id: int) -> int | None:
    return await uow.session.scalar(select(Cart.id).where(Cart.user_id == user_id))


async def _line_quantity(uow: UnitOfWork, cart_id: int, product_id: int) -> int:
    quantity = await uow.session.scalar(
        select(CartLine.quantity).where(
            CartLine.cart_id == cart_id, CartLine.product_id == product_id
        )
    )
    return quantity or 0


async def add_to_cart(uow: UnitOfWork, *, user_id: int, product_id: int, quantity: int = 1) -> int:
    """Add units of a product; returns how many are in the cart now. A product not in the
    cart yet is refused (``CartFull``) once it holds ``rules.MAX_CART_LINES`` products."""
    if not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise InvalidQuantity(quantity)
    try:
        return await _add_to_cart(uow, user_id, product_id, quantity)
    except IntegrityError:
        # Someone who never sent /start (no user row yet), or a cart created by another
        # process at the same moment: make sure the user exists, then once more.
        async with uow:
            if await uow.session.get(User, user_id) is None:
                uow.session.add(User(id=user_id, first_name=""))
                await uow.commit()
        return await _add_to_cart(uow, user_id, product_id, quantity)


async def _add_to_cart(uow: UnitOfWork, user_id: int, product_id: int, quantity: int) -> int:
    # Two statements while the write lock is held: the cart's id, and the line added to
    # (or created) only while the product is on sale, the stock covers the new total and the
    # cart has room for a new line. The cart's upsert locks its row until the commit
    # (PostgreSQL), so two adds to one cart count its lines one after the other.
    def add(connection: Connection) -> int | Exception:
        now = utcnow()
        cart_id = connection.scalar(
            upsert(connection, Cart)
            .values(user_id=user_id, updated_at=now)
            .on_conflict_do_update(index_elements=[Cart.user_id], set_={"updated_at": now})
            .returning(Cart.id)
        )
        insert = upsert(connection, CartLine)
        limit = case((Product.stock < MAX_LINE_QUANTITY, Product.stock), else_=MAX_LINE_QUANTITY)
        in_cart = CartLine.cart_id == cart_id
        room = or_(
            select(func.count()).select_from(CartLine).where(in_cart).scalar_subquery()
            < rules.MAX_CART_LINES,
            exists().where(in_cart, CartLine.product_id == product_id),
        )
        added = connection.scalar(
            insert.from_select(
                [CartLine.cart_id, CartLine.product_id, CartLine.quantity, CartLine.added_at],
                select(
                    literal(cart_id, Integer),
                    Product.id,
                    literal(quantity, Integer),
                    literal(now, UTCDateTime()),
                ).where(
                    Product.id == product_id, Product.active.is_(True), limit >= quantity, room
                ),
            )
            .on_conflict_do_update(
                index_elements=[CartLine.cart_id, CartLine.product_id],
                # Relative to what is stored, not to what was read: two taps add two.
                set_={"quantity": CartLine.quantity + insert.excluded.quantity},
                # This product's limit: a subquery here is not correlated with the row in
                # conflict (it would read every cart's lines).
                where=CartLine.quantity + insert.excluded.quantity
                <= select(limit).where(Product.id == product_id).scalar_subquery(),
            )
            .returning(CartLine.quantity)
        )
        if added is not None:
            return int(added)
        # Not added: nothing was written; say why (read in the same transaction).
        product = connection.execute(
            select(Product.stock, Product.active).where(Product.id == product_id)
        ).first()
        if product is None or not product.active:
            return ProductUnavailable(product_id)
        current = connection.scalar(
            select(CartLine.quantity).where(
                CartLine.cart_id == cart_id, CartLine.product_id == product_id
            )
        )
        lines = connection.scalar(select(func.count()).select_from(CartLine).where(in_cart))
        if current is None and (lines or 0) >= rules.MAX_CART_LINES:
            return CartFull(rules.MAX_CART_LINES)
        return OutOfStock(product_id, available=max(product.stock - (current or 0), 0))

    outcome = await uow.short_write(add)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


async def change_quantity(uow: UnitOfWork, *, user_id: int, product_id: int, delta: int) -> int:
    """Step a line up or down by ``delta``; at zero the line goes. Returns the new quantity."""
    async with uow:
        cart_id = await _cart_id(uow, user_id)
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
        cart_id = await _cart_id(uow, user_id)
        if cart_id is not None:
            await uow.session.execute(
                delete(CartLine).where(
                    CartLine.cart_id == cart_id, CartLine.product_id == product_id
                )
            )
            await uow.commit()


async def clear_cart(uow: UnitOfWork, *, user_id: int) -> None:
    async with uow:
        cart_id = await _cart_id(uow, user_id)
        if cart_id is not None:
            await uow.session.execute(delete(CartLine).where(CartLine.cart_id == cart_id))
            await uow.commit()


def cart_query(user_id: int) -> Select[int, Product]:
    """The cart's lines with their products, in the order they were added."""
    return (
        select(CartLine.quantity, Product)
        .join(Cart, Cart.id == CartLine.cart_id)
        .join(Product, Product.id == CartLine.product_id)
        .where(Cart.user_id == user_id)
        .order_by(CartLine.added_at, CartLine.product_id)
    )


def cart_view(rows: Iterable[Row[int, Product]]) -> CartView:
    """The lines, grouped by producer (in the order their first item was added)."""
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


async def load_cart(uow: UnitOfWork, user_id: int) -> CartView:
    return cart_view((await uow.session.execute(cart_query(user_id))).all())


async def get_cart(uow: UnitOfWork, *, user_id: int) -> CartView:
    async with uow.reading():
        return await load_cart(uow, user_id)
