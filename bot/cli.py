"""The ``ocop-bot`` command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.config import Config, ConfigError, load_config
from bot.i18n import TranslationsMissing
from bot.printing import print_file
from bot.runner import SchemaOutdated, run_polling
from bot.webhook import run_webhook
from catalog import migrate
from catalog.db import create_engine, create_session_factory
from catalog.demo.seed import seed_demo_catalog
from catalog.links import USERNAME_PATTERN
from catalog.services.catalog_io import copy_photos_beside, export_catalog, import_spreadsheet
from catalog.snapshot import CatalogCache, CatalogSnapshot
from catalog.spreadsheet import CatalogRow, RowError, SpreadsheetRejected, write_catalog
from catalog.uow import UnitOfWork
from playground import run_playground

EXIT_REJECTED = 1
EXIT_USAGE = 2
SPREADSHEET_SUFFIXES = (".csv", ".xlsx")
# Below this many rows an import is over before a bar would be worth drawing.
PROGRESS_MIN_ROWS = 1000
PROGRESS_WIDTH = 30


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

    run = commands.add_parser(
        "run",
        parents=[common],
        help="run the bot (long polling, or a webhook worker)",
        description="Run the bot with long polling against TELEGRAM_API_BASE, or with "
        "--webhook as one of the workers behind WEBHOOK_URL (see README: several workers).",
    )
    run.add_argument(
        "--webhook",
        action="store_true",
        help="serve updates posted to [webhook] url (WEBHOOK_URL) instead of polling",
    )
    run.add_argument(
        "--port", type=int, default=None, help="with --webhook: the port to listen on"
    )

    start = commands.add_parser(
        "start",
        parents=[common],
        help="the bot on Telegram if a token is configured, else the offline playground",
        description="What `make run` starts: `run` when BOT_TOKEN (or [telegram] token) is "
        "set, otherwise `playground` on 127.0.0.1:8080.",
    )
    start.add_argument("--port", type=int, default=8080, help="the playground's port")

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
    catalog_import = catalog_commands.add_parser(
        "import",
        parents=[common],
        help="add or update products from a .csv or .xlsx file (all or nothing)",
        description="Create or update the products, producers and categories in FILE "
        "(matched by SKU, producer code and Vietnamese category name). Every row is checked "
        "first: when any is wrong, each problem is listed and nothing changes. Photos are "
        "paths relative to FILE, copied into the media folder.",
    )
    catalog_import.add_argument("file", type=Path, metavar="FILE", help="a .csv or .xlsx file")
    catalog_export = catalog_commands.add_parser(
        "export",
        parents=[common],
        help="write every product to a .csv or .xlsx file",
        description="Write the catalog to FILE (.csv or .xlsx, by its extension) and copy "
        "the photos to FILE's folder as <name>_photos/, so that `catalog import FILE` "
        "gives the same catalog back.",
    )
    catalog_export.add_argument("file", type=Path, metavar="FILE", help="a .csv or .xlsx file")

    printing = argparse.ArgumentParser(add_help=False)
    printing.add_argument(
        "--language", choices=("vi", "en"), default="vi", help="the printed text's language"
    )
    printing.add_argument(
        "--bot-username",
        metavar="NAME",
        help="the bot's @username for the links (default: [telegram] bot_username)",
    )
    qr = commands.add_parser(
        "qr",
        parents=[common, printing],
        help="a product's or producer's QR code with its name under it (.png or .svg)",
        description="Write the QR code of the product with this SKU (its name and price "
        "under it), or of the producer with this code (its name and place), to FILE: a PNG "
        "image or an SVG drawing, by FILE's extension. Scanning it opens the product or the "
        "producer's shop in the bot.",
    )
    qr.add_argument("key", metavar="SKU|PRODUCER", help="a product's SKU or a producer's code")
    qr.add_argument("file", type=Path, metavar="FILE", help="a .png or .svg file")
    poster = commands.add_parser(
        "poster",
        parents=[common, printing],
        help="a producer's A4 poster with a QR code for each product (.pdf)",
        description="Write the producer's poster to FILE (PDF, A4): its name and shop code, "
        "then every product on sale with its own code, name, price and OCOP stars.",
    )
    poster.add_argument("producer", metavar="PRODUCER", help="the producer's code, e.g. BABE")
    poster.add_argument("file", type=Path, metavar="FILE", help="a .pdf file")
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


def _usage_error(message: str) -> int:
    print(f"ocop-bot: {message}", file=sys.stderr)
    return EXIT_USAGE


def _problem_line(error: RowError) -> str:
    """``row 17, price_vnd: bad_price ("abc")``; ``file: empty_file`` for the whole file."""
    where = "file" if error.line is None else f"row {error.line}"
    if error.column is not None:
        where = f"{where}, {error.column}"
    value = f" ({json.dumps(error.value, ensure_ascii=False)})" if error.value else ""
    return f"{where}: {error.problem}{value}"


class ProgressBar:
    """``[#####     ] 2500/5000``, redrawn in place on a terminal; silent elsewhere."""

    def __init__(self, stream: TextIO, width: int = PROGRESS_WIDTH) -> None:
        self.stream = stream
        self.width = width
        self.enabled = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < PROGRESS_MIN_ROWS:
            return
        filled = self.width * done // total
        bar = "#" * filled + " " * (self.width - filled)
        end = "\n" if done >= total else ""
        self.stream.write(f"\r[{bar}] {done}/{total}{end}")
        self.stream.flush()


def _catalog(config: Config, args: argparse.Namespace) -> int:
    if args.catalog_command == "seed-demo":
        asyncio.run(_seed_demo(config, if_empty=args.if_empty))
        return 0
    file: Path = args.file
    if file.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return _usage_error(f"{file}: not a .csv or .xlsx file")
    if args.catalog_command == "import":
        return _catalog_import(config, file)
    return _catalog_export(config, file)


def _catalog_import(config: Config, file: Path) -> int:
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        return _usage_error(f"{file}: no such file")
    except OSError as err:
        return _usage_error(f"{file}: {err.strerror}")
    return asyncio.run(_import_catalog(config, file, data))


def _catalog_export(config: Config, file: Path) -> int:
    if not file.parent.is_dir():
        return _usage_error(f"{file.parent}: no such folder")
    rows = asyncio.run(_exported_rows(config))
    try:
        photos = copy_photos_beside(rows, media_dir=config.shop.media_dir, spreadsheet=file)
        file.write_bytes(write_catalog(photos.rows, file.name))
    except OSError as err:
        return _usage_error(f"{err.filename or file}: {err.strerror}")
    print(f"catalog exported: {len(rows)} products, {photos.copied} photos, to {file}")
    if photos.missing:
        print(
            f"ocop-bot: {len(photos.missing)} photos not found under {config.shop.media_dir} "
            f"were left out: {', '.join(photos.missing)}",
            file=sys.stderr,
        )
    return 0


async def _import_catalog(config: Config, file: Path, data: bytes) -> int:
    engine = create_engine(config.database.url)
    try:
        uow = UnitOfWork(create_session_factory(engine))
        report = await import_spreadsheet(
            uow,
            data,
            file.name,
            actor_id=None,
            media_dir=config.shop.media_dir,
            source_dir=file.parent,
            progress=ProgressBar(sys.stderr),
        )
    except SpreadsheetRejected as err:
        for error in err.errors:
            print(_problem_line(error), file=sys.stderr)
        count = len(err.errors)
        print(
            f"ocop-bot: {file}: {count} problem{'s' if count != 1 else ''}, nothing imported",
            file=sys.stderr,
        )
        return EXIT_REJECTED
    finally:
        await engine.dispose()
    print(
        f"catalog imported: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged ({report.reference})"
    )
    return 0


async def _exported_rows(config: Config) -> list[CatalogRow]:
    engine = create_engine(config.database.url)
    try:
        return await export_catalog(UnitOfWork(create_session_factory(engine)))
    finally:
        await engine.dispose()


def _print_problem(config: Config, args: argparse.Namespace) -> str | None:
    """What is wrong with a ``qr`` or ``poster`` command line, if anything."""
    username = args.bot_username or config.telegram.bot_username
    if not username:
        return (
            "no bot username for the links: pass --bot-username NAME or set "
            "[telegram] bot_username in the config file"
        )
    if not USERNAME_PATTERN.fullmatch(username.removeprefix("@")):
        return f"--bot-username: {username!r} is not a Telegram username"
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
        return _usage_error(problem)
    username = (args.bot_username or config.telegram.bot_username).removeprefix("@")
    snapshot = asyncio.run(_snapshot(config))
    key = args.key if args.command == "qr" else args.producer
    try:
        printed = print_file(snapshot, key, args.file, username, args.language)
    except LookupError:
        what = "product or producer" if args.command == "qr" else "producer"
        return _usage_error(f"no {what} has the code {key!r}")
    except OSError as err:
        return _usage_error(f"{args.file}: {err.strerror}")
    print(f"{printed} written to {args.file}")
    return 0


async def _snapshot(config: Config) -> CatalogSnapshot:
    engine = create_engine(config.database.url)
    try:
        return await CatalogCache(create_session_factory(engine)).get()
    finally:
        await engine.dispose()


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
    status = 0
    try:
        if args.command == "start" and not config.telegram.token:
            print(
                f"No bot token: starting the offline playground at http://127.0.0.1:{args.port}/ "
                "(set BOT_TOKEN to run the bot on Telegram instead)",
                flush=True,
            )
            asyncio.run(run_playground(config, host="127.0.0.1", port=args.port))
        elif args.command == "run" and args.webhook:
            asyncio.run(run_webhook(config, port=args.port))
        elif args.command in ("run", "start"):
            asyncio.run(run_polling(config))
        elif args.command == "playground":
            asyncio.run(run_playground(config, host=args.host, port=args.port))
        elif args.command == "db":
            asyncio.run(_db_upgrade(config, args.revision))
        elif args.command == "catalog":
            status = _catalog(config, args)
        elif args.command in ("qr", "poster"):
            status = _print(config, args)
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


if __name__ == "__main__":
    sys.exit(main())
