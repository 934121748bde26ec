"""What the outbox senders and the Zalo conversation work with: the database, the locales and
the outbox signal, and a fresh unit of work for each step."""

from __future__ import annotations

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog.outbox import OutboxSignal
from catalog.uow import UnitOfWork


class Worker:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        i18n: I18n,
        signal: OutboxSignal,
    ) -> None:
        self.session_factory = session_factory
        self.i18n = i18n
        self.signal = signal

    def _uow(self) -> UnitOfWork:
        # One per step: a sender delivers destinations side by side, each in its own
        # transactions; what a commit puts in the outbox rings ``signal``.
        return UnitOfWork(self.session_factory, outbox_signal=self.signal)
