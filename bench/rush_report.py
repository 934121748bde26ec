"""The rush benchmark's figures: per kind of tap, presses, orders, stock, memory, the floor."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from bench.rush_messenger import MessengerRusher
from bench.rush_people import Rusher, Tap
from bench.rush_setup import Database

KINDS = ("browse", "write", "checkout", "confirm")


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def _spread(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"count": 0}
    return {
        "count": len(values),
        "p50_ms": round(percentile(values, 0.5) * 1000, 1),
        "p95_ms": round(percentile(values, 0.95) * 1000, 1),
        "p99_ms": round(percentile(values, 0.99) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


async def stock(database: Database) -> dict[int, int]:
    return {int(i): int(n) for i, n in await database.rows("SELECT id, stock FROM products")}


async def oversold(database: Database, before: dict[int, int]) -> dict[str, int]:
    """Units sold beyond what there was, from the stock before the run and the orders."""
    sold = {
        int(product): int(quantity)
        for product, quantity in await database.rows(
            "SELECT product_id, SUM(quantity) FROM order_lines GROUP BY product_id"
        )
    }
    after = await stock(database)
    return {
        "orders": int(await database.scalar("SELECT COUNT(*) FROM orders") or 0),
        "units_sold": sum(sold.values()),
        "oversold_units": sum(max(0, n - before.get(p, 0)) for p, n in sold.items())
        + sum(-n for n in after.values() if n < 0),
        # Stock taken that no order accounts for (or the reverse): must be 0 too.
        "stock_mismatch": sum(
            abs(before.get(p, 0) - after.get(p, 0) - sold.get(p, 0)) for p in before
        ),
    }


def journeys(
    rushers: list[Rusher] | list[MessengerRusher], *, channel: str
) -> dict[str, dict[str, Any]]:
    """Per journey finished: how many did, and the bot's new messages, edits, deletes and
    press answers in the person's chat (mean and most)."""
    done: dict[str, list[dict[str, int]]] = defaultdict(list)
    for rusher in rushers:
        for name, counts in rusher.journeys.items():
            done[name].append(counts)
    report: dict[str, dict[str, Any]] = {}
    for name, all_counts in sorted(done.items()):
        entry: dict[str, Any] = {"channel": channel, "people": len(all_counts)}
        for key in all_counts[0]:
            values = [counts[key] for counts in all_counts]
            entry[key] = {"mean": round(sum(values) / len(values), 1), "max": max(values)}
        report[name] = entry
    return report


def summarise(
    *,
    args: dict[str, Any],
    rushers: list[Rusher],
    trivial: list[list[Tap]],
    process: dict[str, Any],
    sold: dict[str, int],
    flood_429s: int,
    machine: dict[str, Any],
) -> dict[str, Any]:
    taps = [tap for rusher in rushers for tap in rusher.taps]
    by_kind: dict[str, list[float]] = defaultdict(list)
    for tap in taps:
        if tap.latency is not None:
            by_kind[tap.kind].append(tap.latency)
    presses = [tap for tap in taps if tap.data is not None]
    floor = [tap for script in trivial for tap in script]
    floor_browse = [t.latency for t in floor if t.kind == "browse" and t.latency is not None]
    shop_browse = by_kind.get("browse", [])
    gave_up: dict[str, int] = defaultdict(int)
    for rusher in rushers:
        if rusher.gave_up:
            gave_up[rusher.gave_up] += 1
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "settings": args,
        "machine": machine,
        "customers_ordered": sum(1 for r in rushers if r.ordered),
        "gave_up": dict(gave_up),
        "kinds": {kind: _spread(by_kind.get(kind, [])) for kind in KINDS},
        "press_answer": _spread([t.answered for t in presses if t.answered is not None]),
        "presses": len(presses),
        "presses_unanswered": sum(1 for t in presses if t.answered is None),
        "taps_unanswered": sum(1 for t in taps if t.latency is None),
        "flood_429s": flood_429s,
        "trivial_all": _spread([t.latency for t in floor if t.latency is not None]),
        "trivial_browse": _spread(floor_browse),
        **sold,
        **process,
    }
    report["journeys"] = journeys(rushers, channel="telegram")
    if shop_browse and floor_browse:
        report["browse_p99_ratio"] = round(
            percentile(shop_browse, 0.99) / percentile(floor_browse, 0.99), 2
        )
    return report


def summarise_channel(
    *, rushers: list[MessengerRusher], process: dict[str, Any], sold: dict[str, int]
) -> dict[str, Any]:
    """Another channel's rush (Messenger): the same figures per kind of tap."""
    by_kind: dict[str, list[float]] = defaultdict(list)
    taps = [tap for rusher in rushers for tap in rusher.taps]
    for tap in taps:
        if tap.latency is not None:
            by_kind[tap.kind].append(tap.latency)
    gave_up: dict[str, int] = defaultdict(int)
    for rusher in rushers:
        if rusher.gave_up:
            gave_up[rusher.gave_up] += 1
    return {
        "customers_ordered": sum(1 for r in rushers if r.ordered),
        "gave_up": dict(gave_up),
        "gave_up_threads": [r.last_seen for r in rushers if r.last_seen][:10],
        "kinds": {kind: _spread(by_kind.get(kind, [])) for kind in KINDS},
        "taps_unanswered": sum(1 for t in taps if t.latency is None),
        "journeys": journeys(rushers, channel="messenger"),
        **sold,
        **process,
    }


def _journey_lines(report: dict[str, Any]) -> list[str]:
    lines = []
    for name, entry in report["journeys"].items():
        counts = ", ".join(
            f"{key} {entry[key]['mean']:g} (at most {entry[key]['max']})"
            for key in ("new", "edits", "deletes", "answers")
        )
        lines.append(
            f"{name} customer's order on {entry['channel']} ({entry['people']}): {counts}"
        )
    return lines


def _render_channel(report: dict[str, Any]) -> list[str]:
    other = report["messenger"]
    lines = [
        "",
        "The same customers on Messenger (a fresh database, the Messenger emulator):",
        f"{'tap kind':<20}{'taps':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"{'Telegram p99':>14}",
    ]
    for kind in KINDS:
        spread, telegram = other["kinds"][kind], report["kinds"][kind]
        if not spread["count"]:
            lines.append(f"{kind:<20}{0:>6}")
            continue
        beside = f"{telegram['p99_ms']:>14.1f}" if telegram["count"] else f"{'—':>14}"
        lines.append(
            f"{kind:<20}{spread['count']:>6}{spread['p50_ms']:>9.1f}{spread['p95_ms']:>9.1f}"
            f"{spread['p99_ms']:>9.1f}{spread['max_ms']:>9.1f}{beside}"
        )
    lines += [
        f"orders placed {other['orders']} (customers who finished: "
        f"{other['customers_ordered']}), oversold units {other['oversold_units']}, stock not "
        f"accounted for {other['stock_mismatch']}; taps without a response "
        f"{other['taps_unanswered']}",
        f"Graph: {other['messages_sent']} messages sent, refusals {other['graph_errors'] or 0}; "
        f"bot process: peak RSS {other['peak_rss_mb']} MB, wall {other['wall_s']} s, "
        f"tracebacks in its log {other['log_tracebacks']}",
    ]
    lines += _journey_lines(other)
    for reason, count in other["gave_up"].items():
        lines.append(f"NOTE: {count} customer(s) on Messenger stopped: {reason}")
    return lines


def render(report: dict[str, Any]) -> str:
    settings = report["settings"]
    lines = [
        f"OCOP shop bot rush — {settings['customers']} customers arriving within "
        f"{settings['arrivals']:g} s, {settings['db']}, Telegram's limits "
        f"{settings['telegram_limits']}, catalog size "
        f"{settings['catalog_size'] or 'demo'}, {report['machine']['cpus']} CPUs, "
        f"{report['date']}",
        "",
        f"{'tap kind':<20}{'taps':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}",
    ]
    rows = [(kind, report["kinds"][kind]) for kind in KINDS]
    rows += [
        ("press answered", report["press_answer"]),
        ("trivial (all)", report["trivial_all"]),
        ("trivial (browse)", report["trivial_browse"]),
    ]
    for name, spread in rows:
        if not spread["count"]:
            lines.append(f"{name:<20}{0:>6}")
            continue
        lines.append(
            f"{name:<20}{spread['count']:>6}{spread['p50_ms']:>9.1f}{spread['p95_ms']:>9.1f}"
            f"{spread['p99_ms']:>9.1f}{spread['max_ms']:>9.1f}"
        )
    lines += [
        "",
        f"browse p99 / trivial browse p99: {report.get('browse_p99_ratio', '—')}",
        f"orders placed {report['orders']} (customers who finished: "
        f"{report['customers_ordered']}), units sold {report['units_sold']}, "
        f"oversold units {report['oversold_units']}, stock not accounted for "
        f"{report['stock_mismatch']}",
        f"presses {report['presses']}, unanswered {report['presses_unanswered']}; "
        f"taps without a response {report['taps_unanswered']}; 429s {report['flood_429s']}",
        f"bot process: peak RSS {report['peak_rss_mb']} MB, wall {report['wall_s']} s, "
        f"tracebacks in its log {report['log_tracebacks']}",
    ]
    lines += _journey_lines(report)
    for reason, count in report["gave_up"].items():
        lines.append(f"NOTE: {count} customer(s) stopped: {reason}")
    if "messenger" in report:
        lines += _render_channel(report)
    return "\n".join(lines)
