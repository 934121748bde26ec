"""Placing an order: the cart becomes one order per producer, stock taken atomically."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalog import logcontext, outbox, rules
from catalog.errors import (
    CartChanged,
    CartFull,
    EmptyCart,
    ItemsUnavailable,
    NotAllowed,
    Shortage,
    TransferUnavailable,
)
from catalog.events import ShopEvent
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
    User,
    utcnow,
)
from catalog.services.cart import ProducerGroup, cart_query, cart_view, fingerprint
from catalog.services.orders.stock import audit_moves
from catalog.services.orders.views import (
    EVERYTHING,
    DeliveryDetails,
    OrderView,
    PlacedCheckout,
    details_columns,
    line_view,
    order_view,
)
from catalog.uow import UnitOfWork


def existing_checkout(session: Session, user_id: int, key: str) -> PlacedCheckout | None:
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
    channel: str = "telegram",
    payment_window: timedelta = rules.DEFAULT_PAYMENT_WINDOW,
) -> PlacedCheckout:
    """Turn the cart into one order per producer, or change nothing at all.

    Prices and stock are read again here; each product's stock is taken with one conditional
    UPDATE, so concurrent checkouts can never sell more than there is. With ``reviewed`` (the
    fingerprint of the cart the customer confirmed), a cart or price that differs in this
    very transaction raises CartChanged; a cart of more than ``rules.MAX_CART_LINES``
    products raises CartFull. The key makes a repeated confirmation return the
    orders it already placed. ``source``: the kind of deep link the customer came through
    (``catalog.services.links.order_source``); ``channel``: where the customer ordered, and
    where their news will go. A bank-transfer order is due ``payment_window`` from now, and
    every producer in the cart must still have a bank account (``TransferUnavailable`` names
    those that have none now).
    """
    order = NewOrder(
        user_id, idempotency_key, payment, details, locale, reviewed, source, channel,
        payment_window,
    )  # fmt: skip
    try:
        placed = await uow.short_write(lambda connection: _place(uow, Session(connection), order))
    except IntegrityError:
        # The same key was committed concurrently (a double tap racing itself).
        async with uow.reading():
            existing = await uow.session.run_sync(
                lambda session: existing_checkout(session, user_id, idempotency_key)
            )
        if existing is None:
            raise
        return existing
    logcontext.note(order=",".join(view.number for view in placed.orders))
    return placed


def _place(uow: UnitOfWork, session: Session, order: NewOrder) -> PlacedCheckout:
    """The whole order transaction, on one connection (the caller commits it); the products
    whose stock it took and the alerts it queued are noted on ``uow``."""
    user_id, details = order.user_id, order.details
    with session:
        existing = existing_checkout(session, user_id, order.key)
        if existing is not None:
            return existing
        cart = cart_view(session.execute(cart_query(user_id)).all())
        if cart.is_empty:
            raise EmptyCart
        if len(cart.lines) > rules.MAX_CART_LINES:
            # A cart filled before the cap was one: it is not taken as one order.
            raise CartFull(rules.MAX_CART_LINES)
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
        if order.payment == PaymentMethod.bank_transfer:
            # Offered at the payment step; a producer's bank may have gone since.
            without = [p for p in producers.values() if not (p.bank_bin and p.bank_account)]
            if without:
                raise TransferUnavailable([(p.name_vi, p.name_en) for p in without])
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
        outbox.alert_producers(
            uow,
            session,
            [(view.id, view.producer_id) for view in views],
            groupless=[p.id for p in producers.values() if p.group_chat_id is None],
        )
        audit_moves(
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
        session.execute(update(User).where(User.id == user_id).values(**details_columns(details)))
        session.flush()
        uow.products_changed(line.product_id for line in cart.lines)
        uow.happened(ShopEvent.order_placed, len(views))
        return PlacedCheckout(checkout.id, tuple(views), created=True)


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
    channel: str
    payment_window: timedelta


def _insert_order(
    session: Session,
    new: NewOrder,
    checkout_id: int,
    producer: Producer,
    group: ProducerGroup,
    prices: dict[int, int],
) -> OrderView:
    """One producer's order, inserted; returns its view (the lines are inserted by the caller)."""
    lines = tuple(line_view(line, prices[line.product_id]) for line in group.lines)
    now = utcnow()
    total = sum(line.line_total for line in lines)
    transfer = new.payment == PaymentMethod.bank_transfer
    # What the order's row and its view share.
    shared = {
        "checkout_id": checkout_id, "user_id": new.user_id, "producer_id": producer.id,
        "status": OrderStatus.new, "payment_method": new.payment, "locale": new.locale,
        "total": total, "created_at": now, "channel": new.channel,
        "payment_status": rules.payment_status(new.payment, OrderStatus.new, total, 0),
        "payment_due_at": now + new.payment_window if transfer else None,
    }  # fmt: skip
    order_id = session.scalar(
        insert(Order)
        .values(
            **shared,
            **details_columns(new.details),
            note=new.details.note,
            source=new.source,
            updated_at=now,
        )
        .returning(Order.id)
    )
    assert order_id is not None
    return OrderView(
        id=order_id,
        number=rules.format_order_number(order_id),
        producer_code=producer.code,
        producer_name_vi=producer.name_vi,
        producer_name_en=producer.name_en,
        details=new.details,
        lines=lines,
        bank_bin=producer.bank_bin,
        bank_account=producer.bank_account,
        bank_account_name=producer.bank_account_name,
        **shared,  # type: ignore[arg-type]
    )
