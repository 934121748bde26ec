"""The shop's tables, as SQLAlchemy 2 typed ORM classes."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Alembic's batch mode on SQLite recreates tables and needs every constraint to have a name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        # SQLite keeps no zone: what we stored was UTC.
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
    }


class ProducerKind(enum.StrEnum):
    cooperative = "cooperative"
    company = "company"
    household = "household"


class OrderStatus(enum.StrEnum):
    new = "new"
    accepted = "accepted"
    shipped = "shipped"
    delivered = "delivered"
    cancelled = "cancelled"


class PaymentMethod(enum.StrEnum):
    cod = "cod"
    bank_transfer = "bank_transfer"


class OutboxStatus(enum.StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings with a CHECK, identical on SQLite and PostgreSQL.
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=16)


class Producer(Base):
    """An OCOP producer (chủ thể): a cooperative, a company or a household business."""

    __tablename__ = "producers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ProducerKind] = mapped_column(_enum(ProducerKind, "producer_kind"))
    ward: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(100))
    street: Mapped[str] = mapped_column(String(200), default="")
    description_vi: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str | None] = mapped_column(String(20))
    bank_bin: Mapped[str | None] = mapped_column(String(6))
    bank_account: Mapped[str | None] = mapped_column(String(19))
    bank_account_name: Mapped[str | None] = mapped_column(String(100))
    group_chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    group_language: Mapped[str] = mapped_column(String(2), default="vi")
    # Admins are told once that orders wait for this producer's group; linking resets it.
    unlinked_warning_sent: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    products: Mapped[list[Product]] = relationship(back_populates="producer")


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_vi: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("ocop_stars BETWEEN 3 AND 5", name="ocop_stars_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_vi: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    unit_vi: Mapped[str] = mapped_column(String(50))
    unit_en: Mapped[str] = mapped_column(String(50))
    # Whole đồng: VND has no minor unit, and money is never a float.
    price: Mapped[int] = mapped_column(BigInteger)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    ocop_stars: Mapped[int] = mapped_column(Integer)
    ocop_year: Mapped[int] = mapped_column(Integer)
    # A path relative to the media directory; the Telegram file id is cached after a first send.
    photo: Mapped[str | None] = mapped_column(String(255))
    photo_file_id: Mapped[str | None] = mapped_column(String(255))
    # Names and descriptions folded (no diacritics, lower case, đ -> d) for search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    producer: Mapped[Producer] = relationship(back_populates="products")
    category: Mapped[Category] = relationship()


class User(Base):
    """A Telegram user who has talked to the bot, with their language and saved details."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str | None] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(64))
    # None until the user picks one; Telegram's language_code decides meanwhile.
    language: Mapped[str | None] = mapped_column(String(2))
    # What Telegram last said the user's app speaks: messages sent outside a conversation
    # (notices, alerts) use it while ``language`` is None.
    telegram_language: Mapped[str | None] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(20))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    address_province: Mapped[str | None] = mapped_column(String(100))
    address_ward: Mapped[str | None] = mapped_column(String(100))
    address_street: Mapped[str | None] = mapped_column(String(300))
    # The kind of deep link that brought the user on first contact (catalog.links.LinkSource).
    source: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


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
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkout_id: Mapped[int] = mapped_column(ForeignKey("checkouts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"))
    status: Mapped[OrderStatus] = mapped_column(
        _enum(OrderStatus, "order_status"), default=OrderStatus.new
    )
    payment_method: Mapped[PaymentMethod] = mapped_column(_enum(PaymentMethod, "payment_method"))
    recipient_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20))
    address_province: Mapped[str] = mapped_column(String(100))
    address_ward: Mapped[str] = mapped_column(String(100))
    address_street: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(String(500), default="")
    total: Mapped[int] = mapped_column(BigInteger)
    # The customer's language when ordering: their notices are written in it.
    locale: Mapped[str] = mapped_column(String(2), default="vi", server_default="vi")
    # The producer group's message about this order, edited as its status changes.
    alert_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    alert_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # The kind of deep link the customer came through before ordering; None: no link.
    source: Mapped[str | None] = mapped_column(String(16))
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
        return format_order_number(self.id)


def format_order_number(order_id: int) -> str:
    return f"DH{order_id:05d}"


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
    old_status: Mapped[OrderStatus | None] = mapped_column(_enum(OrderStatus, "old_status"))
    new_status: Mapped[OrderStatus] = mapped_column(_enum(OrderStatus, "new_status"))
    # The Telegram id of whoever pressed the button; None for the system.
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    # The Zalo id of the producer's staff member who typed the command, when it came from Zalo.
    zalo_actor: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="history")


class OutboxMessage(Base):
    """A message that must reach someone, written in the same transaction as its cause."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    # Exactly one recipient: a user's private chat, or a producer's group (resolved when sent,
    # so alerts written before the group is linked still arrive).
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producers.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[OutboxStatus] = mapped_column(
        _enum(OutboxStatus, "outbox_status"), default=OutboxStatus.pending
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()


class GroupLinkCode(Base):
    """A single-use code that links a Telegram group to a producer; valid for 15 minutes."""

    __tablename__ = "group_link_codes"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"))
    created_by: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    used_in_chat: Mapped[int | None] = mapped_column(BigInteger)


class ZaloStaff(Base):
    """A producer's staff member who gets the producer's orders in a private Zalo chat."""

    __tablename__ = "zalo_staff"

    zalo_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    language: Mapped[str] = mapped_column(String(2), default="vi")
    # The Telegram id of the admin or manager whose code was used.
    linked_by: Mapped[int | None] = mapped_column(BigInteger)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


class ZaloLinkCode(Base):
    """A single-use code that links a Zalo account to a producer; valid for 15 minutes."""

    __tablename__ = "zalo_link_codes"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"))
    created_by: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    used_by: Mapped[str | None] = mapped_column(String(64))


class ZaloOutboxMessage(Base):
    """A message for a Zalo chat, written in the same transaction as its cause.

    Rows for a producer (``zalo_id`` empty) are fanned out to the staff linked when they are
    sent; ``parts_sent`` lets a long message that was cut short resume where it stopped.
    """

    __tablename__ = "zalo_outbox"
    __table_args__ = (Index("ix_zalo_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    zalo_id: Mapped[str | None] = mapped_column(String(64))
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producers.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[OutboxStatus] = mapped_column(
        _enum(OutboxStatus, "zalo_outbox_status"), default=OutboxStatus.pending
    )
    attempts: Mapped[int] = mapped_column(default=0)
    parts_sent: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()


class ZaloUsage(Base):
    """Messages sent to Zalo per month (the free plan allows 3,000)."""

    __tablename__ = "zalo_usage"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-12"
    messages: Mapped[int] = mapped_column(default=0)
    # Admins were told this month that the quota is nearly spent.
    warned: Mapped[bool] = mapped_column(default=False, server_default=false())


class ZaloInbound(Base):
    """Zalo messages already handled: getUpdates has no offset, so a message may come twice."""

    __tablename__ = "zalo_inbound"

    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ChangeReason(enum.StrEnum):
    command = "command"
    wizard = "wizard"
    import_ = "import"
    order = "order"
    cancellation = "cancellation"


class ProductChange(Base):
    """The audit trail: who changed what about a product, when, from what to what, and why."""

    __tablename__ = "product_changes"
    __table_args__ = (Index("ix_product_changes_product_created", "product_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    # A Telegram user id; None for the system or the command line.
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str] = mapped_column(String(500), default="")
    new_value: Mapped[str] = mapped_column(String(500), default="")
    reason: Mapped[ChangeReason] = mapped_column(_enum(ChangeReason, "change_reason"))
    # The order or the import this change belongs to, when there is one.
    reference: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProducerManager(Base):
    """A Telegram user who manages one producer's products, group and orders."""

    __tablename__ = "producer_managers"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LinkVisit(Base):
    """A deep link opened (a QR code scanned, a shared link tapped): who, what, from where."""

    __tablename__ = "link_visits"
    __table_args__ = (Index("ix_link_visits_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(16))
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    # True when this link brought the user to the shop for the first time.
    first_contact: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationState(Base):
    """Where each user is in a conversation (aiogram FSM), kept across restarts."""

    __tablename__ = "conversation_states"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


__all__ = [
    "Base",
    "Cart",
    "CartLine",
    "Category",
    "ChangeReason",
    "Checkout",
    "ConversationState",
    "GroupLinkCode",
    "LinkVisit",
    "Order",
    "OrderLine",
    "OrderStatus",
    "OrderStatusChange",
    "OutboxMessage",
    "OutboxStatus",
    "PaymentMethod",
    "Producer",
    "ProducerKind",
    "ProducerManager",
    "Product",
    "ProductChange",
    "User",
    "ZaloInbound",
    "ZaloLinkCode",
    "ZaloOutboxMessage",
    "ZaloStaff",
    "ZaloUsage",
]
