"""Producers, categories and products; who manages a producer; the products' audit trail."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.models.base import Base, enum_column, utcnow


class ProducerKind(enum.StrEnum):
    cooperative = "cooperative"
    company = "company"
    household = "household"


class ChangeReason(enum.StrEnum):
    """Why a product changed, in its audit trail."""

    command = "command"
    wizard = "wizard"
    import_ = "import"
    order = "order"
    cancellation = "cancellation"


class Producer(Base):
    """An OCOP producer (chủ thể): a cooperative, a company or a household business."""

    __tablename__ = "producers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ProducerKind] = mapped_column(enum_column(ProducerKind, "producer_kind"))
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
    # The id the group had before it became a supergroup: cards posted there still work.
    former_group_chat_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    group_language: Mapped[str] = mapped_column(String(2), default="vi")
    # Admins were told (once) that this producer's alerts wait: for a group to be linked, or
    # for its group to let the bot post again. Linking, or an alert getting through, resets it.
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
    # The day the certificate was granted; a rating known only by its year has 1 January.
    ocop_granted: Mapped[date] = mapped_column(Date)
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
    reason: Mapped[ChangeReason] = mapped_column(enum_column(ChangeReason, "change_reason"))
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
