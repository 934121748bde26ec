"""What counting the metrics costs in a rush (``bench.rush --metrics compare``).

The same rush (same seed: the same customers at the same moments) is run four times in one
invocation — metrics on, off, off, on, each on a fresh database — so that a machine whose
load drifts during the run weighs on both alike. Compared is the bot process's CPU time per
update (user + system, from /proc): in an open loop the bot handles whatever arrives, and
what the metrics cost shows as CPU, of which a rush has none to spare (throughput is the
inverse of it). Latencies are reported beside it.

On a machine shared with other work the runs' CPU per update varies by more than the metrics
cost, so the instrumentation of one update (its count and time, two API calls counted and
timed) is also timed by itself, in this process, and set against the bot's CPU per update.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.rush_people import Rusher
from bench.rush_report import percentile
from bench.rush_setup import Database, machine, postgres_database
from bot import metrics
from emulators.telegram import Emulator, FloodLimits

ORDER = (True, False, False, True)
ROUNDS = 50_000


def instrumentation_us() -> float:
    """Microseconds of CPU the metrics add to one update (a press: counted and timed, its
    answer and its redrawn screen counted and timed)."""
    was_on = metrics.is_on()
    metrics.switch_on()
    started = time.process_time()
    for _ in range(ROUNDS):
        with metrics.update_handled("telegram", "callback_query"):
            pass
        metrics.api_call("telegram", "answerCallbackQuery", "200", 0.001)
        metrics.api_call("telegram", "editMessageText", "200", 0.002)
    spent = time.process_time() - started
    if not was_on:
        metrics.switch_off()
    return spent / ROUNDS * 1e6


RunShop = Callable[..., Awaitable[tuple[list[Rusher], dict[str, Any]]]]


def _figures(rushers: list[Rusher], process: dict[str, Any]) -> dict[str, Any]:
    taps = [tap for rusher in rushers for tap in rusher.taps]
    latencies = [tap.latency for tap in taps if tap.latency is not None]
    cpu = process.get("cpu_s") or 0.0
    return {
        "updates": len(taps),
        "cpu_s": round(cpu, 2),
        "cpu_ms_per_update": round(cpu * 1000 / max(len(taps), 1), 3),
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1) if latencies else None,
        "orders": sum(1 for rusher in rushers if rusher.ordered),
        "wall_s": process.get("wall_s"),
    }


async def compare_metrics(
    args: argparse.Namespace, run_shop: RunShop, token: str
) -> dict[str, Any]:
    runs = []
    for counting in ORDER:
        with tempfile.TemporaryDirectory(prefix="ocop-rush-metrics-") as tmp:
            root = Path(tmp)
            async with contextlib.AsyncExitStack() as servers:
                database: Database = await servers.enter_async_context(
                    postgres_database(args.db, root)
                )
                await database.prepare(args.catalog_size)
                limits = FloodLimits() if args.telegram_limits == "on" else FloodLimits.off()
                emulator = Emulator(flood=limits)
                emulator.add_bot(token)
                await emulator.start("127.0.0.1")
                try:
                    rushers, process = await run_shop(
                        args, root, database, emulator, metrics=counting
                    )
                finally:
                    await emulator.stop()
        runs.append({"metrics": "on" if counting else "off", **_figures(rushers, process)})
    on = [run["cpu_ms_per_update"] for run in runs if run["metrics"] == "on"]
    off = [run["cpu_ms_per_update"] for run in runs if run["metrics"] == "off"]
    cost = (sum(on) / len(on)) / (sum(off) / len(off)) - 1
    per_update_us = instrumentation_us()
    cheapest_ms = min(run["cpu_ms_per_update"] for run in runs)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "settings": vars(args),
        "machine": machine(),
        "runs": runs,
        "cpu_per_update_cost_percent": round(cost * 100, 1),
        "instrumentation_us_per_update": round(per_update_us, 1),
        "instrumentation_percent_of_cheapest_run": round(per_update_us / 10 / cheapest_ms, 2),
    }


def render_comparison(report: dict[str, Any]) -> str:
    settings = report["settings"]
    lines = [
        f"OCOP shop bot rush, metrics on and off — {settings['customers']} customers within "
        f"{settings['arrivals']:g} s, {settings['db']}, {report['machine']['cpus']} CPUs, "
        f"{report['date']}",
        "",
        f"{'metrics':<9}{'updates':>8}{'bot CPU s':>11}{'CPU ms/update':>15}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'orders':>8}",
    ]
    for run in report["runs"]:
        lines.append(
            f"{run['metrics']:<9}{run['updates']:>8}{run['cpu_s']:>11.2f}"
            f"{run['cpu_ms_per_update']:>15.3f}{run['p50_ms'] or 0:>9.1f}"
            f"{run['p99_ms'] or 0:>9.1f}{run['orders']:>8}"
        )
    lines += [
        "",
        f"CPU per update with metrics: {report['cpu_per_update_cost_percent']:+.1f}% "
        "(mean of the runs on against the mean of the runs off)",
        f"the metrics of one update, timed alone: {report['instrumentation_us_per_update']} µs "
        f"of CPU = {report['instrumentation_percent_of_cheapest_run']}% of the bot's CPU per "
        "update in the cheapest run",
    ]
    return "\n".join(lines)
