"""Background asyncio tasks: stopping one the same way wherever the bot runs one, and the
duties that one process of the shop does for all (sending the outbox, scheduled backups)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from aiogram import Bot


async def cancel_and_wait(task: asyncio.Task[Any]) -> None:
    """Cancel ``task`` and wait until it has finished; its cancellation is not re-raised."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


class Duty(Protocol):
    """Work that one process does for the whole shop (the one elected among workers)."""

    async def start(self, bot: Bot) -> None: ...

    async def stop(self) -> None: ...


class Duties:
    """Several duties started and stopped together (stopped in the reverse order)."""

    def __init__(self, duties: Sequence[Duty]) -> None:
        self.duties = tuple(duties)

    async def start(self, bot: Bot) -> None:
        for duty in self.duties:
            await duty.start(bot)

    async def stop(self) -> None:
        for duty in reversed(self.duties):
            await duty.stop()
