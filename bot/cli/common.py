"""What every family of commands shares: exit codes, usage errors, the database."""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TypeAlias

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Config
from catalog.db import create_engine

EXIT_REJECTED = 1
EXIT_USAGE = 2

# What ``main`` runs for a command: its exit status.
Handler = Callable[[Config, argparse.Namespace], int]
# argparse's class for subcommands, generic only to type checkers.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_command(
    commands: Commands,
    name: str,
    handler: Handler,
    *,
    parents: list[argparse.ArgumentParser],
    help: str,
    description: str | None = None,
) -> argparse.ArgumentParser:
    """A command that ``main`` runs as ``handler(config, args)``."""
    command = commands.add_parser(name, parents=parents, help=help, description=description)
    command.set_defaults(handler=handler)
    return command


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
