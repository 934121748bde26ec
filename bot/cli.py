"""The ``ocop-bot`` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import Config, ConfigError, load_config
from bot.i18n import TranslationsMissing
from bot.playground import run_playground
from bot.runner import SchemaOutdated, run_polling
from catalog import migrate
from catalog.db import create_engine, create_session_factory
from catalog.demo.seed import seed_demo_catalog
from catalog.uow import UnitOfWork

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="PATH",
        help="configuration file (default: bot.toml in the current directory)",
    )
    parser = argparse.ArgumentParser(
        prog="ocop-bot",
        description="A Telegram shop for Hanoi's OCOP producers.",
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser(
        "run",
        parents=[common],
        help="run the bot (long polling)",
        description="Run the bot with long polling against TELEGRAM_API_BASE.",
    )

    playground = commands.add_parser(
        "playground",
        parents=[common],
        help="the whole shop offline, in a browser (no bot token needed)",
        description="Start the Bot API emulator, the real bot and a web page showing a "
        "customer, a producer group and an admin chatting with it. Uses DATABASE_URL "
        "(migrated and given the demo catalog when empty).",
    )
    playground.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    playground.add_argument(
        "--port", type=int, default=8080, help="port for the page (default: 8080)"
    )

    db = commands.add_parser("db", parents=[common], help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_commands.add_parser(
        "upgrade",
        parents=[common],
        help="migrate the database to the newest schema",
        description="Create or migrate the database named by DATABASE_URL.",
    )
    upgrade.add_argument("revision", nargs="?", default="head", help="target (default: head)")

    catalog = commands.add_parser("catalog", parents=[common], help="the product catalog")
    catalog_commands = catalog.add_subparsers(
        dest="catalog_command", required=True, metavar="ACTION"
    )
    seed = catalog_commands.add_parser(
        "seed-demo",
        parents=[common],
        help="load the demo OCOP catalog (adds only what is missing)",
        description="Load the demo producers, categories and products; existing rows "
        "are left as they are, so running it twice changes nothing.",
    )
    seed.add_argument(
        "--if-empty", action="store_true", help="do nothing when the catalog has products"
    )
    return parser


async def _db_upgrade(config: Config, revision: str) -> None:
    engine = create_engine(config.database.url)
    try:
        await migrate.upgrade(engine, revision)
        print(f"database at {await migrate.current_revision(engine)}")
    finally:
        await engine.dispose()


async def _seed_demo(config: Config, *, if_empty: bool) -> None:
    engine = create_engine(config.database.url)
    try:
        uow = UnitOfWork(create_session_factory(engine))
        report = await seed_demo_catalog(uow, config.shop.media_dir, only_if_empty=if_empty)
    finally:
        await engine.dispose()
    if report.skipped:
        print("catalog not empty: demo not loaded")
    else:
        print(
            f"demo catalog: {report.producers} producers, {report.categories} categories, "
            f"{report.products} products added"
        )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = load_config(getattr(args, "config", None))
    except ConfigError as err:
        print(f"ocop-bot: {err.setting}: {err.problem}", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(
        level=config.log.level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        if args.command == "run":
            asyncio.run(run_polling(config))
        elif args.command == "playground":
            asyncio.run(run_playground(config, host=args.host, port=args.port))
        elif args.command == "db":
            asyncio.run(_db_upgrade(config, args.revision))
        elif args.command == "catalog":
            asyncio.run(_seed_demo(config, if_empty=args.if_empty))
    except ConfigError as err:
        print(f"ocop-bot: {err.setting}: {err.problem}", file=sys.stderr)
        return EXIT_USAGE
    except TranslationsMissing as err:
        print(f"ocop-bot: translations are not compiled ({err}); run `make i18n`", file=sys.stderr)
        return EXIT_USAGE
    except SchemaOutdated as err:
        print(f"ocop-bot: {err}; run `ocop-bot db upgrade`", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
