"""The ``ocop-bot`` command line; each family of commands has its module here."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.cli import database, payments, printing, products, serving
from bot.cli.common import EXIT_USAGE
from bot.config import ConfigError, load_config
from bot.i18n import TranslationsMissing
from bot.runner import SchemaOutdated

# In the order `ocop-bot --help` lists them.
FAMILIES = (serving, database, products, payments, printing)


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
    for family in FAMILIES:
        family.add_commands(commands, common)
    return parser


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
        status: int = args.handler(config, args)
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
    return status
