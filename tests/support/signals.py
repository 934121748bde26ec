"""Watching the signal that wakes the outbox senders."""

from __future__ import annotations

import asyncio

from catalog.outbox import OutboxSignal


async def woken(signal: OutboxSignal) -> bool:
    """Whether the signal was notified (and clears it)."""
    waiting = asyncio.create_task(signal.wait(5))
    try:
        await asyncio.wait_for(asyncio.shield(waiting), 0.2)
    except TimeoutError:
        waiting.cancel()
        return False
    return True
