"""Benchmark: the bot's resident memory above what ``import aiogram`` alone takes.

    .venv/bin/python -m bench.memory                       # the demo catalog (46 products)
    .venv/bin/python -m bench.memory --catalog-size 10000  # on 10,000 products
    .venv/bin/python -m bench.memory --tracemalloc 15      # and the 15 biggest holders by file

Each figure comes from a fresh process, read from /proc (VmRSS, VmHWM; Linux only):

1. **the floor**: a Python process that has done ``import aiogram`` and nothing else (three
   times; the median);
2. **the bot**: ``ocop-bot run`` (the production command) polling the Bot API emulator, which
   runs here, on a fresh SQLite database holding the catalog; read after a few customers have
   been through it (a typed search, the catalog, a product card, the cart, a whole checkout
   with a typed ward, an order);
3. **where it goes**: ``bench.memory_stages`` builds the same bot step by step in a process of
   its own (imports, configuration and schema check, bot and dispatcher, the ward data, the
   catalog snapshot with its search index, every listing opened in both languages) and reads
   its memory after each step, then weighs the structures that hold the catalog and the wards.

The footprint is the bot's memory minus the floor. bench/README.md explains the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import run_bounded
from bench.rush_people import Rusher
from bench.rush_setup import ROOT, BotProcess, Database, machine
from emulators.telegram import Emulator, FloodLimits

TOKEN = "777003:bench-memory_token-for-local-runs"
TARGET_MB = 80.0
FLOOR_RUNS = 3
SETTLE_S = 1.0  # after the last customer, before the bot's memory is read
FLOOR = (
    "import aiogram\n"
    "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmRSS:')))"
)

log = logging.getLogger("bench.memory")


class Visitor(Rusher):
    """A customer going through the whole shop once, without a person's pauses."""

    async def _pause(self) -> None:
        await asyncio.sleep(0.05)


async def python(*argv: str, env: dict[str, str] | None = None) -> str:
    """Run this venv's Python with ``argv`` in a fresh process; its standard output."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, *argv, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    if process.returncode:
        raise RuntimeError(f"python {' '.join(argv)} failed:\n{err.decode(errors='replace')}")
    return out.decode()


async def floor_mb() -> list[float]:
    """RSS of fresh processes that only ``import aiogram``."""
    return [round(int(await python("-c", FLOOR)) / 1024, 1) for _ in range(FLOOR_RUNS)]


async def running_bot(root: Path, database: Database, customers: int, seed: int) -> dict[str, Any]:
    """``ocop-bot run`` against the emulator; its memory once ``customers`` have shopped."""
    emulator = Emulator(flood=FloodLimits.off())
    emulator.add_bot(TOKEN)
    await emulator.start("127.0.0.1")
    bot = BotProcess(root, emulator, TOKEN, database, command="shop", paced=False)
    try:
        await bot.start()
        started_mb = bot.status_mb("VmRSS")
        loop = asyncio.get_running_loop()
        rng = random.Random(seed)
        base = loop.time()
        visitors = [
            Visitor(emulator, rng.randrange(1 << 30), base, number) for number in range(customers)
        ]
        await asyncio.gather(*(visitor.shop(base) for visitor in visitors))
        await asyncio.sleep(SETTLE_S)
        figures = {
            "started_rss_mb": started_mb,
            "rss_mb": bot.status_mb("VmRSS"),
            "peak_rss_mb": bot.status_mb("VmHWM"),
            "customers": customers,
            "languages": sorted({v.person.user.language_code or "" for v in visitors}),
            "orders": sum(v.ordered for v in visitors),
            "gave_up": [v.gave_up for v in visitors if v.gave_up],
        }
    finally:
        await bot.stop()
        await emulator.stop()
    figures["log_tracebacks"] = bot.log_text().count("Traceback")
    return figures


async def stages(root: Path, database: Database, top: int) -> dict[str, Any]:
    """The same bot built step by step in a fresh process (bench.memory_stages)."""
    config = root / "stages.toml"
    config.write_text(f'[shop]\nmedia_dir = "{database.media}"\n', encoding="utf-8")
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        # Nothing is sent: the staged bot never polls.
        "TELEGRAM_API_BASE": "http://127.0.0.1:9",
        "DATABASE_URL": database.url,
        "LOG_LEVEL": "WARNING",
    }
    argv = ["-m", "bench.memory_stages", "--config", str(config)]
    report: dict[str, Any] = json.loads(await python(*argv, env=env))
    if top:
        # Apart: tracemalloc's own bookkeeping would inflate the stages' figures.
        traced = json.loads(await python(*argv, "--tracemalloc", str(top), env=env))
        report["top"] = traced["top"]
    return report


async def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ocop-memory-") as tmp:
        root = Path(tmp)
        database = Database(f"sqlite+aiosqlite:///{root / 'shop.db'}", root / "media")
        await database.prepare(args.catalog_size)
        products = int(await database.scalar("SELECT COUNT(*) FROM products"))
        floors = await floor_mb()
        bot = await running_bot(root, database, args.customers, args.seed)
        staged = await stages(root, database, args.tracemalloc)
    floor = statistics.median(floors)
    rows = staged["stages"]
    after_aiogram = next(row["rss_mb"] for row in rows if row["stage"] == "import aiogram")
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average": [round(n, 2) for n in os.getloadavg()],
        "machine": machine(),
        "products": products,
        "target_mb": TARGET_MB,
        "floor_mb": floor,
        "floor_runs_mb": floors,
        "bot": {**bot, "footprint_mb": round(bot["rss_mb"] - floor, 1)},
        "stages": {
            **staged,
            "after_aiogram_mb": after_aiogram,
            "footprint_mb": round(rows[-1]["rss_mb"] - after_aiogram, 1),
        },
    }


def render(report: dict[str, Any]) -> str:
    bot, staged = report["bot"], report["stages"]
    worst = max(bot["footprint_mb"], staged["footprint_mb"])
    verdict = "met" if worst <= report["target_mb"] else "missed"
    customers = f"after {bot['customers']} customers ({', '.join(bot['languages'])})"
    lines = [
        f"OCOP shop bot memory — {report['products']} products, {report['date']}, "
        f"{report['machine']['cpus']} CPUs, load {' '.join(map(str, report['load_average']))}",
        "",
        f"{'floor: import aiogram alone':<48}{report['floor_mb']:>8.1f} MB  "
        f"(runs: {', '.join(map(str, report['floor_runs_mb']))})",
        f"{'bot: ocop-bot run, started':<48}{bot['started_rss_mb']:>8.1f} MB",
        f"{'bot: ' + customers:<48}{bot['rss_mb']:>8.1f} MB  "
        f"(peak {bot['peak_rss_mb']} MB; {bot['orders']} orders)",
        f"{'footprint = bot - floor':<48}{bot['footprint_mb']:>8.1f} MB",
        "",
        "where it goes (the same bot built step by step in a fresh process):",
        f"{'stage':<48}{'RSS MB':>8}{'+MB':>8}",
    ]
    lines += [
        f"{row['stage']:<48}{row['rss_mb']:>8.1f}{row['delta_mb']:>+8.1f}"
        for row in staged["stages"]
    ]
    lines += [
        f"{'footprint above import aiogram':<48}{staged['footprint_mb']:>8.1f}"
        f"   (peak {staged['peak_rss_mb']} MB)",
        "",
        "held by (deep size of each structure, MB):",
    ]
    lines += [f"  {name:<46}{mb:>8.1f}" for name, mb in staged["sizes"].items()]
    if staged.get("top"):
        lines += ["", "tracemalloc, allocated since import aiogram, by file (MB):"]
        lines += [f"  {row['mb']:>7.1f}  {row['file']}" for row in staged["top"]]
    lines += [
        "",
        f"target: footprint <= {report['target_mb']:g} MB — {verdict} "
        f"(worst of the two: {worst:.1f} MB)",
    ]
    if bot["gave_up"] or bot["log_tracebacks"]:
        lines.append(f"NOTE: {bot['gave_up']}, {bot['log_tracebacks']} tracebacks in the log")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.memory",
        description="The bot's resident memory above the `import aiogram` floor, and where "
        "it goes: the running bot (ocop-bot run) and the same bot built step by step.",
    )
    parser.add_argument(
        "--catalog-size",
        type=int,
        default=0,
        metavar="N",
        help="add synthetic products until the catalog holds N (default: the 46 demo ones)",
    )
    parser.add_argument(
        "--customers", type=int, default=4, help="customers before the reading (default 4)"
    )
    parser.add_argument(
        "--tracemalloc",
        type=int,
        default=0,
        metavar="N",
        help="also list the N files holding most of what was allocated after import aiogram "
        "(a slower, separate figure: tracemalloc's own bookkeeping inflates the RSS)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--time-limit", type=float, default=600.0, metavar="SECONDS")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not 1 <= args.customers <= 50:
        print("bench.memory: --customers must be between 1 and 50", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    return run_bounded("bench.memory", benchmark, args, render)


if __name__ == "__main__":
    raise SystemExit(main())
