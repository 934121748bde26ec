"""The fixed lists the tables store, as string enums (no SQLAlchemy here)."""

from __future__ import annotations

import enum


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


class ChangeReason(enum.StrEnum):
    command = "command"
    wizard = "wizard"
    import_ = "import"
    order = "order"
    cancellation = "cancellation"
