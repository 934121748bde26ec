"""The bot built stage by stage in this process, its resident memory read after each stage.

    python -m bench.memory_stages --config PATH   (run by bench.memory in a fresh process)

The stages are those of ``ocop-bot run`` (bot.cli, bot.runner): the interpreter; ``import
aiogram`` (the floor); the rest of what the ``ocop-bot`` command imports; the configuration,
the translations, the database engine and the schema check; the bot and the dispatcher; the
ward data and Hà Nội's index (loaded at start-up); then what the running bot loads on first
use and keeps: the catalog snapshot with its search index, and what browsing fills (every
listing's order, the alphabetical positions, in both languages). Prints one JSON object.

Nothing is imported at the top of this module beyond the standard library: what a stage
imports is part of what it measures.
"""

# ruff: noqa: PLC0415 - what a stage imports is part of what it measures

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import tracemalloc
import types
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

_KB = 1024
# Not followed: they belong to the program, not to the data.
_CODE = (type, types.FunctionType, types.MethodType, types.ModuleType, types.BuiltinFunctionType)


def status_mb(field: str = "VmRSS") -> float:
    """A figure of this process's /proc/self/status (VmRSS, VmHWM), in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / _KB
    raise RuntimeError(f"no {field} in /proc/self/status (Linux only)")


class Stages:
    """RSS after each stage; ``gc.collect()`` first, so garbage is not counted."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def mark(self, stage: str) -> None:
        gc.collect()
        rss = status_mb()
        previous = self.rows[-1]["rss_mb"] if self.rows else 0.0
        self.rows.append(
            {"stage": stage, "rss_mb": round(rss, 1), "delta_mb": round(rss - previous, 1)}
        )


def deep_size(roots: Iterable[object], seen: set[int]) -> int:
    """Bytes held by ``roots`` and everything they reach through containers, slots and
    instance dicts; an object already in ``seen`` (counted elsewhere) is not counted again.
    Classes, functions and modules are not followed."""
    total = 0
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, _CODE):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
        elif not isinstance(obj, str | bytes | int | float | bool | type(None)):
            for cls in type(obj).__mro__:
                for name in getattr(cls, "__slots__", ()):
                    if hasattr(obj, name):
                        stack.append(getattr(obj, name))
            if hasattr(obj, "__dict__"):
                stack.append(obj.__dict__)
    return total


async def build_and_load(config_path: Path, stages: Stages) -> dict[str, Any]:
    """``ocop-bot run``'s steps up to polling (bot.runner._serving), then the caches filled."""
    from bot.config import load_config
    from bot.factory import build_bot, build_dispatcher, load_wards
    from bot.i18n import build_i18n
    from bot.metrics import switch_on
    from catalog import migrate
    from catalog.db import create_engine, create_session_factory, dispose
    from catalog.snapshot import CatalogCache
    from catalog.units import units

    config = load_config(config_path)
    if config.metrics.enabled:
        switch_on()
    i18n = build_i18n(config.shop.default_language)
    engine = create_engine(
        config.database.url,
        busy_timeout_ms=config.database.sqlite_busy_timeout_ms,
        echo=config.database.echo,
        pool_size=config.database.pool_size,
    )
    try:
        current, head = await migrate.current_revision(engine), migrate.head_revision()
        assert current == head, f"the database is at {current}, not {head}"
        stages.mark("config, translations, engine, schema check")
        bot = build_bot(config)
        dispatcher = build_dispatcher(
            config, session_factory=create_session_factory(engine), i18n=i18n
        )
        stages.mark("bot and dispatcher built")
        await load_wards()  # a start-up hook of the dispatcher
        stages.mark("ward data, Hà Nội's index (at start-up)")
        cache: CatalogCache = dispatcher["catalog_cache"]
        snapshot = await cache.get()  # what the first customer's tap does
        stages.mark("catalog snapshot and search index")
        warm_every_listing(snapshot)
        stages.mark("every listing sorted, vi and en")
        sizes = structure_sizes(snapshot, units())
        await bot.session.close()
    finally:
        await dispose(engine)
    return {
        "products": len(snapshot.products),
        "producers": len(snapshot.producers),
        "sizes": sizes,
    }


def warm_every_listing(snapshot: Any) -> None:
    """What browsing leaves in the cache once every list has been opened in both languages."""
    for language in ("vi", "en"):
        for category in snapshot.category_list():
            snapshot.products_in_category(category.id, language)
        for producer in snapshot.producer_list(language):
            snapshot.products_of_producer(producer.id, language)
        for stars, _count in snapshot.star_levels():
            snapshot.products_with_stars(stars, language)
        for query in ("bat trang", "tinh dau", "gom", "lua van phuc", "tra"):
            snapshot.search(query, language)


def structure_sizes(snapshot: Any, units: Any) -> dict[str, float]:
    """MiB held by each structure (objects shared between two counted once, in the first)."""
    seen: set[int] = set()
    parts: dict[str, Callable[[], Iterable[object]]] = {
        "snapshot: product views": lambda: [snapshot.products],
        "snapshot: producers, categories": lambda: [snapshot.producers, snapshot.categories],
        "search index: postings": lambda: [snapshot._postings],
        "search index: vocabulary": lambda: [snapshot._vocabulary],
        "search index: words in names": lambda: [snapshot._in_names],
        "listings: alphabetical positions": lambda: [snapshot._positions],
        "listings: orders": lambda: [snapshot._sorted],
        "wards: data": lambda: [units._wards, units._everywhere, units._district_keys],
        "wards: provinces indexed": lambda: [units._indexes],
    }
    return {name: round(deep_size(roots(), seen) / _KB / _KB, 1) for name, roots in parts.items()}


def top_allocations(limit: int) -> list[dict[str, Any]]:
    """tracemalloc's biggest holders, by file, of what was allocated since it started."""
    snapshot = tracemalloc.take_snapshot()
    stats = snapshot.statistics("filename")[:limit]
    root = f"{Path(__file__).resolve().parent.parent}/"
    return [
        {
            "file": stat.traceback[0].filename.removeprefix(root).split("site-packages/")[-1],
            "mb": round(stat.size / _KB / _KB, 1),
        }
        for stat in stats
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory_stages")
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--tracemalloc", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)
    stages = Stages()
    stages.mark("python")
    import aiogram  # noqa: F401

    stages.mark("import aiogram")
    if args.tracemalloc:
        tracemalloc.start()
    import bot.cli  # noqa: F401  (what the ocop-bot command imports)

    stages.mark("the ocop-bot command's imports")
    found = asyncio.run(build_and_load(args.config, stages))
    report = {"stages": stages.rows, **found, "peak_rss_mb": round(status_mb("VmHWM"), 1)}
    if args.tracemalloc:
        report["top"] = top_allocations(args.tracemalloc)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
