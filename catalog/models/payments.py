"""Money for orders: the bank notifications the providers send, what each changed on an
order (its payment history, the audit trail of money), and the payOS links of orders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from catalog.models.base import Base, enum_column, utcnow
from catalog.models.enums import NotificationState, PaymentProvider, PaymentStatus


class PaymentNotification(Base):
    """A transfer a provider told the shop of, stored once (by the provider's id) before
    anything is done with it; a repeat finds it here and changes nothing."""

    __tablename__ = "payment_notifications"
    __table_args__ = (
        UniqueConstraint("provider", "transaction_id"),
        Index("ix_payment_notifications_state_received", "state", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[PaymentProvider] = mapped_column(
        enum_column(PaymentProvider, "payment_provider")
    )
    # SePay's and Casso's transaction id; payOS's payment reference.
    transaction_id: Mapped[str] = mapped_column(String(64))
    # The producer whose account it names (None: no producer has that account).
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producers.id"))
    account_number: Mapped[str] = mapped_column(String(32), default="")
    incoming: Mapped[bool] = mapped_column(default=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[str] = mapped_column(String(500), default="")
    # The order code the provider read in the content (SePay's code, payOS's orderCode).
    code: Mapped[str] = mapped_column(String(64), default="")
    reference: Mapped[str] = mapped_column(String(64), default="")
    transacted_at: Mapped[datetime | None] = mapped_column()
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[NotificationState] = mapped_column(
        enum_column(NotificationState, "notification_state"), default=NotificationState.received
    )
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    # Why it waits for a person (or was ignored), for whoever looks at it.
    note: Mapped[str] = mapped_column(String(200), default="")
    # "webhook", or "reconcile" when the provider's transaction list found it.
    via: Mapped[str] = mapped_column(String(16), default="webhook")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column()


class PaymentChange(Base):
    """The payment history of an order: every sum received or refunded, who recorded it
    (a Telegram id, None for a provider's notification or the shop itself), and the
    payment status before and after."""

    __tablename__ = "payment_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("payment_notifications.id"))
    old_status: Mapped[PaymentStatus] = mapped_column(enum_column(PaymentStatus, "old_payment"))
    new_status: Mapped[PaymentStatus] = mapped_column(enum_column(PaymentStatus, "new_payment"))
    # Received (positive) or refunded (negative), in đồng; 0 for a change of status alone.
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_after: Mapped[int] = mapped_column(BigInteger, default=0)
    # transfer, by_hand, refund, delivery (cash collected), cancelled.
    reason: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentLink(Base):
    """The payOS payment link made for an order (its VietQR is the link's)."""

    __tablename__ = "payment_links"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    order_code: Mapped[int] = mapped_column(BigInteger)
    link_id: Mapped[str] = mapped_column(String(64))
    qr_code: Mapped[str] = mapped_column(String(512))
    checkout_url: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
