"""``db upgrade``: create or migrate the database's schema."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli.common import Commands, add_command, database
from bot.config import Config
from catalog import migrate


def add_commands(commands: Commands, common: argparse.ArgumentParser) -> None:
    db = commands.add_parser("db", parents=[common], help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = add_command(
        db_commands,
        "upgrade",
        _upgrade,
        parents=[common],
        help="migrate the database to the newest schema",
        description="Create or migrate the database named by DATABASE_URL.",
    )
    upgrade.add_argument("revision", nargs="?", default="head", help="target (default: head)")


def _upgrade(config: Config, args: argparse.Namespace) -> int:
    asyncio.run(_db_upgrade(config, args.revision))
    return 0


async def _db_upgrade(config: Config, revision: str) -> None:
    async with database(config) as engine:
        await migrate.upgrade(engine, revision)
        print(f"database at {await migrate.current_revision(engine)}")
