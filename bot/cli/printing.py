"""``qr`` and ``poster``: a product's or producer's code, and a producer's A4 poster."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.cli.common import Commands, add_command, database, usage_error
from bot.config import Config
from bot.printing import print_file
from catalog.db import create_session_factory
from catalog.links import MESSENGER_USERNAME_PATTERN, USERNAME_PATTERN, Linker
from catalog.snapshot import CatalogCache, CatalogSnapshot


def add_commands(commands: Commands, common: argparse.ArgumentParser) -> None:
    printing = argparse.ArgumentParser(add_help=False)
    printing.add_argument(
        "--language", choices=("vi", "en"), default="vi", help="the printed text's language"
    )
    printing.add_argument(
        "--bot-username",
        metavar="NAME",
        help="the bot's @username for the links (default: [telegram] bot_username)",
    )
    qr = add_command(
        commands,
        "qr",
        _print,
        parents=[common, printing],
        help="a product's or producer's QR code with its name under it (.png or .svg)",
        description="Write the QR code of the product with this SKU (its name and price "
        "under it), or of the producer with this code (its name and place), to FILE: a PNG "
        "image or an SVG drawing, by FILE's extension. Scanning it opens the product or the "
        "producer's shop in the bot (or, with --channel messenger, in the Page's Messenger).",
    )
    qr.add_argument(
        "--channel",
        choices=("telegram", "messenger"),
        default="telegram",
        help="where the code leads: the Telegram bot (t.me, the default) or the Facebook "
        "Page's Messenger (m.me; needs [messenger] page_username or --page-username)",
    )
    qr.add_argument(
        "--page-username",
        metavar="NAME",
        help="the Facebook Page's username for m.me links (default: [messenger] page_username)",
    )
    qr.add_argument("key", metavar="SKU|PRODUCER", help="a product's SKU or a producer's code")
    qr.add_argument("file", type=Path, metavar="FILE", help="a .png or .svg file")
    poster = add_command(
        commands,
        "poster",
        _print,
        parents=[common, printing],
        help="a producer's A4 poster with a QR code for each product (.pdf)",
        description="Write the producer's poster to FILE (PDF, A4): its name and shop code, "
        "then every product on sale with its own code, name, price and OCOP stars.",
    )
    poster.add_argument("producer", metavar="PRODUCER", help="the producer's code, e.g. BABE")
    poster.add_argument("file", type=Path, metavar="FILE", help="a .pdf file")


def _page_username(config: Config, args: argparse.Namespace) -> str:
    return str(args.page_username or config.messenger.page_username).removeprefix("@")


def _links_problem(config: Config, args: argparse.Namespace) -> str | None:
    """What is missing for the printed links: the bot's or the Page's username."""
    if getattr(args, "channel", "telegram") == "messenger":
        page = _page_username(config, args)
        if not page:
            return (
                "no Page username for m.me links: pass --page-username NAME or set "
                "[messenger] page_username in the config file"
            )
        if not MESSENGER_USERNAME_PATTERN.fullmatch(page):
            return f"--page-username: {page!r} is not a Facebook Page username"
        return None
    username = args.bot_username or config.telegram.bot_username
    if not username:
        return (
            "no bot username for the links: pass --bot-username NAME or set "
            "[telegram] bot_username in the config file"
        )
    if not USERNAME_PATTERN.fullmatch(username.removeprefix("@")):
        return f"--bot-username: {username!r} is not a Telegram username"
    return None


def _print_problem(config: Config, args: argparse.Namespace) -> str | None:
    """What is wrong with a ``qr`` or ``poster`` command line, if anything."""
    problem = _links_problem(config, args)
    if problem is not None:
        return problem
    file: Path = args.file
    suffixes = (".png", ".svg") if args.command == "qr" else (".pdf",)
    if file.suffix.lower() not in suffixes:
        return f"{file}: not a {' or '.join(suffixes)} file"
    if not file.parent.is_dir():
        return f"{file.parent}: no such folder"
    return None


def _print(config: Config, args: argparse.Namespace) -> int:
    problem = _print_problem(config, args)
    if problem is not None:
        return usage_error(problem)
    username = (args.bot_username or config.telegram.bot_username).removeprefix("@")
    linker = None
    if getattr(args, "channel", "telegram") == "messenger":
        linker = Linker(_page_username(config, args), messenger=True)
    snapshot = asyncio.run(_snapshot(config))
    key = args.key if args.command == "qr" else args.producer
    try:
        printed = print_file(snapshot, key, args.file, username, args.language, linker)
    except LookupError:
        what = "product or producer" if args.command == "qr" else "producer"
        return usage_error(f"no {what} has the code {key!r}")
    except OSError as err:
        return usage_error(f"{args.file}: {err.strerror}")
    print(f"{printed} written to {args.file}")
    return 0


async def _snapshot(config: Config) -> CatalogSnapshot:
    async with database(config) as engine:
        return await CatalogCache(create_session_factory(engine)).get()
