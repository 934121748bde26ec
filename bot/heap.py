"""Giving back to the system what a big load has freed.

Loading the whole catalog, and the ward data at start-up, reads far more than is kept: the
database rows, the ward table's JSON. Python hands what it frees to the C library, which
keeps it for this process; glibc's ``malloc_trim`` returns the free pages, so that a worker's
resident memory is what it holds rather than what it once read (bench/memory.py weighs it).
With another C library this does nothing.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache

from catalog import events
from catalog.events import ShopEvent


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # no such function, or no C library to ask
        return None
    return trim


def give_back_freed_memory() -> bool:
    """Return the C library's free pages to the system; False where it cannot."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


def _after(event: ShopEvent, _count: int) -> None:
    if event is ShopEvent.catalog_loaded:
        give_back_freed_memory()


def give_back_after_catalog_loads() -> None:
    """From now on in this process, after every full load of the catalog (a quick call)."""
    events.listen(_after)
