"""``db upgrade``, ``db backup``, ``db restore``: the database's schema, and its backups."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.backup import ShopRunning, restore_backup, take_backup
from bot.cli.common import EXIT_REJECTED, Commands, add_command, database
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
    backup = add_command(
        db_commands,
        "backup",
        _backup,
        parents=[common],
        help="back up the SQLite database and the media folder, while the bot runs",
        description="A consistent copy of the SQLite database (SQLite's online backup) and "
        "the media folder, in one .tar.gz. PostgreSQL: use pg_dump (README).",
    )
    backup.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=None,
        help="a .tar.gz file, or a directory to put one in (default: [backup] directory)",
    )
    restore = add_command(
        db_commands,
        "restore",
        _restore,
        parents=[common],
        help="put a backup back in place of the database and the media folder",
        description="Replace the SQLite database and the media folder with a backup's; "
        "what they were is moved aside. Refused while a shop runs on the database.",
    )
    restore.add_argument("path", type=Path, help="the backup (.tar.gz)")
    restore.add_argument(
        "--force", action="store_true", help="restore even though a shop runs on the database"
    )


def _upgrade(config: Config, args: argparse.Namespace) -> int:
    asyncio.run(_db_upgrade(config, args.revision))
    return 0


async def _db_upgrade(config: Config, revision: str) -> None:
    async with database(config) as engine:
        await migrate.upgrade(engine, revision)
        print(f"database at {await migrate.current_revision(engine)}")


def _backup(config: Config, args: argparse.Namespace) -> int:
    made = take_backup(
        config.database.url, config.shop.media_dir, args.path or config.backup.directory
    )
    print(
        f"backup {made.path}: database at {made.revision}, {made.orders} orders, "
        f"{made.media_files} media files"
    )
    return 0


def _restore(config: Config, args: argparse.Namespace) -> int:
    try:
        restored = restore_backup(
            config.database.url, config.shop.media_dir, args.path, force=args.force
        )
    except ShopRunning as err:
        print(f"ocop-bot: {err}", file=sys.stderr)
        return EXIT_REJECTED
    manifest = restored.manifest
    print(
        f"restored the backup of {manifest.get('created_at', '?')}: "
        f"database at {manifest.get('revision', '?')}, {manifest.get('orders', '?')} orders"
    )
    for path in restored.set_aside:
        print(f"what was there is kept as {path}")
    if manifest.get("revision") != migrate.head_revision():
        print("run `ocop-bot db upgrade` before starting the bot")
    return 0
