"""Gives each update a fresh unit of work; the services it calls own the transactions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog.outbox import OutboxSignal
from catalog.snapshot import CatalogCache
from catalog.uow import UnitOfWork


class UnitOfWorkMiddleware(BaseMiddleware):
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        catalog_cache: CatalogCache | None = None,
        outbox_signal: OutboxSignal | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.catalog_cache = catalog_cache
        self.outbox_signal = outbox_signal

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        data["uow"] = UnitOfWork(self.session_factory, self.catalog_cache, self.outbox_signal)
        return await handler(event, data)
