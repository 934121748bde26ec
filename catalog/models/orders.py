"""Carts, checkouts, orders and what happened to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog import rules
from catalog.models.base import Base, enum_column, utcnow
from catalog.models.enums import OrderStatus, PaymentMethod, PaymentStatus
from catalog.models.products import Producer, Product


class Cart(Base):
    __tablename__ = "carts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    lines: Mapped[list[CartLine]] = relationship(
        back_populates="cart", cascade="all, delete-orphan"
    )


class CartLine(Base):
    __tablename__ = "cart_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    cart: Mapped[Cart] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


class Checkout(Base):
    """One press of "Confirm": the orders it created share it; its key makes a retry harmless."""

    __tablename__ = "checkouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    orders: Mapped[list[Order]] = relationship(back_populates="checkout")


class Order(Base):
    """The part of a checkout that one producer fulfils."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total > 0", name="total_positive"),
        Index("ix_orders_user_created", "user_id", "created_at"),
        Index("ix_orders_producer_status", "producer_id", "status"),
        Index("ix_orders_payment_due", "payment_status", "payment_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkout_id: Mapped[int] = mapped_column(ForeignKey("checkouts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"))
    status: Mapped[OrderStatus] = mapped_column(
        enum_column(OrderStatus, "order_status"), default=OrderStatus.new
    )
    payment_method: Mapped[PaymentMethod] = mapped_column(
        enum_column(PaymentMethod, "payment_method")
    )
    recipient_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20))
    address_province: Mapped[str] = mapped_column(String(100))
    address_ward: Mapped[str] = mapped_column(String(100))
    address_street: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(String(500), default="")
    total: Mapped[int] = mapped_column(BigInteger)
    # Where its money stands (catalog.rules.payment_status), from what came in and went back.
    payment_status: Mapped[PaymentStatus] = mapped_column(
        enum_column(PaymentStatus, "payment_status"),
        default=PaymentStatus.awaiting,
        server_default=PaymentStatus.awaiting.value,
    )
    amount_paid: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    amount_refunded: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # A bank-transfer order unpaid by then is cancelled; its customer is reminded once before.
    payment_due_at: Mapped[datetime | None] = mapped_column()
    payment_reminded: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The customer's language when ordering: their notices are written in it.
    locale: Mapped[str] = mapped_column(String(2), default="vi", server_default="vi")
    # The producer group's message about this order, edited as its status changes.
    alert_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    alert_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # The kind of deep link the customer came through before ordering; None: no link.
    source: Mapped[str | None] = mapped_column(String(16))
    # The channel the customer ordered on, where their news goes (catalog.models.User).
    channel: Mapped[str] = mapped_column(String(16), default="telegram", server_default="telegram")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    checkout: Mapped[Checkout] = relationship(back_populates="orders")
    producer: Mapped[Producer] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )
    history: Mapped[list[OrderStatusChange]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderStatusChange.id"
    )

    @property
    def number(self) -> str:
        """The number people read aloud and type into a bank transfer: ``DH01024``."""
        return rules.format_order_number(self.id)


class OrderLine(Base):
    """A product as it was sold: name, unit and price are copied, later edits don't change it."""

    __tablename__ = "order_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    sku: Mapped[str] = mapped_column(String(32))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit_vi: Mapped[str] = mapped_column(String(50))
    unit_en: Mapped[str] = mapped_column(String(50))
    unit_price: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(Integer)

    order: Mapped[Order] = relationship(back_populates="lines")

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


class OrderStatusChange(Base):
    __tablename__ = "order_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    old_status: Mapped[OrderStatus | None] = mapped_column(enum_column(OrderStatus, "old_status"))
    new_status: Mapped[OrderStatus] = mapped_column(enum_column(OrderStatus, "new_status"))
    # The Telegram id of whoever pressed the button; None for the system.
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    # The Zalo id of the producer's staff member who typed the command, when it came from Zalo.
    zalo_actor: Mapped[str | None] = mapped_column(String(64))
    # The name of whoever moved it, as they were called then ("" for the system): a refused
    # step says who did it.
    actor_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="history")
