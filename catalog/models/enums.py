"""Where an order is, how it is paid and whether it is: string enums without SQLAlchemy,
which the shop's rules (``catalog.rules``) read."""

from __future__ import annotations

import enum


class OrderStatus(enum.StrEnum):
    new = "new"
    accepted = "accepted"
    shipped = "shipped"
    delivered = "delivered"
    cancelled = "cancelled"


class PaymentMethod(enum.StrEnum):
    cod = "cod"
    bank_transfer = "bank_transfer"


class PaymentStatus(enum.StrEnum):
    """Whether the money of an order has come (``catalog.rules.payment_status`` decides)."""

    on_delivery = "on_delivery"  # cash on delivery, not delivered yet
    awaiting = "awaiting"  # a bank transfer, nothing received yet
    part_paid = "part_paid"  # less than the total received
    paid = "paid"
    over_paid = "over_paid"  # more than the total received: the excess is owed back
    refund_owed = "refund_owed"  # money received for an order that was cancelled
    refunded = "refunded"  # what was owed back has been returned


class PaymentProvider(enum.StrEnum):
    """The services that tell the shop of bank transfers to a producer's account."""

    sepay = "sepay"
    casso = "casso"
    payos = "payos"


class NotificationState(enum.StrEnum):
    """What became of a bank notification."""

    received = "received"  # stored, not applied yet
    applied = "applied"  # counted on an order
    unmatched = "unmatched"  # no order, or several: waits for a person
    ignored = "ignored"  # money out, a provider's test, another shop's account


class Channel(enum.StrEnum):
    """Where a customer shops; their carts, details, orders and news belong to it."""

    telegram = "telegram"
    messenger = "messenger"
