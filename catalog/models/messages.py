"""Messages that must arrive (Telegram and Zalo outboxes), the codes that link a group or a
Zalo account to a producer, and the Zalo channel's own bookkeeping."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from catalog.models.base import Base, enum_column, utcnow


class OutboxStatus(enum.StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


class _Delivery:
    """What a sender keeps about a message: its tries, when to try next, how it ended."""

    # Key and kind first in the table, as the migrations created them.
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    kind: Mapped[str] = mapped_column(String(32), sort_order=-1)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()


class OutboxMessage(_Delivery, Base):
    """A message that must reach someone, written in the same transaction as its cause."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    # Exactly one recipient: a user's private chat, or a producer's group (resolved when sent,
    # so alerts written before the group is linked still arrive).
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producers.id"))
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.pending
    )


class ZaloOutboxMessage(_Delivery, Base):
    """A message for a Zalo chat, written in the same transaction as its cause.

    Rows for a producer (``zalo_id`` empty) are fanned out to the staff linked when they are
    sent; ``parts_sent`` lets a long message that was cut short resume where it stopped.
    """

    __tablename__ = "zalo_outbox"
    __table_args__ = (Index("ix_zalo_outbox_status_next", "status", "next_attempt_at"),)

    zalo_id: Mapped[str | None] = mapped_column(String(64))
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producers.id"))
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "zalo_outbox_status"), default=OutboxStatus.pending
    )
    parts_sent: Mapped[int] = mapped_column(default=0)


class _LinkCode:
    """A single-use code that links something to a producer; valid for 15 minutes."""

    code: Mapped[str] = mapped_column(String(16), primary_key=True, sort_order=-1)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"))
    created_by: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()


class GroupLinkCode(_LinkCode, Base):
    """A code that links a Telegram group to a producer."""

    __tablename__ = "group_link_codes"

    used_in_chat: Mapped[int | None] = mapped_column(BigInteger)


class ZaloLinkCode(_LinkCode, Base):
    """A code that links a Zalo account to a producer."""

    __tablename__ = "zalo_link_codes"

    used_by: Mapped[str | None] = mapped_column(String(64))


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


class ZaloUsage(Base):
    """Messages sent to Zalo per month (the free plan allows 3,000)."""

    __tablename__ = "zalo_usage"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-12"
    messages: Mapped[int] = mapped_column(default=0)


class ZaloStranger(Base):
    """Someone on Zalo who is not linked, and when the bot last answered them: they get at
    most one answer a day, so that strangers do not spend the month's messages."""

    __tablename__ = "zalo_strangers"

    zalo_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ZaloInbound(Base):
    """Zalo messages already handled: getUpdates has no offset, so a message may come twice."""

    __tablename__ = "zalo_inbound"

    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class MessengerOutboxMessage(_Delivery, Base):
    """News for a customer on Messenger (``user_id`` is the shop's id of them), written in the
    same transaction as its cause. Outside Messenger's 24-hour window it waits for the
    customer's next message (``next_attempt_at`` far ahead, brought forward when they write)."""

    __tablename__ = "messenger_outbox"
    __table_args__ = (
        Index("ix_messenger_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_messenger_outbox_user", "user_id"),
    )

    user_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "messenger_outbox_status"), default=OutboxStatus.pending
    )


class MessengerInbound(Base):
    """Messenger events already handled, by ``mid`` (Meta may deliver one twice, to any
    worker); the newest per person also tells when their 24-hour window opened."""

    __tablename__ = "messenger_inbound"
    __table_args__ = (Index("ix_messenger_inbound_psid_received", "psid", "received_at"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    psid: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
