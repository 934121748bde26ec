"""What every family of commands shares: exit codes, usage errors, the database."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Config
from catalog.db import create_engine

EXIT_REJECTED = 1
EXIT_USAGE = 2


def usage_error(message: str) -> int:
    print(f"ocop-bot: {message}", file=sys.stderr)
    return EXIT_USAGE


@asynccontextmanager
async def database(config: Config) -> AsyncIterator[AsyncEngine]:
    """An engine on DATABASE_URL for one command, disposed of afterwards."""
    engine = create_engine(config.database.url)
    try:
        yield engine
    finally:
        await engine.dispose()
