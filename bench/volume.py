"""Catalog work by the thousand: sorting names, checking a spreadsheet, importing it.

    .venv/bin/python -m bench.volume              # each piece of work 5 times
    .venv/bin/python -m bench.volume --repeat 9 --json

- **sort**: 10,100 product names put in Vietnamese order (``catalog.collation.vi_sort_key``):
  10,000 names of 2-8 words drawn from 59 (seed 2025) and 100 of them again with a number;
  target 1 s.
- **check**: a 5,000-row CSV with three bad rows (a price of 0, a SKU used twice, 7 stars)
  read by ``catalog.spreadsheet.read_catalog``, which checks every row and reports the three;
  target 2 s.
- **import**: the same 5,000 rows without the bad ones — the 46 demo products, each with one
  more unit in stock, and 4,954 new ones — through ``catalog.services.catalog_io.import_catalog``
  with a progress callback, into a fresh SQLite database holding the demo catalog (a new one
  for every repetition); target 20 s.

Only the work itself is timed (not building the rows or the database). Each repetition checks
that the work produced what it should, so a broken build is not timed as a fast one. It asserts
nothing about speed: bench/README.md records the figures, with the machine and the date.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from bench.common import run_bounded
from catalog import migrate
from catalog.collation import vi_sort_key
from catalog.db import create_engine, create_session_factory, dispose
from catalog.demo.data import PRODUCTS
from catalog.demo.seed import seed_demo_catalog
from catalog.services.catalog_io import export_catalog, import_catalog
from catalog.spreadsheet import CatalogRow, SpreadsheetRejected, read_catalog, write_catalog
from catalog.uow import UnitOfWork

T = TypeVar("T")
R = TypeVar("R")

ROWS = 5000
TARGETS_S = {"sort": 1.0, "check": 2.0, "import": 20.0}
WORDS = (
    "tinh bột nghệ Bà Bé trà cà gai leo Phúc Lộc Thọ gốm sứ Bát Tràng lụa Vạn Phúc chăn tơ tằm "
    "Mỹ Đức gạo nếp cái hoa vàng giò chả quế nem chua 500 g hộp 20 gói bộ ấm chén Đường Lâm "
    "tương Cự Đà khảm trai Chuyên Mỹ sữa Ba Vì mây tre Phú Vinh kẹo Bảo Minh"
)


def product_names(seed: int = 2025) -> list[str]:
    rng = random.Random(seed)
    words = WORDS.split()
    names = [" ".join(rng.choices(words, k=rng.randint(2, 8))) for _ in range(10_000)]
    return names + [f"{name} {number}" for number, name in enumerate(names[:100])]


def five_thousand_rows(demo: list[CatalogRow]) -> list[CatalogRow]:
    """The demo rows with one more unit each, then new products like Bà Bé's turmeric starch."""
    template = next(row for row in demo if row.sku == "BABE-NGHE-500")
    new = [
        replace(template, sku=f"NEW-{n:04d}", photo=None, ocop_granted=date(2022, 3, 15),
                name_vi=f"Tinh bột nghệ {n}", name_en=f"Turmeric starch {n}")
        for n in range(ROWS - len(demo))
    ]  # fmt: skip
    rows = [*(replace(row, stock=row.stock + 1) for row in demo), *new]
    return [replace(row, line=line) for line, row in enumerate(rows, start=2)]


def three_bad(rows: list[CatalogRow]) -> bytes:
    bad = list(rows)
    bad[15] = replace(bad[15], price=0)  # line 17
    bad[2498] = replace(bad[2498], sku=bad[98].sku)  # line 2500, the SKU of line 100
    bad[4997] = replace(bad[4997], ocop_stars=7)  # line 4999
    return write_catalog(bad, "catalog.csv")


def timed(work: Callable[[T], R], argument: T) -> tuple[float, R]:
    started = time.perf_counter()
    result = work(argument)
    return time.perf_counter() - started, result


def sort(names: list[str]) -> list[str]:
    return sorted(names, key=vi_sort_key)


def check(data: bytes) -> int:
    """How many problems ``read_catalog`` reports in ``data``."""
    try:
        read_catalog(data, "catalog.csv")
    except SpreadsheetRejected as rejected:
        return len(rejected.errors)
    return 0


def expect(what: str, got: object, wanted: object) -> None:
    if got != wanted:
        raise RuntimeError(f"{what}: {got!r} where {wanted!r} was expected")


async def import_once(database: Path, media_dir: Path) -> tuple[float, list[CatalogRow]]:
    """Seconds to import 5,000 rows into a fresh database holding the demo catalog, and the
    rows."""
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        await migrate.upgrade(engine)
        uow = UnitOfWork(create_session_factory(engine))
        await seed_demo_catalog(uow, media_dir)
        rows = five_thousand_rows(await export_catalog(uow))
        steps: list[int] = []
        started = time.perf_counter()
        report = await import_catalog(
            uow, rows, actor_id=None, media_dir=media_dir, source_dir=None,
            progress=lambda done, _total: steps.append(done),
        )  # fmt: skip
        elapsed = time.perf_counter() - started
    finally:
        await dispose(engine)
    demo = len(PRODUCTS)
    expect("created, updated", (report.created, report.updated), (ROWS - demo, demo))
    expect("last progress", steps[-1:], [ROWS])
    return elapsed, rows


async def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    load = os.getloadavg()[0]
    seconds: dict[str, list[float]] = {work: [] for work in TARGETS_S}
    names = product_names()
    with tempfile.TemporaryDirectory(prefix="ocop-volume-") as tmp:
        media_dir = Path(tmp, "media")
        for repetition in range(args.repeat):
            elapsed, ordered = timed(sort, names)
            expect("names sorted", len(ordered), len(names))
            seconds["sort"].append(elapsed)
            database = Path(tmp, f"shop-{repetition}.db")
            elapsed, rows = await import_once(database, media_dir)
            seconds["import"].append(elapsed)
            # The rows the import took, as a spreadsheet with three mistakes in it.
            elapsed, errors = timed(check, three_bad(rows))
            expect("errors reported", errors, 3)
            seconds["check"].append(elapsed)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, "
        f"Python {platform.python_version()}",
        "load_before": round(load, 2),
        "repetitions": args.repeat,
        "work": {
            work: {
                "median_s": round(statistics.median(times), 3),
                "max_s": round(max(times), 3),
                "target_s": TARGETS_S[work],
                "met": max(times) <= TARGETS_S[work],
            }
            for work, times in seconds.items()
        },
    }


LABELS = {
    "sort": "sort 10,100 product names (Vietnamese order)",
    "check": "check a 5,000-row CSV with three bad rows",
    "import": "import 5,000 rows into a fresh SQLite shop",
}


def render(report: dict[str, Any]) -> str:
    lines = [
        f"bench.volume — {report['machine']}; load {report['load_before']} before the run; "
        f"{report['date']}; {report['repetitions']} repetitions",
        f"{'work':<46} {'median s':>9} {'max s':>8} {'target s':>9}",
    ]
    for work, figures in report["work"].items():
        lines.append(
            f"{LABELS[work]:<46} {figures['median_s']:>9.3f} {figures['max_s']:>8.3f} "
            f"{figures['target_s']:>9g}  {'met' if figures['met'] else 'MISSED'}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.volume",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of each (default 5)")
    parser.add_argument("--time-limit", type=float, default=600, help="seconds (default 600)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if not 1 <= args.repeat <= 100:
        parser.error("--repeat: 1 to 100")
    return run_bounded("bench.volume", benchmark, args, render)


if __name__ == "__main__":
    raise SystemExit(main())
