"""The people who talk to the bot, the links that brought them, where they are in a
conversation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from catalog.models.base import Base, utcnow


class User(Base):
    """A customer — a person on a channel — with their language and saved details.

    On Telegram ``id`` is the person's Telegram id (positive: Telegram documents at most 52
    bits); a person on another channel is known there by ``external_id`` (Messenger's
    page-scoped id) and gets a negative ``id`` from the shop (catalog.services.users)."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(16), default="telegram", server_default="telegram")
    external_id: Mapped[str | None] = mapped_column(String(64))
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


class PersonNumber(Base):
    """The last id the shop gave a person on a channel other than Telegram (one row): taking
    the next one is one UPDATE, which concurrent workers wait for in turn."""

    __tablename__ = "person_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger, default=0)


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
