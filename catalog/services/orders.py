"""Placing orders and following them: one order per producer, stock taken atomically."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from catalog import outbox
from catalog.errors import (
    CartChanged,
    EmptyCart,
    InvalidTransition,
    ItemsUnavailable,
    NotAllowed,
    OrderNotFound,
    Shortage,
)
from catalog.models import (
    Cart,
    CartLine,
    ChangeReason,
    Checkout,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    PaymentMethod,
    Producer,
    Product,
    ProductChange,
    User,
    utcnow,
)
from catalog.outbox import OutboxKind
from catalog.rules import format_order_number
from catalog.services.cart import ProducerGroup, cart_query, cart_view, fingerprint
from catalog.text import Measured, Named
from catalog.uow import UnitOfWork

ORDERS_PAGE_SIZE = 5


@dataclass(frozen=True, slots=True)
class DeliveryDetails:
    recipient_name: str
    phone: str
    province: str
    ward: str
    street: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class OrderLineView(Named, Measured):
    sku: str
    name_vi: str
    name_en: str
    unit_vi: str
    unit_en: str
    unit_price: int
    quantity: int

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class OrderView:
    id: int
    number: str
    checkout_id: int
    user_id: int
    producer_id: int
    producer_name_vi: str
    producer_name_en: str
    status: OrderStatus
    payment_method: PaymentMethod
    details: DeliveryDetails
    total: int
    created_at: datetime
    lines: tuple[OrderLineView, ...]
    bank_bin: str | None
    bank_account: str | None
    bank_account_name: str | None
    locale: str = "vi"

    def producer_name(self, language: str) -> str:
        return self.producer_name_en if language == "en" else self.producer_name_vi

    @property
    def customer_may_cancel(self) -> bool:
        return self.status == OrderStatus.new


@dataclass(frozen=True, slots=True)
class PlacedCheckout:
    checkout_id: int
    orders: tuple[OrderView, ...]
    # False when this key had already placed these orders (a double tap, a redelivery).
    created: bool

    @property
    def total(self) -> int:
        return sum(order.total for order in self.orders)


@dataclass(frozen=True, slots=True)
class OrderPage:
    orders: tuple[OrderView, ...]
    page: int
    pages: int


def order_view(order: Order) -> OrderView:
    return OrderView(
        id=order.id,
        number=order.number,
        checkout_id=order.checkout_id,
        user_id=order.user_id,
        producer_id=order.producer_id,
        producer_name_vi=order.producer.name_vi,
        producer_name_en=order.producer.name_en,
        status=order.status,
        payment_method=order.payment_method,
        details=DeliveryDetails(
            recipient_name=order.recipient_name,
            phone=order.phone,
            province=order.address_province,
            ward=order.address_ward,
            street=order.address_street,
            note=order.note,
        ),
        total=order.total,
        created_at=order.created_at,
        lines=tuple(
            OrderLineView(
                sku=line.sku,
                name_vi=line.name_vi,
                name_en=line.name_en,
                unit_vi=line.unit_vi,
                unit_en=line.unit_en,
                unit_price=line.unit_price,
                quantity=line.quantity,
            )
            for line in order.lines
        ),
        bank_bin=order.producer.bank_bin,
        bank_account=order.producer.bank_account,
        bank_account_name=order.producer.bank_account_name,
        locale=order.locale,
    )


# What an OrderView needs, loaded with the orders in two extra queries, not one per order.
EVERYTHING = (selectinload(Order.lines), selectinload(Order.producer))


def _existing_checkout(session: Session, user_id: int, key: str) -> PlacedCheckout | None:
    """The orders this key placed already, if it did (a double tap, a redelivery)."""
    checkout = session.scalar(select(Checkout).where(Checkout.idempotency_key == key))
    if checkout is None:
        return None
    if checkout.user_id != user_id:
        raise NotAllowed
    orders = session.scalars(
        select(Order)
        .where(Order.checkout_id == checkout.id)
        .options(*EVERYTHING)
        .order_by(Order.id)
    )
    return PlacedCheckout(checkout.id, tuple(order_view(o) for o in orders), created=False)


async def place_order(
    uow: UnitOfWork,
    *,
    user_id: int,
    details: DeliveryDetails,
    payment: PaymentMethod,
    idempotency_key: str,
    locale: str = "vi",
    reviewed: str | None = None,
    source: str | None = None,
) -> PlacedCheckout:
    """Turn the cart into one order per producer, or change nothing at all.

    Prices and stock are read again here; each product's stock is taken with one conditional
    UPDATE, so concurrent checkouts can never sell more than there is. With ``reviewed`` (the
    fingerprint of the cart the customer confirmed), a cart or price that differs in this
    very transaction raises CartChanged. The key makes a repeated confirmation return the
    orders it already placed. ``source``: the kind of deep link the customer came through
    (``catalog.services.links.order_source``).
    """
    order = NewOrder(user_id, idempotency_key, payment, details, locale, reviewed, source)
    try:
        placed, sold = await uow.short_write(lambda connection: _place(Session(connection), order))
    except IntegrityError:
        # The same key was committed concurrently (a double tap racing itself).
        async with uow.reading():
            existing = await uow.session.run_sync(
                lambda session: _existing_checkout(session, user_id, idempotency_key)
            )
        if existing is None:
            raise
        return existing
    if placed.created:
        uow.committed_elsewhere(products=sold, outbox=True)
    return placed


def _place(session: Session, order: NewOrder) -> tuple[PlacedCheckout, tuple[int, ...]]:
    """The whole order transaction, on one connection (the caller commits it); with the
    products whose stock it took."""
    user_id, details = order.user_id, order.details
    with session:
        existing = _existing_checkout(session, user_id, order.key)
        if existing is not None:
            return existing, ()
        cart = cart_view(session.execute(cart_query(user_id)).all())
        if cart.is_empty:
            raise EmptyCart
        checkout = Checkout(user_id=user_id, idempotency_key=order.key)
        session.add(checkout)
        session.flush()

        shortages: list[Shortage] = []
        # Stock and price after each line's conditional UPDATE, which also locks the product.
        after: dict[int, tuple[int, int]] = {}
        # In product order: two checkouts locking the same products in different orders
        # would deadlock (PostgreSQL locks each row its UPDATE touches until the commit).
        for line in sorted(cart.lines, key=lambda line: line.product_id):
            taken = session.execute(
                update(Product)
                .where(
                    Product.id == line.product_id,
                    Product.active.is_(True),
                    Product.stock >= line.quantity,
                )
                .values(stock=Product.stock - line.quantity)
                .returning(Product.stock, Product.price)
            ).first()
            if taken is None:
                product = session.get(Product, line.product_id)
                available = product.stock if product is not None and product.active else 0
                shortages.append(
                    Shortage(line.product_id, line.name_vi, line.name_en, line.quantity, available)
                )
            else:
                after[line.product_id] = (taken.stock, taken.price)
        if shortages:
            in_cart = [line.product_id for line in cart.lines]
            shortages.sort(key=lambda shortage: in_cart.index(shortage.product_id))
            raise ItemsUnavailable(shortages)

        # Prices as they are now, read by the transaction that sells: what is compared here
        # is what is charged.
        prices = {product_id: price for product_id, (_stock, price) in after.items()}
        charged = fingerprint(
            (ln.product_id, ln.quantity, prices[ln.product_id]) for ln in cart.lines
        )
        if order.reviewed is not None and charged != order.reviewed:
            raise CartChanged
        producers = {
            producer.id: producer
            for producer in session.scalars(
                select(Producer).where(Producer.id.in_([g.producer_id for g in cart.groups]))
            )
        }
        # A statement per order (its number is its id), then one per table for all the rest.
        placed = [
            (_insert_order(session, order, checkout.id, producers[g.producer_id], g, prices), g)
            for g in cart.groups
        ]
        views = [view for view, _group in placed]
        session.execute(
            insert(OrderLine),
            [
                {"order_id": view.id, "product_id": product_id, **asdict(line)}
                for view, group in placed
                for product_id, line in zip(
                    (line.product_id for line in group.lines), view.lines, strict=True
                )
            ],
        )
        session.execute(
            insert(OrderStatusChange),
            [
                {"order_id": view.id, "old_status": None, "new_status": OrderStatus.new}
                for view in views
            ],
        )
        outbox.alert_producers(session, [(view.id, view.producer_id) for view in views])
        _audit_moves(
            session,
            [
                (line.product_id, -line.quantity, view.number)
                for view, group in placed
                for line in group.lines
            ],
            {product_id: stock for product_id, (stock, _price) in after.items()},
            user_id,
            ChangeReason.order,
        )
        cart_id = select(Cart.id).where(Cart.user_id == user_id).scalar_subquery()
        session.execute(delete(CartLine).where(CartLine.cart_id == cart_id))
        session.execute(
            update(User)
            .where(User.id == user_id)
            .values(
                recipient_name=details.recipient_name,
                phone=details.phone,
                address_province=details.province,
                address_ward=details.ward,
                address_street=details.street,
            )
        )
        session.flush()
        sold = tuple(line.product_id for line in cart.lines)
        return PlacedCheckout(checkout.id, tuple(views), created=True), sold


@dataclass(frozen=True, slots=True)
class NewOrder:
    """A confirmation: what the orders of one checkout share."""

    user_id: int
    key: str
    payment: PaymentMethod
    details: DeliveryDetails
    locale: str
    reviewed: str | None
    source: str | None


def _insert_order(
    session: Session,
    new: NewOrder,
    checkout_id: int,
    producer: Producer,
    group: ProducerGroup,
    prices: dict[int, int],
) -> OrderView:
    """One producer's order, inserted; returns its view (the lines are inserted by the caller)."""
    lines = tuple(
        OrderLineView(
            sku=line.sku,
            name_vi=line.name_vi,
            name_en=line.name_en,
            unit_vi=line.unit_vi,
            unit_en=line.unit_en,
            unit_price=prices[line.product_id],
            quantity=line.quantity,
        )
        for line in group.lines
    )
    total = sum(line.line_total for line in lines)
    now = utcnow()
    details = new.details
    order_id = session.scalar(
        insert(Order)
        .values(
            checkout_id=checkout_id,
            user_id=new.user_id,
            producer_id=producer.id,
            status=OrderStatus.new,
            payment_method=new.payment,
            locale=new.locale,
            recipient_name=details.recipient_name,
            phone=details.phone,
            address_province=details.province,
            address_ward=details.ward,
            address_street=details.street,
            note=details.note,
            total=total,
            source=new.source,
            created_at=now,
            updated_at=now,
        )
        .returning(Order.id)
    )
    assert order_id is not None
    return OrderView(
        id=order_id,
        number=format_order_number(order_id),
        checkout_id=checkout_id,
        user_id=new.user_id,
        producer_id=producer.id,
        producer_name_vi=producer.name_vi,
        producer_name_en=producer.name_en,
        status=OrderStatus.new,
        payment_method=new.payment,
        details=details,
        total=total,
        created_at=now,
        lines=lines,
        bank_bin=producer.bank_bin,
        bank_account=producer.bank_account,
        bank_account_name=producer.bank_account_name,
        locale=new.locale,
    )


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
        lambda session: _audit_moves(session, moves, stocks, actor_id, reason)
    )


def _audit_moves(
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


async def find_checkout(uow: UnitOfWork, *, user_id: int, key: str) -> PlacedCheckout | None:
    """The orders a confirmation key already placed, if it did."""
    async with uow.reading():
        return await uow.session.run_sync(
            lambda session: _existing_checkout(session, user_id, key)
        )


async def list_orders(uow: UnitOfWork, *, user_id: int, page: int = 0) -> OrderPage:
    """The customer's orders, newest first, a page at a time."""
    async with uow.reading():
        count = await uow.session.scalar(
            select(func.count()).select_from(Order).where(Order.user_id == user_id)
        )
        pages = max(1, -(-(count or 0) // ORDERS_PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        orders = await uow.session.scalars(
            select(Order)
            .where(Order.user_id == user_id)
            .options(*EVERYTHING)
            .order_by(Order.created_at.desc(), Order.id.desc())
            .offset(page * ORDERS_PAGE_SIZE)
            .limit(ORDERS_PAGE_SIZE)
        )
        return OrderPage(tuple(order_view(order) for order in orders), page, pages)


async def _customer_order(uow: UnitOfWork, user_id: int, order_id: int) -> Order:
    order = await uow.session.scalar(
        select(Order).where(Order.id == order_id).options(*EVERYTHING)
    )
    if order is None:
        raise OrderNotFound(order_id)
    if order.user_id != user_id:
        raise NotAllowed
    return order


async def get_order(uow: UnitOfWork, *, user_id: int, order_id: int) -> OrderView:
    """One of the customer's own orders; anyone else's is refused."""
    async with uow.reading():
        return order_view(await _customer_order(uow, user_id, order_id))


async def cancel_order_by_customer(uow: UnitOfWork, *, user_id: int, order_id: int) -> OrderView:
    """Cancel a customer's order while it is still new; its stock returns to the shelf."""
    async with uow:
        order = await _customer_order(uow, user_id, order_id)
        # Conditional on the status, so a producer accepting at the same moment wins cleanly.
        changed = await uow.session.execute(
            update(Order)
            .where(Order.id == order_id, Order.status == OrderStatus.new)
            .values(status=OrderStatus.cancelled)
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise InvalidTransition(order.status.value, OrderStatus.cancelled.value)
        await return_stock(uow, order, user_id)
        uow.session.add(
            OrderStatusChange(
                order_id=order.id,
                old_status=OrderStatus.new,
                new_status=OrderStatus.cancelled,
                actor_id=user_id,
                reason="customer",
            )
        )
        outbox.to_producer(
            uow.session, OutboxKind.order_cancelled, order.producer_id, order_id=order.id
        )
        uow.outbox_written()
        await uow.session.refresh(order)
        view = order_view(order)
        await uow.commit()
        return view


async def saved_details(uow: UnitOfWork, *, user_id: int) -> DeliveryDetails | None:
    """The recipient, phone and address the customer used last time, if complete."""
    async with uow.reading():
        user = await uow.session.get(User, user_id)
        if user is None or not all(
            (
                user.recipient_name,
                user.phone,
                user.address_province,
                user.address_ward,
                user.address_street,
            )
        ):
            return None
        return DeliveryDetails(
            recipient_name=user.recipient_name or "",
            phone=user.phone or "",
            province=user.address_province or "",
            ward=user.address_ward or "",
            street=user.address_street or "",
        )


async def producer_bank_details(uow: UnitOfWork, producer_ids: list[int]) -> dict[int, bool]:
    """Which producers can take a bank transfer (they have a BIN and an account)."""
    async with uow.reading():
        rows = await uow.session.execute(
            select(Producer.id, Producer.bank_bin, Producer.bank_account).where(
                Producer.id.in_(producer_ids)
            )
        )
        return {pid: bool(bin_ and account) for pid, bin_, account in rows}
