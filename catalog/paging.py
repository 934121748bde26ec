"""Pages of a list: how many a count fills, and a page number kept within them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
# Entries on one page of a list a person reads in a chat.
PAGE_SIZE = 8


def page_count(total: int, size: int) -> int:
    """At least one: an empty list still shows one (empty) page."""
    return max(1, -(-total // size))


def clamp_page(page: int, pages: int) -> int:
    """A stale button may ask for a page that no longer exists: the nearest one is shown."""
    return min(max(page, 0), pages - 1)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    pages: int


def paginate(items: list[T], page: int, size: int = PAGE_SIZE) -> Page[T]:
    """One page of a list; an out-of-range page number (a stale button) is clamped."""
    pages = page_count(len(items), size)
    page = clamp_page(page, pages)
    return Page(items[page * size : (page + 1) * size], page, pages)
