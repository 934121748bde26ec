"""Waiting for an emulator to change: a probe re-run after every change until it finds
what it waits for, shared by the Telegram and the Zalo emulator."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class Changes:
    """Who waits for a change, in general or in one chat, and waking them: the base of an
    emulator's state."""

    def __init__(self) -> None:
        self.closing = False
        self._waiters: set[asyncio.Future[None]] = set()
        # Waiters that care about one chat only: woken by that chat's changes (cheap with
        # hundreds of people waiting at once).
        self._by_chat: defaultdict[Hashable, set[asyncio.Future[None]]] = defaultdict(set)

    def notify(self, chat_id: Hashable | None = None, *, everyone: bool = False) -> None:
        """Wake the general waiters, and those of ``chat_id`` (or of every chat)."""
        waiting = [*self._waiters]
        self._waiters.clear()
        if everyone:
            for waiters in self._by_chat.values():
                waiting += waiters
            self._by_chat.clear()
        elif chat_id is not None:
            waiting += self._by_chat.pop(chat_id, ())
        for waiter in waiting:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_until(
        self,
        probe: Callable[[], T | None],
        timeout: float,  # noqa: ASYNC109 - a deadline for the probe, not for one awaitable
        *,
        chat_id: Hashable | None = None,
    ) -> T | None:
        """Re-run ``probe`` after every change until it returns non-None or time runs out.

        With ``chat_id``, only changes in that chat wake it (the probe must look at nothing
        else)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = probe()
            remaining = deadline - loop.time()
            if result is not None or remaining <= 0 or self.closing:
                return result
            waiter: asyncio.Future[None] = loop.create_future()
            waiters = self._waiters if chat_id is None else self._by_chat[chat_id]
            waiters.add(waiter)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, remaining)
            waiters.discard(waiter)
