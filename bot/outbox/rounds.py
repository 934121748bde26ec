"""A sender's task, for the Telegram and the Zalo outbox alike: rounds while there is work,
then a wait for a commit's signal (or the poll interval); stopped between rounds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from bot.tasks import cancel_and_wait
from catalog.outbox import OutboxSignal

log = logging.getLogger(__name__)


class Rounds:
    def __init__(self, name: str, signal: OutboxSignal, poll_seconds: float) -> None:
        self.name = name
        self.signal = signal
        self.poll_seconds = poll_seconds
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self, round_: Callable[[], Awaitable[int]]) -> None:
        """Run ``round_`` (which returns how many rows it settled) until stopped."""
        self._stopping = False  # an elected sender may stop and start again
        self._task = asyncio.create_task(self._run(round_), name=self.name)

    async def stop(self) -> None:
        """Finish the round under way (cancelling it mid-query would upset the database
        driver), then stop; a round that hangs is cancelled after a few seconds."""
        if self._task is None:
            return
        self._stopping = True
        self.signal.notify()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=5)
        except TimeoutError:
            await cancel_and_wait(self._task)
        self._task = None

    async def _run(self, round_: Callable[[], Awaitable[int]]) -> None:
        while not self._stopping:
            try:
                settled = await round_()
            except Exception:
                # A bug in one round must not stop deliveries for good.
                log.exception("%s: round failed", self.name)
                settled = 0
            if not settled and not self._stopping:
                await self.signal.wait(self.poll_seconds)


async def settle_all(name: str, deliveries: Iterable[Awaitable[int]]) -> int:
    """Run the chats' deliveries side by side; how many rows they settled. One that fails
    is logged, and the others' count stands."""
    results = await asyncio.gather(*deliveries, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            log.error("%s: delivery failed", name, exc_info=result)
    return sum(result for result in results if isinstance(result, int))
