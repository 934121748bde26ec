"""Gives each update a fresh unit of work; the services it calls own the transactions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from bot.middlewares import Handler
from catalog.uow import UnitOfWork


class UnitOfWorkMiddleware(BaseMiddleware):
    """Hands each update ``uow``, made by ``new_uow``. The senders are woken for what the
    update queued once its handler has returned, so its own reply goes first."""

    def __init__(self, new_uow: Callable[[], UnitOfWork]) -> None:
        self.new_uow = new_uow

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        uow = data["uow"] = self.new_uow()
        with uow.senders_woken_after():
            return await handler(event, data)
