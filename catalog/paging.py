"""Pages of a list: how many a count fills, and a page number kept within them."""

from __future__ import annotations


def page_count(total: int, size: int) -> int:
    """At least one: an empty list still shows one (empty) page."""
    return max(1, -(-total // size))


def clamp_page(page: int, pages: int) -> int:
    """A stale button may ask for a page that no longer exists: the nearest one is shown."""
    return min(max(page, 0), pages - 1)
