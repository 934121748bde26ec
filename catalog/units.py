"""Wards, communes and special zones since July 2025, and the old wards they replaced.

The names come from ``catalog/data/units.json.gz``, generated from the `vietnam-provinces`
package by ``tools/build_units.py`` (the release is recorded in the file). Matching what a
customer typed runs in memory: current names and old names, with or without accents, with a
typo or two, and points out a unit that belongs to another province.

Every worker holds the whole table and an index of each province its customers use, so they
are held compactly (bench/memory.py weighs them): an old district's name once for all its
wards, and a typo's variant pointing at the one name it comes from rather than at a set.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Final

from catalog.addresses import PROVINCES, match_province
from catalog.text import fold, nfc

MAX_CHOICES: Final = 3
MAX_PARTS: Final = 4  # of an address typed whole, separated by commas

# How well a unit matches: typos, an old name (not a current one), an old ward of another
# district than the one typed, the kind ("phường", "xã") typed but not the unit's.
_Rank = tuple[int, int, int, int]
# Between the parts of an address typed whole; a "/" between digits is a house's ("123/4").
_PARTS: Final = re.compile(r"[,;|\n]+|(?<!\d)/|/(?!\d)")
# "8 Tràng Thi Phường Cửa Nam", typed without a comma: the ward starts at its kind's word.
_KIND_INSIDE: Final = re.compile(
    r"(?<=\w)[ \t]+(?=(?:phường|phuong|xã|thị trấn|thi tran|đặc khu)\s|(?:p|x|tt)\.)",
    re.IGNORECASE,
)
_COUNTRY: Final = frozenset({"viet nam", "vietnam", "vn"})

# The unit's kind, as people write it before the name ("P.", "F" and "X." are shorthands).
_KIND: Final = re.compile(r"^(?:phuong|xa|thi tran|dac khu|tt|p|f|x)(?:\s+|\.\s*|(?=\d))")
_DISTRICT: Final = re.compile(r"^(?:quan|huyen|thi xa|q|h)(?:\s+|\.\s*|(?=\d))")
_NOT_KEY: Final = re.compile(r"[\W_]+")
_LEADING_ZEROS: Final = re.compile(r"(?<!\d)0+(?=\d)")


def _key(folded: str) -> str:
    """A name as a comparable string: "phuong 05" → "phuong5", "ea h'leo" → "eahleo"."""
    return _LEADING_ZEROS.sub("", _NOT_KEY.sub("", folded))


def _queries(typed: str) -> set[str]:
    """The keys a folded part is looked up by: as typed, and without its kind's word."""
    bare = _KIND.sub("", typed, count=1)
    return {k for k in (_key(typed), _key(bare)) if k}


def _keys(name: str) -> set[str]:
    """A unit's name with and without its kind: "Xã Bát Tràng" → {"xabattrang", "battrang"}."""
    folded = fold(name)
    return {k for k in (_key(folded), _key(_KIND.sub("", folded, count=1))) if k}


def _max_typos(key: str) -> int:
    return 0 if len(key) <= 4 else 1 if len(key) <= 8 else 2


def _deletions(key: str, depth: int) -> set[str]:
    found = {key}
    frontier = {key}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance counting a swap of two neighbours as one (optimal string alignment);
    anything over ``limit`` is returned as ``limit + 1`` as soon as it is certain."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@dataclass(frozen=True, slots=True)
class WardChoice:
    """A current unit offered for what was typed; ``old_name`` when an old ward led to it."""

    ward: str
    province: str
    old_name: str | None = None
    old_district: str | None = None


@dataclass(frozen=True, slots=True)
class WardMatch:
    exact: WardChoice | None = None  # the typed text names one current unit of the province
    choices: tuple[WardChoice, ...] = ()  # the best few units of the province
    elsewhere: tuple[WardChoice, ...] = ()  # units of other provinces with exactly that name
    district: bool = False  # the text starts like a district ("Quận 1", "huyện Gia Lâm")
    # Of a whole address typed ("8 Tràng Thi, Phường Cửa Nam"): the part taken as the ward,
    # and the others as typed (the street, the village…), the province's name left out.
    part: str = ""
    rest: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Entry:
    ward: str  # the current unit
    province: str
    # For an old name: the old ward and its district.
    old_ward: str | None = None
    old_district: str | None = None

    def choice(self) -> WardChoice:
        return WardChoice(self.ward, self.province, self.old_ward, self.old_district)


# A typo's variant (catalog key with letters deleted): the key it comes from, or the keys.
_Keys = str | tuple[str, ...]


@dataclass(slots=True)
class _ProvinceIndex:
    exact: dict[str, list[_Entry]] = field(default_factory=lambda: defaultdict(list))
    deletions: dict[str, _Keys] = field(default_factory=dict)


class Units:
    """The 34 provinces' wards, and the old wards that became them."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.source: str = data["source"]
        self.version: str = data["version"]
        self.data_version: str = data["data_version"]
        provinces: list[tuple[str, list[str]]] = []
        for name, wards in data["provinces"]:
            province = match_province(name)
            if province is None:
                raise ValueError(f"unknown province in the units data: {name}")
            provinces.append((province, [nfc(w) for w in wards]))
        self._wards = {province: tuple(wards) for province, wards in provinces}
        # Each name's keys (with and without its kind), and the units it may mean.
        everywhere: dict[str, list[_Entry]] = defaultdict(list)
        for province, wards in provinces:
            for ward in wards:
                entry = _Entry(ward, province)
                for key in _keys(ward):
                    everywhere[key].append(entry)
        districts: dict[str, str] = {}  # one string per old district, for all its wards
        for old_ward, old_district, _old_province, targets in data["legacy"]:
            ward, district = nfc(old_ward), nfc(old_district)
            district = districts.setdefault(district, district)
            keys = _keys(old_ward)
            for p_index, w_index in targets:
                province, wards = provinces[p_index]
                entry = _Entry(wards[w_index], province, ward, district)
                for key in keys:
                    everywhere[key].append(entry)
        self._everywhere = {key: tuple(entries) for key, entries in everywhere.items()}
        self._district_keys = {_key(_DISTRICT.sub("", fold(d), count=1)) for d in districts}
        self._indexes: dict[str, _ProvinceIndex] = {}
        # A rush picks the same province in many threads at once: one builds, the rest wait.
        self._building = threading.Lock()

    def provinces(self) -> tuple[str, ...]:
        return tuple(self._wards)

    def wards(self, province: str) -> tuple[str, ...]:
        """Every current unit of a province, in the data's order."""
        return self._wards.get(province, ())

    def prepare(self, province: str) -> None:
        """Build a province's index now rather than on its first query (~0.1 s each)."""
        self._index(province)

    def is_indexed(self, province: str) -> bool:
        return province in self._indexes

    def _index(self, province: str) -> _ProvinceIndex:
        # Built on first use per province: a shop mostly sees a handful of provinces.
        index = self._indexes.get(province)
        if index is not None:
            return index
        with self._building:
            return self._indexes.get(province) or self._build(province)

    def _build(self, province: str) -> _ProvinceIndex:
        index = _ProvinceIndex()
        for key, entries in self._everywhere.items():
            for entry in entries:
                if entry.province == province:
                    index.exact[key].append(entry)
        deletions = index.deletions
        for key in index.exact:
            for variant in _deletions(key, _max_typos(key)):
                known = deletions.get(variant)
                deletions[variant] = (
                    key if known is None else (known, key) if isinstance(known, str)
                    else (*known, key)
                )  # fmt: skip
        self._indexes[province] = index
        return index

    def match(self, province: str, text: str, *, limit: int = MAX_CHOICES) -> WardMatch:
        """The units of ``province`` that ``text`` may mean, best first.

        A whole address may be typed ("thôn Dương Đá, xã Dương Xá, huyện Gia Lâm"): the part
        that matches best is the ward, and the others help choose between old wards.
        """
        typed_parts = [raw.strip() for raw in _PARTS.split(_KIND_INSIDE.sub(",", nfc(text)))]
        typed_parts = [raw for raw in typed_parts if _key(fold(raw))]
        # ", Hà Nội" at the end names the province; "Phường Tây Ninh" alone is a ward.
        typed_parts = [raw for raw in typed_parts if match_province(fold(raw)) is None] or (
            typed_parts
        )
        parts = [fold(raw) for raw in typed_parts]
        if not parts:
            return WardMatch()
        index = self._index(province)
        # The ward is looked for among the first part and the last few (the order people
        # write in either way round); "1 Lê Lợi", starting with a house number, is a street.
        window = sorted({0, *range(max(0, len(parts) - MAX_PARTS), len(parts))})
        candidates = [p for p in window if not parts[p][:1].isdigit()] or window

        ranks: dict[int, list[tuple[_Rank, WardChoice]]] = {}

        def ranked_part(position: int) -> list[tuple[_Rank, WardChoice]]:
            """The units a part may mean, each part ranked once."""
            if position not in ranks:
                part = parts[position]
                context = {_key(_DISTRICT.sub("", p, count=1)) for p in parts if p is not part}
                ranks[position] = self._ranked(index, part, context)
            return ranks[position]

        best: list[tuple[_Rank, WardChoice]] = []
        chosen = candidates[0]
        for position in candidates:
            ranked = ranked_part(position)
            if ranked and (not best or ranked[0][0] < best[0][0]):
                best, chosen = ranked, position
        if not any(rank[0] == 0 for rank, _choice in best):
            # A part naming a unit of another province exactly beats a guess in this one.
            named_elsewhere = [
                p
                for p in candidates
                if p != chosen and self._elsewhere(province, _queries(parts[p]), 1)
            ]
            if named_elsewhere:
                chosen = named_elsewhere[0]
                best = ranked_part(chosen)
        typed = parts[chosen]
        bare = _KIND.sub("", typed, count=1)
        queries = _queries(typed)
        choices = tuple(choice for _rank, choice in best[:limit])
        exact_current = [(rank, c) for rank, c in best if rank[:2] == (0, 0)]
        exact_with_kind = [c for rank, c in exact_current if rank[3] == 0]
        exact = (
            exact_with_kind[0]
            if len(exact_with_kind) == 1
            else exact_current[0][1]
            if len(exact_current) == 1
            else None
        )
        elsewhere: tuple[WardChoice, ...] = ()
        if not any(rank[0] == 0 for rank, _choice in best):
            elsewhere = self._elsewhere(province, queries, limit)
        # "Quận 1", "huyện Gia Lâm", or a district's bare name that is no unit today.
        district = bool(_DISTRICT.match(typed)) or (
            not best and bare == typed and _key(typed) in self._district_keys
        )
        # The other parts are the street, less what names a place: an old district ("Quận
        # Hoàn Kiếm", "Gia Lâm"), the country, a unit (an old ward typed beside its new one).
        rest = tuple(
            raw
            for position, raw in enumerate(typed_parts)
            if position != chosen
            and not self._names_no_street(parts[position])
            and not any(rank[0] == 0 for rank, _choice in ranked_part(position))
        )
        return WardMatch(exact, choices, elsewhere, district, typed_parts[chosen], rest)

    def _names_no_street(self, part: str) -> bool:
        return part in _COUNTRY or bool(_DISTRICT.match(part)) or _key(part) in self._district_keys

    def _ranked(
        self, index: _ProvinceIndex, typed: str, context: set[str]
    ) -> list[tuple[_Rank, WardChoice]]:
        bare = _KIND.sub("", typed, count=1)
        queries = _queries(typed)
        # "Phường Mỹ Tho" typed in full is not "Xã Mỹ Thọ", though both are "my tho".
        with_kind = _key(typed) if bare != typed else None
        scored: dict[str, tuple[_Rank, WardChoice]] = {}
        # A name typed exactly needs no look for typos: that is also what keeps it quick.
        exact = any(query in index.exact for query in queries)
        deletions = index.deletions
        for query in queries:
            budget = _max_typos(query)
            if exact:
                candidates = {query} if query in index.exact else set()
            else:
                candidates = set()
                for variant in _deletions(query, budget):
                    near = deletions.get(variant)
                    if near is None:
                        continue
                    if type(near) is str:
                        candidates.add(near)
                    else:
                        candidates.update(near)
            for key in candidates:
                limit = max(budget, _max_typos(key))
                distance = 0 if key == query else _distance(key, query, limit)
                if distance > limit:
                    continue
                for entry in index.exact[key]:
                    other_district = (
                        entry.old_district is not None
                        and bool(context)
                        and _key(_DISTRICT.sub("", fold(entry.old_district), count=1))
                        not in context
                    )
                    rank = (
                        distance,
                        int(entry.old_ward is not None),
                        int(other_district),
                        int(query != with_kind),
                    )
                    if entry.ward not in scored or rank < scored[entry.ward][0]:
                        scored[entry.ward] = (rank, entry.choice())
        return sorted(scored.values(), key=lambda item: (item[0], item[1].ward))

    def _elsewhere(self, province: str, queries: set[str], limit: int) -> tuple[WardChoice, ...]:
        found: dict[tuple[str, str], WardChoice] = {}
        for query in sorted(queries, key=len, reverse=True):
            for entry in sorted(
                self._everywhere.get(query, ()), key=lambda e: e.old_ward is not None
            ):
                if entry.province == province or (entry.ward, entry.province) in found:
                    continue
                found[(entry.ward, entry.province)] = entry.choice()
        # A name found in several provinces ("Phường 1") says nothing about where the customer is.
        if len({province for _ward, province in found}) > 1:
            return ()
        return tuple(found.values())[:limit]


_loaded: Units | None = None
_loading = threading.Lock()


def loaded_units() -> Units | None:
    """The units data if this process has loaded it already (never loads it)."""
    return _loaded


def units() -> Units:
    """The units data shipped with the shop, loaded once per process (from any thread)."""
    global _loaded  # noqa: PLW0603 - one read-only table per process, loaded on first use
    with _loading:
        if _loaded is None:
            raw = resources.files("catalog").joinpath("data", "units.json.gz").read_bytes()
            loaded = Units(json.loads(gzip.decompress(raw)))
            missing = set(PROVINCES) - set(loaded.provinces())
            if missing:
                raise ValueError(f"the units data lacks {sorted(missing)}")
            _loaded = loaded
        return _loaded


_KIND_WORDS: Final = ("Phường ", "Xã ", "Thị trấn ", "Đặc khu ")


def short_name(name: str) -> str:
    """A unit's name without its kind, unless it is a number: "Phường Dịch Vọng" → "Dịch Vọng"."""
    for kind in _KIND_WORDS:
        rest = name[len(kind) :]
        if name.startswith(kind) and rest and not rest[0].isdigit():
            return rest
    return name
