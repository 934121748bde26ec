"""The ``ocop-bot`` command line; each family of commands has its module here."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.backup import BackupError
from bot.cli import database, payments, printing, products, serving
from bot.cli.common import EXIT_REJECTED, EXIT_USAGE
from bot.config import ConfigError, load_config
from bot.i18n import TranslationsMissing
from bot.logs import set_up_logging
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


def _refusal(err: Exception) -> tuple[str, int]:
    """What the operator reads when a command cannot go on, and its exit status."""
    if isinstance(err, ConfigError):
        return f"{err.setting}: {err.problem}", EXIT_USAGE
    if isinstance(err, TranslationsMissing):
        return f"translations are not compiled ({err}); run `make i18n`", EXIT_USAGE
    if isinstance(err, SchemaOutdated):
        return f"{err}; run `ocop-bot db upgrade`", EXIT_USAGE
    return str(err), EXIT_REJECTED


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = load_config(getattr(args, "config", None))
        set_up_logging(config.log.level, config.log.format)
        status: int = args.handler(config, args)
    except (ConfigError, TranslationsMissing, SchemaOutdated, BackupError) as err:
        message, status = _refusal(err)
        print(f"ocop-bot: {message}", file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    return status
