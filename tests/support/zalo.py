"""The Zalo emulator, started for a test or a module and stopped afterwards."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from emulators.zalo import ZaloEmulator


@contextlib.asynccontextmanager
async def running_zalo(token: str) -> AsyncIterator[ZaloEmulator]:
    """A Zalo emulator on 127.0.0.1 that knows the bot ``token``."""
    emulator = ZaloEmulator()
    emulator.add_bot(token)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()
