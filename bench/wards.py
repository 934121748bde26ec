"""Benchmark: matching typed wards and communes against the units data, in memory.

    .venv/bin/python -m bench.wards                 # 1,000 typed queries, seed 1
    .venv/bin/python -m bench.wards --queries 5000 --seed 7
    .venv/bin/python -m bench.wards --json

The queries are built from the data itself, as customers type: a current name with or without
accents or its kind ("phường", "xã"), with one or two typos, an old (district-era) ward with or
without its district, a whole address with a village first, and some text that names nothing.
Each query is matched in its province. Load and per-province index times are reported apart
from the per-query times (a running shop pays them once). It asserts nothing: bench/README.md
records the figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import random
import statistics
import string
import time
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from catalog.addresses import PROVINCES
from catalog.text import fold
from catalog.units import Units, short_name

KINDS = ("current", "unaccented", "short", "typo", "two typos", "old", "old+district", "address")


def _typo(rng: random.Random, text: str) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 2:
        return text
    i = rng.choice(letters[1:])
    edit = rng.choice(("delete", "swap", "replace", "insert"))
    if edit == "delete":
        return text[:i] + text[i + 1 :]
    if edit == "swap":
        return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]
    letter = rng.choice(string.ascii_lowercase)
    if edit == "replace":
        return text[:i] + letter + text[i + 1 :]
    return text[:i] + letter + text[i:]


def build_queries(
    data: dict[str, Any], units: Units, count: int, seed: int
) -> list[tuple[str, str, str, str | None]]:
    """(kind, province, typed, the unit it should find or None) for ``count`` queries."""
    rng = random.Random(seed)
    provinces = {name: units.wards(name) for name in PROVINCES}
    by_index = [units.wards(p) for p in PROVINCES]
    # The data's own province order, to read the old wards' targets.
    data_order = [name for name, _wards in data["provinces"]]
    ours = {name: next(p for p in PROVINCES if fold(p) in fold(name)) for name in data_order}
    queries: list[tuple[str, str, str, str | None]] = []
    while len(queries) < count:
        kind = rng.choice((*KINDS, "nonsense"))
        if kind in ("old", "old+district", "address"):
            old_ward, old_district, _old_province, targets = rng.choice(data["legacy"])
            p_index, w_index = rng.choice(targets)
            province = ours[data_order[p_index]]
            target = data["provinces"][p_index][1][w_index]
            typed = {
                "old": fold(short_name(old_ward)),
                "old+district": f"{old_ward}, {old_district}",
                "address": f"thôn {rng.choice(['Đông', 'Hạ', 'Trung'])}, {old_ward}, "
                f"{old_district}, {province}",
            }[kind]
            queries.append((kind, province, typed, target))
            continue
        province = rng.choice(PROVINCES)
        if kind == "nonsense":
            typed = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9)))
            queries.append((kind, province, typed, None))
            continue
        ward = rng.choice(provinces[province])
        typed = {
            "current": ward,
            "unaccented": fold(ward),
            "short": short_name(ward),
            "typo": _typo(rng, fold(ward)),
            "two typos": _typo(rng, _typo(rng, fold(ward))),
        }[kind]
        queries.append((kind, province, typed, ward))
    del by_index
    return queries


def run(count: int, seed: int) -> dict[str, Any]:
    raw = resources.files("catalog").joinpath("data", "units.json.gz").read_bytes()
    started = time.perf_counter()
    data = json.loads(gzip.decompress(raw))
    units = Units(data)
    load_ms = (time.perf_counter() - started) * 1000
    index_ms = {}
    for province in PROVINCES:
        started = time.perf_counter()
        units.prepare(province)
        index_ms[province] = (time.perf_counter() - started) * 1000
    queries = build_queries(data, units, count, seed)
    times: list[float] = []
    found: dict[str, list[int]] = {}
    for kind, province, typed, expected in queries:
        started = time.perf_counter()
        match = units.match(province, typed)
        times.append((time.perf_counter() - started) * 1000)
        offered = [c.ward for c in match.choices]
        hit = expected in offered if expected else not offered
        found.setdefault(kind, [0, 0])
        found[kind][0] += int(hit)
        found[kind][1] += 1
    ordered = sorted(times)
    return {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "data": f"{units.source} {units.version} (data of {units.data_version})",
        "queries": len(queries),
        "seed": seed,
        "load_ms": round(load_ms, 1),
        "index_ms_all": round(sum(index_ms.values()), 1),
        "index_ms_ha_noi": round(index_ms["Hà Nội"], 1),
        "index_ms_max": round(max(index_ms.values()), 1),
        "query_ms_mean": round(statistics.fmean(times), 4),
        "query_ms_p50": round(ordered[len(ordered) // 2], 4),
        "query_ms_p99": round(ordered[int(len(ordered) * 0.99) - 1], 4),
        "query_ms_max": round(ordered[-1], 4),
        "found": {kind: f"{hit}/{total}" for kind, (hit, total) in sorted(found.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Time ward matching on typed queries.")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    report = run(args.queries, args.seed)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(f"{report['data']}; {report['machine']}; {report['date']}")
    print(
        f"load {report['load_ms']} ms; index per province on first use: "
        f"Hà Nội {report['index_ms_ha_noi']} ms, largest {report['index_ms_max']} ms, "
        f"all 34 {report['index_ms_all']} ms"
    )
    print(
        f"{report['queries']} typed queries (seed {report['seed']}): "
        f"mean {report['query_ms_mean']} ms, p50 {report['query_ms_p50']} ms, "
        f"p99 {report['query_ms_p99']} ms, max {report['query_ms_max']} ms"
    )
    print(
        "expected unit among the ≤3 offered (nonsense: nothing offered): "
        + ", ".join(f"{kind} {share}" for kind, share in report["found"].items())
    )


if __name__ == "__main__":
    main()
