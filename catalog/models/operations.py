"""What the shop keeps about its own running: the warnings its admins were given."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from catalog.models.base import Base, utcnow


class AdminWarning(Base):
    """A cause the admins were warned of (a stuck outbox, a group out of reach, …): one row
    per cause and subject, shared by every process so that each is told once."""

    __tablename__ = "admin_warnings"

    cause: Mapped[str] = mapped_column(String(32), primary_key=True)
    # What it is about within the cause (a queue, a producer, a worker); "" for the shop.
    subject: Mapped[str] = mapped_column(String(100), primary_key=True, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    told_at: Mapped[datetime] = mapped_column(default=utcnow)
    # None while the cause lasts.
    resolved_at: Mapped[datetime | None] = mapped_column()
