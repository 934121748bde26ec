"""The catalog served from memory: browsing and searching cost no query.

A snapshot is loaded once; the unit of work marks the products a transaction changed
(stock, price, visibility) and the cache reloads just those rows before the next read.

Every worker holds the whole catalog, so it is held compactly (bench/memory.py weighs it):
the search index keeps each word once and a tuple of product ids per word, and the
alphabetical order is one position per product and language rather than a sort key.
"""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, fields, replace
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog import events
from catalog.addresses import format_address
from catalog.collation import vi_sort_key
from catalog.db import READ_ONLY, forget_cached_pages
from catalog.events import ShopEvent
from catalog.facts import ProductFacts
from catalog.models import Category, Producer, Product
from catalog.text import Described, Named, fold


@dataclass(frozen=True, slots=True)
class CategoryView(Named):
    id: int
    code: str
    name_vi: str
    name_en: str
    position: int


@dataclass(frozen=True, slots=True)
class ProducerView(Named, Described):
    id: int
    code: str
    name_vi: str
    name_en: str
    kind: str
    ward: str
    province: str
    street: str
    description_vi: str
    description_en: str
    bank_bin: str | None
    bank_account: str | None
    bank_account_name: str | None

    @property
    def place(self) -> str:
        return format_address("", self.ward, self.province)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductView(ProductFacts):
    id: int
    sku: str
    producer_id: int
    category_id: int
    photo: str | None
    search_text: str

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


# A view holds the product row's columns of the same names.
_VIEW_FIELDS = tuple(f.name for f in fields(ProductView))
_VIEW_COLUMNS = tuple(getattr(Product, name) for name in _VIEW_FIELDS)
# Values many products share (a unit, a grant date, a price, a producer): one object each.
_SHARED_FIELDS = frozenset(
    {"unit_vi", "unit_en", "ocop_granted", "price", "producer_id", "category_id"}
)

_Value = TypeVar("_Value", bound=Hashable)


class _Shared:
    """One object for equal values: ``shared(value)`` is the first equal value seen."""

    def __init__(self) -> None:
        self._seen: dict[Hashable, Any] = {}

    def __call__(self, value: _Value) -> _Value:
        seen: _Value = self._seen.setdefault(value, value)
        return seen


def _product_view(row: Iterable[Any], shared: _Shared) -> ProductView:
    """A view of a row of ``_VIEW_COLUMNS``."""
    return ProductView(
        **{
            name: shared(value) if name in _SHARED_FIELDS else value
            for name, value in zip(_VIEW_FIELDS, row, strict=True)
        }
    )


def _sort_key(language: str) -> Callable[[str], tuple[Any, ...]]:
    return vi_sort_key if language == "vi" else (lambda text: (fold(text), text))


MAX_QUERY_WORDS = 8
LOAD_ROWS = 1000  # products read at a time when the whole catalog is loaded


@dataclass
class CatalogSnapshot:
    """Everything browsing needs, indexed; lists hold only active products."""

    categories: dict[int, CategoryView]
    producers: dict[int, ProducerView]
    products: dict[int, ProductView]
    _sorted: dict[tuple[str, str, int], list[int]] = field(default_factory=dict, repr=False)
    # Each folded word of a product, its name or its producer, once, in order; per word, the
    # products it names, and (for "vi", "en") those whose name in that language has it.
    _vocabulary: list[str] = field(default_factory=list, repr=False)
    _postings: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    _in_names: tuple[dict[str, tuple[int, ...]], ...] = field(default=(), repr=False)
    # Per language (on first use): each product's place in alphabetical order.
    _positions: dict[str, dict[int, int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._build_search_index()

    # -- browsing ---------------------------------------------------------------------------

    def category_list(self) -> list[CategoryView]:
        """Categories in their display order, those with something to show."""
        shown = {p.category_id for p in self.products.values() if p.active}
        return sorted(
            (c for c in self.categories.values() if c.id in shown),
            key=lambda c: (c.position, c.id),
        )

    def producer_list(self, language: str, *, include_empty: bool = False) -> list[ProducerView]:
        """Producers in alphabetical order; those with nothing on sale only if asked for."""
        key = _sort_key(language)
        shown = {p.producer_id for p in self.products.values() if p.active}
        return sorted(
            (p for p in self.producers.values() if include_empty or p.id in shown),
            key=lambda p: key(p.name(language)),
        )

    def star_levels(self) -> list[tuple[int, int]]:
        """(stars, how many products) for each level that has products, highest first."""
        counts: dict[int, int] = defaultdict(int)
        for product in self.products.values():
            if product.active:
                counts[product.ocop_stars] += 1
        return sorted(counts.items(), reverse=True)

    def products_in_category(self, category_id: int, language: str) -> list[ProductView]:
        return self._listing("category", category_id, language)

    def products_of_producer(self, producer_id: int, language: str) -> list[ProductView]:
        return self._listing("producer", producer_id, language)

    def products_with_stars(self, stars: int, language: str) -> list[ProductView]:
        return self._listing("stars", stars, language)

    def _listing(self, kind: str, key: int, language: str) -> list[ProductView]:
        ids = self._sorted.get((kind, language, key))
        if ids is None:
            attribute = {"category": "category_id", "producer": "producer_id"}.get(
                kind, "ocop_stars"
            )
            chosen = [
                p for p in self.products.values() if p.active and getattr(p, attribute) == key
            ]
            positions = self._positions_in(language)
            ids = [p.id for p in sorted(chosen, key=lambda p: positions[p.id])]
            self._sorted[(kind, language, key)] = ids
        # Stock and price come from the current views; only the order is memoised.
        return [view for i in ids if (view := self.products[i]).active]

    # -- search -----------------------------------------------------------------------------

    def _build_search_index(self) -> None:
        # One string per distinct word, shared by the vocabulary and every index.
        words: dict[str, str] = {}

        def split(folded: str) -> tuple[str, ...]:
            return tuple(words.setdefault(word, word) for word in folded.split())

        producer_words = {
            p.id: split(fold(f"{p.name_en} {p.code}")) for p in self.producers.values()
        }
        postings: dict[str, list[int]] = defaultdict(list)
        in_names: tuple[dict[str, list[int]], ...] = (defaultdict(list), defaultdict(list))
        for product in self.products.values():
            for in_name, name in zip(in_names, (product.name_vi, product.name_en), strict=True):
                for word in set(split(fold(name))):
                    in_name[word].append(product.id)
            # The search text is folded already (catalog.text.search_text).
            found = {*split(product.search_text), *producer_words.get(product.producer_id, ())}
            for word in found:
                postings[word].append(product.id)
        self._postings = {word: tuple(ids) for word, ids in postings.items()}
        self._in_names = tuple(
            {word: tuple(ids) for word, ids in in_name.items()} for in_name in in_names
        )
        self._vocabulary = sorted({*postings, *in_names[0], *in_names[1]})
        self._positions = {}

    def _matching(self, word: str, language: str) -> tuple[set[int], set[int]]:
        """Products with a word that starts with ``word`` ("trang" finds "tràng", "tra" too),
        and those of them whose name in ``language`` has such a word."""
        found: set[int] = set()
        named: set[int] = set()
        in_name = self._in_names[1 if language == "en" else 0]
        vocabulary = self._vocabulary
        for index in range(bisect_left(vocabulary, word), len(vocabulary)):
            candidate = vocabulary[index]
            if not candidate.startswith(word):
                break
            found.update(self._postings.get(candidate, ()))
            named.update(in_name.get(candidate, ()))
        return found, named

    def search(self, query: str, language: str) -> list[ProductView]:
        """Active products matching every word of the query, accents and case ignored; those
        with more of the words in their name first, then more stars, then by name."""
        words = fold(query).split()[:MAX_QUERY_WORDS]
        if not words:
            return []
        found: set[int] | None = None
        in_name: list[set[int]] = []
        for word in words:
            matches, named = self._matching(word, language)
            found = matches if found is None else found & matches
            if not found:
                return []
            in_name.append(named)
        assert found is not None
        hits = [self.products[i] for i in found if self.products[i].active]
        positions = self._positions_in(language)

        def rank(product: ProductView) -> tuple[int, int, int]:
            named = sum(product.id in names for names in in_name)
            return (-named, -product.ocop_stars, positions[product.id])

        return sorted(hits, key=rank)

    def sort_key(self, product: ProductView, language: str) -> int:
        """Where ``product`` comes in the alphabetical order of every product's name in
        ``language`` (Vietnamese dictionary order for "vi")."""
        return self._positions_in(language)[product.id]

    def _positions_in(self, language: str) -> dict[int, int]:
        positions = self._positions.get(language)
        if positions is None:
            key = _sort_key(language)
            ordered = sorted(self.products.values(), key=lambda p: key(p.name(language)))
            positions = {product.id: place for place, product in enumerate(ordered)}
            self._positions[language] = positions
        return positions

    # -- updates ----------------------------------------------------------------------------

    def with_products(self, changed: Iterable[ProductView], removed: Iterable[int] = ()) -> None:
        """Swap in fresh views of some products (stock, price, visibility changed)."""
        reindex = False
        for view in changed:
            old = self.products.get(view.id)
            if (
                old is None
                or (old.name_vi, old.name_en, old.active, old.search_text)
                != (
                    view.name_vi,
                    view.name_en,
                    view.active,
                    view.search_text,
                )
                or old.ocop_stars != view.ocop_stars
                or old.category_id != view.category_id
            ):
                reindex = True
            self.products[view.id] = view
        for product_id in removed:
            self.products.pop(product_id, None)
            reindex = True
        if reindex:
            self._sorted.clear()
            self._build_search_index()


class CatalogCache:
    """Holds the snapshot; reloads the products a committed transaction changed."""

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], *, max_age: float = 60.0
    ) -> None:
        self._session_factory = session_factory
        self._snapshot: CatalogSnapshot | None = None
        self._stale: set[int] = set()
        self._full_reload = True
        self._loaded_at = 0.0
        # Other processes may change stock too: reload everything at least this often.
        self._max_age = max_age
        self._lock = asyncio.Lock()
        # The loaded catalog's shared values, which reloaded products share too.
        self._shared = _Shared()

    def invalidate(self) -> None:
        """Reload everything on the next read (producers or categories changed)."""
        self._full_reload = True

    def products_changed(self, product_ids: Iterable[int]) -> None:
        self._stale.update(product_ids)

    async def get(self) -> CatalogSnapshot:
        if self._current():
            assert self._snapshot is not None
            return self._snapshot
        async with self._lock:
            if self._full_reload or self._snapshot is None:
                self._full_reload, self._stale = False, set()
                self._snapshot = await self._load_all()
                self._loaded_at = time.monotonic()
                events.tell(ShopEvent.catalog_loaded)
            elif self._expired():
                # Another process (a sale, an import from the command line) may have changed
                # the catalog: products or producers added mean a full reload, otherwise only
                # what changes often (stock, price, visibility) is refreshed.
                if await self._shape_changed(self._snapshot):
                    self._stale = set()
                    self._snapshot = await self._load_all()
                    events.tell(ShopEvent.catalog_loaded)
                else:
                    await self._refresh_volatile(self._snapshot)
                    events.tell(ShopEvent.catalog_refreshed)
                self._loaded_at = time.monotonic()
            if self._stale:
                stale, self._stale = self._stale, set()
                await self._reload(self._snapshot, stale)
                events.tell(ShopEvent.catalog_refreshed)
            return self._snapshot

    def _expired(self) -> bool:
        return time.monotonic() - self._loaded_at > self._max_age

    def _current(self) -> bool:
        return (
            self._snapshot is not None
            # A reload under way took the stale marks already: wait for what it brings.
            and not self._lock.locked()
            and not self._full_reload
            and not self._stale
            and not self._expired()
        )

    async def _load_all(self) -> CatalogSnapshot:
        async with self._session_factory() as session:
            await session.connection(execution_options=READ_ONLY)
            categories = {
                c.id: CategoryView(c.id, c.code, c.name_vi, c.name_en, c.position)
                for c in await session.scalars(select(Category))
            }
            producers = {
                p.id: ProducerView(
                    id=p.id,
                    code=p.code,
                    name_vi=p.name_vi,
                    name_en=p.name_en,
                    kind=p.kind.value,
                    ward=p.ward,
                    province=p.province,
                    street=p.street,
                    description_vi=p.description_vi,
                    description_en=p.description_en,
                    bank_bin=p.bank_bin,
                    bank_account=p.bank_account,
                    bank_account_name=p.bank_account_name,
                )
                for p in await session.scalars(select(Producer))
            }
            # Rows, not ORM objects, a thousand at a time: what is only read on the way to the
            # views would otherwise stay as resident memory after it is freed.
            self._shared = shared = _Shared()
            products: dict[int, ProductView] = {}
            rows = await session.stream(select(*_VIEW_COLUMNS))
            async for partition in rows.partitions(LOAD_ROWS):
                for row in partition:
                    view = _product_view(row, shared)
                    products[view.id] = view
            await forget_cached_pages(session)
        return CatalogSnapshot(categories=categories, producers=producers, products=products)

    async def _shape_changed(self, snapshot: CatalogSnapshot) -> bool:
        async with self._session_factory() as session:
            await session.connection(execution_options=READ_ONLY)
            products = (
                await session.execute(select(func.count(Product.id), func.max(Product.id)))
            ).one()
            producers = await session.scalar(select(func.count(Producer.id)))
            categories = await session.scalar(select(func.count(Category.id)))
        known = (len(snapshot.products), max(snapshot.products, default=None))
        return (
            tuple(products) != known
            or producers != len(snapshot.producers)
            or categories != len(snapshot.categories)
        )

    async def _refresh_volatile(self, snapshot: CatalogSnapshot) -> None:
        async with self._session_factory() as session:
            await session.connection(execution_options=READ_ONLY)
            rows = await session.execute(
                select(Product.id, Product.stock, Product.price, Product.active)
            )
            changed = [
                replace(view, stock=stock, price=self._shared(price), active=active)
                for product_id, stock, price, active in rows
                if (view := snapshot.products.get(product_id)) is not None
                and (view.stock, view.price, view.active) != (stock, price, active)
            ]
        if changed:
            snapshot.with_products(changed)

    async def _reload(self, snapshot: CatalogSnapshot, product_ids: set[int]) -> None:
        async with self._session_factory() as session:
            await session.connection(execution_options=READ_ONLY)
            rows = await session.execute(select(*_VIEW_COLUMNS).where(Product.id.in_(product_ids)))
            views = [_product_view(row, self._shared) for row in rows]
        found = {view.id for view in views}
        snapshot.with_products(views, removed=product_ids - found)
