"""Where an order is and how it is paid: string enums without SQLAlchemy, which the shop's
rules (``catalog.rules``) read."""

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


class Channel(enum.StrEnum):
    """Where a customer shops; their carts, details, orders and news belong to it."""

    telegram = "telegram"
    messenger = "messenger"
