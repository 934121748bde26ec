"""``catalog seed-demo``, ``catalog import`` and ``catalog export``: the product catalog."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TextIO

from bot.cli.common import EXIT_REJECTED, Commands, add_command, database, usage_error
from bot.config import Config
from catalog.db import create_session_factory
from catalog.services.catalog_io import (
    ImportReport,
    copy_photos_beside,
    export_catalog,
    import_spreadsheet,
)
from catalog.spreadsheet import CatalogRow, RowError, SpreadsheetRejected, write_catalog
from catalog.uow import UnitOfWork

SPREADSHEET_SUFFIXES = (".csv", ".xlsx")
# Below this many rows an import is over before a bar would be worth drawing.
PROGRESS_MIN_ROWS = 1000
PROGRESS_WIDTH = 30


def add_commands(commands: Commands, common: argparse.ArgumentParser) -> None:
    catalog = commands.add_parser("catalog", parents=[common], help="the product catalog")
    catalog_commands = catalog.add_subparsers(
        dest="catalog_command", required=True, metavar="ACTION"
    )
    seed = add_command(
        catalog_commands,
        "seed-demo",
        _seed,
        parents=[common],
        help="load the demo OCOP catalog (adds only what is missing)",
        description="Load the demo producers, categories and products; existing rows "
        "are left as they are, so running it twice changes nothing.",
    )
    seed.add_argument(
        "--if-empty", action="store_true", help="do nothing when the catalog has products"
    )
    catalog_import = add_command(
        catalog_commands,
        "import",
        _import,
        parents=[common],
        help="add or update products from a .csv or .xlsx file (all or nothing)",
        description="Create or update the products, producers and categories in FILE "
        "(matched by SKU, producer code and Vietnamese category name). Every row is checked "
        "first: when any is wrong, each problem is listed and nothing changes. Photos are "
        "paths relative to FILE, copied into the media folder.",
    )
    catalog_import.add_argument("file", type=Path, metavar="FILE", help="a .csv or .xlsx file")
    catalog_export = add_command(
        catalog_commands,
        "export",
        _export,
        parents=[common],
        help="write every product to a .csv or .xlsx file",
        description="Write the catalog to FILE (.csv or .xlsx, by its extension) and copy "
        "the photos to FILE's folder as <name>_photos/, so that `catalog import FILE` "
        "gives the same catalog back.",
    )
    catalog_export.add_argument("file", type=Path, metavar="FILE", help="a .csv or .xlsx file")


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


def problem_line(error: RowError) -> str:
    """``row 17, price_vnd: bad_price ("abc")``; ``file: empty_file`` for the whole file."""
    where = "file" if error.line is None else f"row {error.line}"
    if error.column is not None:
        where = f"{where}, {error.column}"
    value = f" ({json.dumps(error.value, ensure_ascii=False)})" if error.value else ""
    return f"{where}: {error.problem}{value}"


def _seed(config: Config, args: argparse.Namespace) -> int:
    asyncio.run(_seed_demo(config, if_empty=args.if_empty))
    return 0


async def _seed_demo(config: Config, *, if_empty: bool) -> None:
    # Not on loading: every command, `run` too, would carry the demo catalog.
    from catalog.demo.seed import seed_demo_catalog  # noqa: PLC0415

    async with database(config) as engine:
        uow = UnitOfWork(create_session_factory(engine))
        report = await seed_demo_catalog(uow, config.shop.media_dir, only_if_empty=if_empty)
    if report.skipped:
        print("catalog not empty: demo not loaded")
    else:
        print(
            f"demo catalog: {report.producers} producers, {report.categories} categories, "
            f"{report.products} products added"
        )


def _spreadsheet_problem(file: Path) -> str | None:
    if file.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return f"{file}: not a .csv or .xlsx file"
    return None


def _import(config: Config, args: argparse.Namespace) -> int:
    file: Path = args.file
    if problem := _spreadsheet_problem(file):
        return usage_error(problem)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        return usage_error(f"{file}: no such file")
    except OSError as err:
        return usage_error(f"{file}: {err.strerror}")
    return asyncio.run(_import_catalog(config, file, data))


def _export(config: Config, args: argparse.Namespace) -> int:
    file: Path = args.file
    if problem := _spreadsheet_problem(file):
        return usage_error(problem)
    if not file.parent.is_dir():
        return usage_error(f"{file.parent}: no such folder")
    rows = asyncio.run(_exported_rows(config))
    try:
        photos = copy_photos_beside(rows, media_dir=config.shop.media_dir, spreadsheet=file)
        file.write_bytes(write_catalog(photos.rows, file.name))
    except OSError as err:
        return usage_error(f"{err.filename or file}: {err.strerror}")
    print(f"catalog exported: {len(rows)} products, {photos.copied} photos, to {file}")
    if photos.missing:
        print(
            f"ocop-bot: {len(photos.missing)} photos not found under {config.shop.media_dir} "
            f"were left out: {', '.join(photos.missing)}",
            file=sys.stderr,
        )
    return 0


async def _import_catalog(config: Config, file: Path, data: bytes) -> int:
    async with database(config) as engine:
        try:
            report = await import_spreadsheet(
                UnitOfWork(create_session_factory(engine)),
                data,
                file.name,
                actor_id=None,
                media_dir=config.shop.media_dir,
                source_dir=file.parent,
                progress=ProgressBar(sys.stderr),
            )
        except SpreadsheetRejected as err:
            for error in err.errors:
                print(problem_line(error), file=sys.stderr)
            count = len(err.errors)
            print(
                f"ocop-bot: {file}: {count} problem{'s' if count != 1 else ''}, nothing imported",
                file=sys.stderr,
            )
            return EXIT_REJECTED
    print(
        f"catalog imported: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged ({report.reference})"
    )
    print(stock_line(report))
    if report.left_out:
        print(f"not in the file, so left as they were: {', '.join(report.left_out)}")
    return 0


def stock_line(report: ImportReport) -> str:
    """How each row's stock was read: as a change since the export, or as typed."""
    moved = report.stock_moved
    return (
        f"stock: {_rows(report.stock_changes)} with stock_at_export changed today's stock by "
        f"what was typed, so units sold since the export stay sold ({moved} "
        f"product{'s' if moved != 1 else ''} sold or restocked meanwhile); "
        f"{_rows(report.stock_as_typed)} set as typed (new products, or no stock_at_export)"
    )


def _rows(count: int) -> str:
    return f"{count} row{'s' if count != 1 else ''}"


async def _exported_rows(config: Config) -> list[CatalogRow]:
    async with database(config) as engine:
        return await export_catalog(UnitOfWork(create_session_factory(engine)))
