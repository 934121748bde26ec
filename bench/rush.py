"""Rush-hour benchmark: hundreds of people arrive within seconds, browse, buy and check out.

    .venv/bin/python -m bench.rush                        # 200 customers within 10 s, SQLite
    .venv/bin/python -m bench.rush --db postgres          # the same on PostgreSQL
    .venv/bin/python -m bench.rush --catalog-size 10000   # on a 10,000-product catalog
    .venv/bin/python -m bench.rush --json                 # the full report as JSON
    .venv/bin/python -m bench.rush --workers 3            # 3 webhook workers, PostgreSQL + Redis
    .venv/bin/python -m bench.rush --metrics compare      # the metrics' cost: on and off in turn
    .venv/bin/python -m bench.rush --channel messenger    # then the same rush on Messenger

An open loop: each customer's arrival time is drawn within ``--arrivals`` seconds, and each
pauses 0.3–2 s between taps, like a person reading the screen. Each goes /start → catalog →
a category → a product card → add to cart → cart → the whole checkout → confirm; a quarter
of them (``--returning``) then come back through a product link and order again with their
saved details, pressing buttons only. The messages each journey cost are counted. The bot
runs as its own process (``ocop-bot run``, the production command) against the emulator;
the emulator, the customers and the measuring run here. With ``--telegram-limits on`` the
emulator enforces Telegram's flood limits and the bot paces itself to them.
Then the same customers' updates, with the same timing, go to a trivial aiogram bot (also
its own process): the floor. With ``--channel messenger`` the same customers (arrivals,
pauses, steps) then shop again, on a fresh database, as people on the shop's Facebook Page
through the Messenger emulator (bench/rush_messenger.py), and the report sets each kind of
tap's figures beside Telegram's. bench/README.md explains the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import run_bounded
from bench.rush_messenger import run_messenger
from bench.rush_metrics import compare_metrics, render_comparison
from bench.rush_people import Rusher, replay
from bench.rush_report import oversold, render, stock, summarise, summarise_channel
from bench.rush_setup import BotProcess, Database, machine, postgres_database
from bench.rush_workers import Workers, redis_url
from emulators.telegram import Emulator, FloodLimits

TOKEN = "777002:bench-rush_token-for-local-runs"

log = logging.getLogger("bench.rush")


async def run_shop(
    args: argparse.Namespace,
    root: Path,
    database: Database,
    emulator: Emulator,
    *,
    metrics: bool = True,
) -> tuple[list[Rusher], dict[str, Any]]:
    paced = args.telegram_limits == "on"
    bot: BotProcess | Workers = BotProcess(
        root, emulator, TOKEN, database, command="shop", paced=paced, metrics=metrics
    )
    if args.workers:
        bot = Workers(
            root, emulator, TOKEN, database, count=args.workers, redis=args.redis_url,
            paced=paced,
        )  # fmt: skip
    await bot.start()
    try:
        loop = asyncio.get_running_loop()
        rng = random.Random(args.seed)
        arrivals = sorted(rng.uniform(0, args.arrivals) for _ in range(args.customers))
        # Products a returning customer's link may lead to: on sale with stock to spare.
        skus = [
            str(sku)
            for (sku,) in await database.rows(
                "SELECT sku FROM products WHERE active AND stock >= 20 ORDER BY sku"
            )
        ]
        started = loop.time()
        rushers = [
            Rusher(
                emulator, rng.randrange(1 << 30), started + at, number,
                comes_back_for=rng.choice(skus) if rng.random() < args.returning else None,
            )
            for number, at in enumerate(arrivals)
        ]  # fmt: skip
        await asyncio.gather(*(rusher.shop(started) for rusher in rushers))
        wall = loop.time() - started
        process = {"peak_rss_mb": bot.peak_rss_mb(), "wall_s": round(wall, 1)}
        if isinstance(bot, BotProcess):
            process["cpu_s"] = bot.cpu_seconds()
    finally:
        await bot.stop()
    process["log_tracebacks"] = bot.log_text().count("Traceback")
    process["log_warnings"] = bot.log_text().count(" WARNING ")
    return rushers, process


async def run_trivial(
    root: Path, database: Database, emulator: Emulator, rushers: list[Rusher]
) -> list[Any]:
    bot = BotProcess(root, emulator, TOKEN, database, command="trivial")
    await bot.start()
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        return list(
            await asyncio.gather(
                *(
                    replay(emulator, rusher, started, number)
                    for number, rusher in enumerate(rushers)
                )
            )
        )
    finally:
        await bot.stop()


async def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    if args.metrics == "compare":
        return await compare_metrics(args, run_shop, TOKEN)
    with tempfile.TemporaryDirectory(prefix="ocop-rush-") as tmp:
        root = Path(tmp)
        async with contextlib.AsyncExitStack() as servers:
            if args.workers:
                args.redis_url = await servers.enter_async_context(redis_url())
            database = await servers.enter_async_context(postgres_database(args.db, root))
            await database.prepare(args.catalog_size)
            limits = FloodLimits() if args.telegram_limits == "on" else FloodLimits.off()
            emulator = Emulator(flood=limits)
            emulator.add_bot(TOKEN)
            await emulator.start("127.0.0.1")
            try:
                before = await stock(database)
                rushers, process = await run_shop(
                    args, root, database, emulator, metrics=args.metrics == "on"
                )
                shop_429s = sum(chat.flood_429s for chat in emulator.chats.values())
                sold = await oversold(database, before)
                emulator.reset()
                trivial = await run_trivial(root, database, emulator, rushers)
            finally:
                await emulator.stop()
    report = summarise(
        args=vars(args),
        rushers=rushers,
        trivial=trivial,
        process=process,
        sold=sold,
        flood_429s=shop_429s,
        machine=machine(),
    )
    if args.channel == "messenger":
        report["messenger"] = await messenger_rush(args)
    return report


async def messenger_rush(args: argparse.Namespace) -> dict[str, Any]:
    """The same customers on Messenger, on a database of their own (the same stock)."""
    with tempfile.TemporaryDirectory(prefix="ocop-rush-messenger-") as tmp:
        root = Path(tmp)
        async with postgres_database(args.db, root) as database:
            await database.prepare(args.catalog_size)
            emulator = Emulator(flood=FloodLimits.off())  # Telegram, idle beside it
            emulator.add_bot(TOKEN)
            await emulator.start("127.0.0.1")
            try:
                before = await stock(database)
                rushers, process = await run_messenger(args, root, database, emulator, TOKEN)
                sold = await oversold(database, before)
            finally:
                await emulator.stop()
    return summarise_channel(rushers=rushers, process=process, sold=sold)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.rush",
        description="Customers arriving within seconds, each browsing, buying and checking "
        "out with pauses like a person's; the shop bot against a trivial bot's floor.",
    )
    parser.add_argument("--customers", type=int, default=200, help="customers (default 200)")
    parser.add_argument(
        "--arrivals", type=float, default=10.0, help="seconds over which they arrive (10)"
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--telegram-limits",
        choices=("off", "on"),
        default="off",
        help="off (default): the emulator takes every message at once and the bot is told so, "
        "which measures the bot itself; on: Telegram's flood limits in the emulator and the "
        "bot's own pacing to them (about 30 messages/s for the whole bot)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help="N webhook workers on PostgreSQL + Redis behind the emulator's round-robin "
        "(default: one long-polling process)",
    )
    parser.add_argument(
        "--metrics",
        choices=("on", "off", "compare"),
        default="on",
        help="the shop counting Prometheus metrics (on, the default) or not; compare: the "
        "same rush with metrics on and off in turn (on, off, off, on), and their cost",
    )
    parser.add_argument(
        "--channel",
        choices=("telegram", "messenger"),
        default="telegram",
        help="telegram (default); messenger: then the same customers on the shop's Facebook "
        "Page through the Messenger emulator, each kind of tap beside Telegram's",
    )
    parser.add_argument("--catalog-size", type=int, default=0, metavar="N")
    parser.add_argument(
        "--returning",
        type=float,
        default=0.25,
        metavar="FRACTION",
        help="customers who, once served, come back through a product link and order again "
        "with their saved details (default 0.25)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=600.0, metavar="SECONDS")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not 1 <= args.customers <= 2000:
        print("bench.rush: --customers must be between 1 and 2000", file=sys.stderr)
        return 2
    if args.workers:
        if not 1 <= args.workers <= 8:
            print("bench.rush: --workers must be between 1 and 8", file=sys.stderr)
            return 2
        args.db = "postgres"  # several workers share PostgreSQL
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if args.metrics == "compare" and args.workers:
        print("bench.rush: --metrics compare measures one polling process", file=sys.stderr)
        return 2
    if args.channel == "messenger" and (args.workers or args.metrics == "compare"):
        print("bench.rush: --channel messenger measures one process", file=sys.stderr)
        return 2
    shown = render_comparison if args.metrics == "compare" else render
    return run_bounded("bench.rush", benchmark, args, shown)


if __name__ == "__main__":
    raise SystemExit(main())
