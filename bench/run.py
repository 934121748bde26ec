"""Benchmark: simulated customers browse the real shop bot through the Bot API emulator.

    .venv/bin/python -m bench.run                       # 50 customers x 20 taps, demo catalog
    .venv/bin/python -m bench.run --catalog-size 10000  # the same on a 10,000-product catalog
    .venv/bin/python -m bench.run --json                # machine-readable

One run: a fresh SQLite database (migrated, demo catalog, optional synthetic products), the
emulator on 127.0.0.1 with flood limits off, the production dispatcher polling it in this
process, N customers browsing at once; then the same customers' updates replayed against a
trivial aiogram bot (one fixed reply, no database) through the same emulator. Prints
updates/s, latency percentiles, SQL statements per tap, and the ratio shop / trivial.
bench/README.md explains the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import CallbackQuery, FSInputFile, Message
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.common import TRAFFIC, run_bounded
from bench.load import (
    Customer,
    CustomerLog,
    Probe,
    Shopper,
    Tap,
    handler_errors,
    run_customers,
)
from bench.synthetic import add_synthetic_products
from bot.commands import register_commands
from bot.config import Config, load_config
from bot.factory import build_bot, build_dispatcher
from bot.i18n import build_i18n
from catalog import migrate
from catalog.db import create_engine, create_session_factory, dispose
from catalog.demo.seed import seed_demo_catalog
from catalog.models import Product
from catalog.snapshot import CatalogCache
from catalog.uow import UnitOfWork
from emulators.telegram import Emulator, FloodLimits
from handlers.screens import PhotoCache

TOKEN = "777001:bench-token_for-local-runs"
TRIVIAL_TEXT = "OK"
WARMUP_CUSTOMERS = 2
NAMES = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hương", "Khánh", "Lan", "Minh", "Ngọc")
ENGLISH_SHARE = 0.2  # one customer in five uses Telegram in English

log = logging.getLogger("bench")

UNPACED = """[sending]
group_messages_per_minute = 100000
chat_messages_per_second = 1000
chat_burst = 1000
messages_per_second = 100000
"""


# -- set-up ---------------------------------------------------------------------------------


async def prepare_database(root: Path, catalog_size: int) -> tuple[str, Path, int]:
    """Migrated database with the demo catalog (+ synthetic products); URL, media, products."""
    url = f"sqlite+aiosqlite:///{root / 'shop.db'}"
    media = root / "media"
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        await seed_demo_catalog(UnitOfWork(create_session_factory(engine)), media)
        await add_synthetic_products(engine, catalog_size)
        async with engine.connect() as connection:
            count = (await connection.execute(select(func.count(Product.id)))).scalar_one()
    finally:
        await engine.dispose()
    return url, media, int(count)


def production_config(root: Path, api_base: str, database_url: str, media: Path) -> Config:
    """The production config shape: a TOML file, overridden by the environment."""
    path = root / "bot.toml"
    # The emulator's flood limits are off in this profile (it measures the bot against the
    # trivial bot, which paces nothing), and the bot is told so: no sending budget to wait for.
    path.write_text(
        f'[shop]\nmedia_dir = "{media}"\n[telegram]\npolling_timeout = 10\n{UNPACED}',
        encoding="utf-8",
    )
    environ = {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": api_base,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }
    return load_config(path, environ)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


async def catalog_costs(session_factory: async_sessionmaker[AsyncSession]) -> dict[str, Any]:
    """What the in-memory catalog costs by itself: loading it, and each browsing computation."""
    cache = CatalogCache(session_factory)
    started = time.perf_counter()
    snapshot = await cache.get()
    load = time.perf_counter() - started

    def timed(work: Callable[[], object], repeat: int = 20) -> float:
        runs = []
        for _ in range(repeat):
            begun = time.perf_counter()
            work()
            runs.append(time.perf_counter() - begun)
        return _ms(statistics.median(runs))

    def categories_screen() -> None:
        for category in snapshot.category_list():
            snapshot.products_in_category(category.id, "vi")

    first = time.perf_counter()
    categories_screen()  # the first call sorts each category's list (then memoised)
    first_listing = time.perf_counter() - first
    some_id = next(iter(snapshot.products))
    cache.products_changed([some_id])  # what an order does to the stock it took
    begun = time.perf_counter()
    await cache.get()
    stock_reload = time.perf_counter() - begun
    return {
        "products": len(snapshot.products),
        "producers": len(snapshot.producers),
        "full_load_ms": _ms(load),
        "first_category_listing_ms": _ms(first_listing),
        "reload_one_changed_product_ms": _ms(stock_reload),
        "categories_screen_ms": timed(categories_screen),
        "producers_screen_ms": timed(lambda: snapshot.producer_list("vi")),
        "star_levels_ms": timed(snapshot.star_levels),
        "search_bat_trang_ms": timed(lambda: snapshot.search("bat trang", "vi")),
        "search_tinh_dau_ms": timed(lambda: snapshot.search("tinh dau", "vi")),
        "search_bat_trang_hits": len(snapshot.search("bat trang", "vi")),
        "search_tinh_dau_hits": len(snapshot.search("tinh dau", "vi")),
    }


def trivial_dispatcher() -> Dispatcher:
    """The floor: one handler per update type, a fixed answer, no database."""

    async def on_message(message: Message) -> None:
        await message.answer(TRIVIAL_TEXT)

    async def on_callback(query: CallbackQuery) -> None:
        await query.answer(TRIVIAL_TEXT)

    dispatcher = Dispatcher()
    dispatcher.message.register(on_message)
    dispatcher.callback_query.register(on_callback)
    return dispatcher


# -- running a bot against the emulator -----------------------------------------------------


class Polling:
    """``dispatcher.start_polling`` as a task; stopped and awaited on exit."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, emulator: Emulator) -> None:
        self.dispatcher, self.bot, self.emulator = dispatcher, bot, emulator
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Polling:
        self.task = asyncio.create_task(
            self.dispatcher.start_polling(
                self.bot,
                polling_timeout=10,
                allowed_updates=self.dispatcher.resolve_used_update_types(),
                handle_signals=False,
                close_bot_session=True,
            )
        )
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self.task is not None
        if not self.task.done():
            try:
                await asyncio.wait_for(self.dispatcher.stop_polling(), 10)
            except (RuntimeError, TimeoutError):
                self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        # Updates fetched in the last batch are confirmed only by the next getUpdates,
        # which never comes: drop them so the next bot does not get them.
        self.emulator.bot.updates.clear()


def _api_calls(emulator: Emulator) -> int:
    return sum(1 for call in emulator.calls if call.method.lower() != "getupdates")


def people(emulator: Emulator, count: int, rng: random.Random, tag: str) -> list[Any]:
    return [
        emulator.person(
            f"{rng.choice(NAMES)} {tag}{number}",
            language_code="en" if rng.random() < ENGLISH_SHARE else "vi",
        )
        for number in range(count)
    ]


async def preupload_photos(
    bot: Bot, emulator: Emulator, photos: PhotoCache, media: Path, paths: list[str]
) -> None:
    """Send each picture once, as the running shop will have done: file ids are then reused."""
    person = emulator.person("Warm-up")
    emulator.post_message(person.chat, person.user, text="hello")  # opens the private chat
    emulator.bot.updates.clear()
    for photo in paths:
        path = media / photo
        if path.is_file():
            sent = await bot.send_photo(person.id, FSInputFile(path))
            photos.remember(str(path), sent)


async def measure(
    emulator: Emulator, customers: Sequence[Awaitable[CustomerLog]]
) -> tuple[list[CustomerLog], float, int]:
    calls_before = _api_calls(emulator)
    logs, wall = await run_customers(customers)
    return logs, wall, _api_calls(emulator) - calls_before


async def run_shop(
    root: Path, emulator: Emulator, database_url: str, media: Path, args: argparse.Namespace
) -> tuple[dict[str, Any], list[CustomerLog], dict[str, Any]]:
    assert emulator.base_url is not None
    config = production_config(root, emulator.base_url, database_url, media)
    i18n = build_i18n(config.shop.default_language)
    engine = create_engine(
        config.database.url,
        busy_timeout_ms=config.database.sqlite_busy_timeout_ms,
        echo=config.database.echo,
    )
    probe = Probe()
    probe.count_sql()
    session_factory = create_session_factory(engine)
    try:
        costs = await catalog_costs(session_factory)
        dispatcher = build_dispatcher(config, session_factory=session_factory, i18n=i18n)
        probe.watch(dispatcher)
        bot = build_bot(config)
        await register_commands(bot, i18n)
        async with engine.connect() as connection:
            paths = sorted(
                str(p)
                for p in await connection.scalars(
                    select(Product.photo).where(Product.photo.is_not(None)).distinct()
                )
            )
        rng = random.Random(args.seed)
        with handler_errors(show=args.show_errors) as errors:
            async with Polling(dispatcher, bot, emulator):
                await preupload_photos(
                    bot, emulator, dispatcher["photos"], config.shop.media_dir, paths
                )
                warmup = [
                    Shopper(emulator, person, probe, rng).browse(args.taps)
                    for person in people(emulator, WARMUP_CUSTOMERS, rng, "warm-up ")
                ]
                await run_customers(warmup)
                probe.sql_outside_updates.clear()
                errors.errors.clear()
                shoppers = [
                    Shopper(emulator, person, probe, rng)
                    for person in people(emulator, args.customers, rng, "")
                ]
                logs, wall, calls = await measure(
                    emulator, [s.browse(args.taps) for s in shoppers]
                )
        outside = dict(probe.sql_outside_updates)
    finally:
        probe.stop_counting()
        await dispose(engine)
    row = summarise("shop", logs, wall, calls)
    row["handler_errors"] = dict(errors.errors)
    row["sql_outside_updates"] = outside
    return row, logs, costs


async def run_trivial(
    emulator: Emulator, scripts: list[CustomerLog], args: argparse.Namespace
) -> dict[str, Any]:
    assert emulator.base_url is not None
    bot = Bot(
        token=TOKEN,
        session=AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url)),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    dispatcher = trivial_dispatcher()
    probe = Probe()
    probe.watch(dispatcher)
    rng = random.Random(args.seed + 1)
    with handler_errors(show=args.show_errors) as errors:
        async with Polling(dispatcher, bot, emulator):
            warmup = [
                Customer(emulator, person, probe).replay(script.sent)
                for person, script in zip(
                    people(emulator, WARMUP_CUSTOMERS, rng, "warm-up "), scripts, strict=False
                )
            ]
            await run_customers(warmup)
            errors.errors.clear()
            customers = [
                Customer(emulator, person, probe).replay(script.sent)
                for person, script in zip(
                    people(emulator, len(scripts), rng, ""), scripts, strict=True
                )
            ]
            logs, wall, calls = await measure(emulator, customers)
    row = summarise("trivial", logs, wall, calls)
    row["handler_errors"] = dict(errors.errors)
    return row


# -- figures --------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def summarise(name: str, logs: list[CustomerLog], wall: float, api_calls: int) -> dict[str, Any]:
    taps = [tap for entry in logs for tap in entry.taps]
    latencies = [tap.latency for tap in taps if tap.latency is not None]
    first = [tap.first_response for tap in taps if tap.first_response is not None]
    handling = [tap.handling for tap in taps if tap.handling is not None]
    return {
        "bot": name,
        "updates": len(taps),
        "wall_s": round(wall, 3),
        "updates_per_s": round(len(taps) / wall, 1) if wall else 0.0,
        "p50_ms": _ms(percentile(latencies, 0.50)) if latencies else None,
        "p95_ms": _ms(percentile(latencies, 0.95)) if latencies else None,
        "p99_ms": _ms(percentile(latencies, 0.99)) if latencies else None,
        "max_ms": _ms(max(latencies)) if latencies else None,
        "first_response_p50_ms": _ms(percentile(first, 0.50)) if first else None,
        "in_dispatcher_p50_ms": _ms(percentile(handling, 0.50)) if handling else None,
        "api_calls_per_update": round(api_calls / len(taps), 2) if taps else 0.0,
        "sql_per_update": round(sum(t.sql for t in taps) / len(taps), 2) if taps else 0.0,
        "unanswered": len(taps) - len(latencies),
        "api_errors": sum(t.api_errors for t in taps),
        "timeouts": sum(entry.timeouts for entry in logs),
        "fallbacks": dict(sum((entry.fallbacks for entry in logs), Counter[str]())),
        # The bot's messages, edits, deletes and press answers: per update, and per session.
        "traffic_per_update": {
            name: round(sum(t.traffic.get(name, 0) for t in taps) / len(taps), 2) if taps else 0
            for name in TRAFFIC.values()
        },
        "traffic_per_session": {
            name: round(sum(t.traffic.get(name, 0) for t in taps) / len(logs), 1) if logs else 0
            for name in TRAFFIC.values()
        },
    }


def sql_by_step(logs: list[CustomerLog]) -> list[dict[str, Any]]:
    """SQL statements per tap for each step of the session, in session order."""
    steps: dict[str, list[Tap]] = defaultdict(list)
    for entry in logs:
        for tap in entry.taps:
            steps[tap.label].append(tap)
    rows = []
    for label, taps in steps.items():
        verbs: Counter[str] = Counter()
        for tap in taps:
            verbs.update(tap.sql_by_verb)
        latencies = [t.latency for t in taps if t.latency is not None]
        rows.append(
            {
                "step": label,
                "kind": taps[0].kind,
                "taps": len(taps),
                "sql_per_tap": round(sum(t.sql for t in taps) / len(taps), 2),
                "taps_with_sql": sum(1 for t in taps if t.sql),
                "verbs_per_tap": {v: round(n / len(taps), 2) for v, n in sorted(verbs.items())},
                "p50_ms": _ms(percentile(latencies, 0.5)) if latencies else None,
            }
        )
    return rows


def sql_by_kind(logs: list[CustomerLog]) -> dict[str, float]:
    totals: dict[str, list[int]] = defaultdict(list)
    for entry in logs:
        for tap in entry.taps:
            totals[tap.kind].append(tap.sql)
    return {kind: round(sum(v) / len(v), 2) for kind, v in totals.items()}


def render(report: dict[str, Any]) -> str:
    shop, trivial, ratio = report["shop"], report["trivial"], report["ratio"]
    settings = report["settings"]
    lines = [
        f"OCOP shop bot benchmark — {settings['customers']} customers x {settings['taps']} "
        f"taps, {report['catalog']['products']} products, polling, "
        f"{report['machine']['cpus']} CPUs, {report['date']}",
        "",
        f"{'bot':<9}{'updates':>8}{'upd/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'API/upd':>9}{'SQL/upd':>9}",
    ]
    for row in (shop, trivial):
        lines.append(
            f"{row['bot']:<9}{row['updates']:>8}{row['updates_per_s']:>9.1f}"
            f"{row['p50_ms']:>9.2f}{row['p95_ms']:>9.2f}{row['p99_ms']:>9.2f}"
            f"{row['api_calls_per_update']:>9.2f}{row['sql_per_update']:>9.2f}"
        )
    lines.append(
        f"{'ratio':<9}{'':>8}{ratio['updates_per_s']:>9.2f}{ratio['p50_ms']:>9.2f}"
        f"{ratio['p95_ms']:>9.2f}{ratio['p99_ms']:>9.2f}   (shop / trivial)"
    )
    problems = [
        f"{row['bot']}: {row[key]} {key}"
        for row in (shop, trivial)
        for key in ("unanswered", "api_errors", "timeouts")
        if row[key]
    ]
    problems += [
        f"{row['bot']}: {count} x {error}"
        for row in (shop, trivial)
        for error, count in row["handler_errors"].items()
    ]
    if shop["fallbacks"]:
        problems.append(
            "buttons not shown (customer went back to the catalog): "
            + ", ".join(f"{step} {n}" for step, n in shop["fallbacks"].items())
        )
    for problem in problems:
        lines.append(f"NOTE: {problem}")
    per_update, per_session = shop["traffic_per_update"], shop["traffic_per_session"]
    lines += [
        "",
        "the shop's messages per update: "
        + ", ".join(f"{name} {value:g}" for name, value in per_update.items())
        + f"; per customer's session of {settings['taps']} taps: "
        + ", ".join(f"{name} {value:g}" for name, value in per_session.items()),
    ]
    kinds = report["sql_per_tap_by_kind"]
    lines += [
        "",
        "SQL statements per tap: "
        + ", ".join(f"{kind} {value:g}" for kind, value in kinds.items()),
        "",
        f"{'step (shop)':<32}{'taps':>6}{'SQL/tap':>9}{'with SQL':>10}{'p50 ms':>9}  statements",
    ]
    for step in report["sql_per_tap_by_step"]:
        verbs = " ".join(f"{v}={n:g}" for v, n in step["verbs_per_tap"].items())
        lines.append(
            f"{step['step']:<32}{step['taps']:>6}{step['sql_per_tap']:>9.2f}"
            f"{step['taps_with_sql']:>10}{step['p50_ms'] or 0:>9.2f}  {verbs}"
        )
    cat = report["catalog"]
    lines += [
        "",
        f"in-memory catalog ({cat['products']} products, {cat['producers']} producers): "
        f"full load {cat['full_load_ms']:.1f} ms, reload of one changed product "
        f"{cat['reload_one_changed_product_ms']:.2f} ms",
        f"  per tap: categories {cat['categories_screen_ms']:.3f} ms, producers "
        f"{cat['producers_screen_ms']:.3f} ms, stars {cat['star_levels_ms']:.3f} ms, "
        f"search 'bat trang' {cat['search_bat_trang_ms']:.3f} ms "
        f"({cat['search_bat_trang_hits']} hits), 'tinh dau' {cat['search_tinh_dau_ms']:.3f} ms "
        f"({cat['search_tinh_dau_hits']} hits)",
    ]
    return "\n".join(lines)


# -- the command ----------------------------------------------------------------------------


def _ratio(shop: dict[str, Any], trivial: dict[str, Any], key: str) -> float | None:
    if not shop.get(key) or not trivial.get(key):
        return None
    return round(shop[key] / trivial[key], 2)


async def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ocop-bench-") as tmp:
        root = Path(tmp)
        database_url, media, _count = await prepare_database(root, args.catalog_size)
        emulator = Emulator(flood=FloodLimits.off())
        emulator.add_bot(TOKEN)
        await emulator.start("127.0.0.1")
        try:
            shop, logs, costs = await run_shop(root, emulator, database_url, media, args)
            trivial = await run_trivial(emulator, logs, args)
        finally:
            await emulator.stop()
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "settings": {
            "customers": args.customers,
            "taps": args.taps,
            "catalog_size": args.catalog_size,
            "seed": args.seed,
            "mode": "long polling, in-process",
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "aiogram": version("aiogram"),
            "sqlalchemy": version("sqlalchemy"),
        },
        "shop": shop,
        "trivial": trivial,
        "ratio": {
            key: _ratio(shop, trivial, key)
            for key in ("updates_per_s", "p50_ms", "p95_ms", "p99_ms")
        },
        "sql_per_tap_by_kind": sql_by_kind(logs),
        "sql_per_tap_by_step": sql_by_step(logs),
        "catalog": costs,
    }


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=(
            "Drive simulated customers through the Bot API emulator against the real shop "
            "dispatcher, then the same updates against a trivial aiogram bot; print "
            "updates/s, p50/p95/p99 latency, SQL statements per tap and the ratio."
        ),
    )
    parser.add_argument(
        "--customers", type=_positive, default=50, help="customers at once (default 50)"
    )
    parser.add_argument(
        "--taps", type=_positive, default=20, help="updates per customer (default 20)"
    )
    parser.add_argument(
        "--catalog-size",
        type=int,
        default=0,
        metavar="N",
        help="add synthetic products until the catalog holds N (default: the 46 demo ones)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="give up after this long (default 300)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--log-level", default="WARNING", help="logging level (default WARNING)")
    parser.add_argument(
        "--show-errors",
        action="store_true",
        help="print the tracebacks of failed updates (by default they are only counted)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.customers * args.taps > 100_000:
        print("bench: at most 100,000 updates per run", file=sys.stderr)
        return 2
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr)
    return run_bounded("bench", benchmark, args, render)


if __name__ == "__main__":
    raise SystemExit(main())
